package io.micronet.shared.events;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * The streams other parts of the platform consume: a few fixed addresses, each event a JSON object with a
 * {@code type} and a {@code time}, always published fire-and-forget — nothing on a request's path ever waits for a
 * monitor, a feed or their storage. HEALTH, METRICS, ACTIVITY, BROADCAST and ALERTS are public feeds (CONTRACT.md; the SockJS bridge may let
 * browsers listen to them), the others stay inside the cluster.
 */
public final class Feeds {

  /** Health: {@code type} {@code change} (a service's status moved, with reasons) or {@code snapshot} (every round). */
  public static final String HEALTH = "micronet.health";
  /** Metrics: {@code type} {@code snapshot}, every 2 s, per service and instance. */
  public static final String METRICS = "micronet.metrics";
  /** Activity: {@code type} {@code activity}, see {@link ActivityEvent}. */
  public static final String ACTIVITY = "micronet.activity";
  /** ChatOps broadcasts to every dashboard: {@code type} {@code broadcast}, {@code from}, {@code role}, {@code text}. */
  public static final String BROADCAST = "micronet.broadcast";
  /**
   * Not a feed: the one public command address (CONTRACT.md), where the dashboard's bridge sends
   * {@code {"command":"…"}} with the user's token; every chatops instance answers it.
   */
  public static final String CHATOPS = "micronet.chatops";
  /** Alerts (issue 11): {@code type} {@code alert}. */
  public static final String ALERTS = "micronet.alerts";
  /** Internal: a caller's circuit breaker changed state ({@code type} {@code breaker}). */
  public static final String BREAKERS = "micronet.breakers";
  /** Internal: one instance's (or one gateway's) request figures since its last sample ({@code type} {@code sample}). */
  public static final String METRIC_SAMPLES = "micronet.metrics.samples";
  /**
   * Internal: a figure a service measures about itself for the alerts service ({@code type} {@code signal}, {@code signal},
   * {@code service}, {@code instance}, {@code value}), e.g. orders' recovery backlog.
   */
  public static final String SIGNALS = "micronet.signals";

  private Feeds() {
  }

  /** Publishes {@code event} (which names its {@code type}) on {@code address}, stamped with the time if it has none. */
  public static void publish(Vertx vertx, String address, JsonObject event) {
    if (!event.containsKey("type")) {
      throw new IllegalArgumentException("a feed event needs a type");
    }
    if (!event.containsKey("time")) {
      event.put("time", Instant.now().toString());
    }
    vertx.eventBus().publish(address, event);
  }

  /** Publishes an activity event on {@link #ACTIVITY}. */
  public static void activity(Vertx vertx, ActivityEvent event) {
    vertx.eventBus().publish(ACTIVITY, event.toJson());
  }
}
