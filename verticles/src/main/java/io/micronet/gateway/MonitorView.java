package io.micronet.gateway;

import io.micronet.shared.events.Feeds;
import io.micronet.shared.health.HealthView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * The latest snapshot the health monitor published on {@code micronet.health}, as this gateway heard it: {@code /status}
 * and {@code /api/services} show it while it is younger than {@link #ROUNDS_FRESH} of the monitor's rounds, and the
 * gateway's own view otherwise (no monitor runs, or its leader died and no standby has taken over yet).
 */
final class MonitorView {

  /** A snapshot older than this many rounds is stale. */
  static final int ROUNDS_FRESH = 3;
  private static final int MAX_EVERY_SECONDS = 3600;

  private final Vertx vertx;
  private MessageConsumer<Object> consumer;
  private HealthView latest;
  private JsonObject meta;
  private long heardAtMs;
  private long everyMs;

  MonitorView(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Void> start() {
    consumer = vertx.eventBus().consumer(Feeds.HEALTH, message -> {
      if (message.body() instanceof JsonObject snapshot) {
        heard(snapshot, System.currentTimeMillis());
      }
    });
    return consumer.completion();
  }

  Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Keeps a well-formed snapshot (change events and junk are ignored). */
  void heard(JsonObject snapshot, long nowMs) {
    Optional<HealthView> view = HealthView.fromSnapshot(snapshot);
    if (view.isEmpty()) {
      return;
    }
    int every = snapshot.getValue("everySeconds") instanceof Integer n && n > 0 && n <= MAX_EVERY_SECONDS ? n : 10;
    latest = view.get();
    heardAtMs = nowMs;
    everyMs = every * 1000L;
    meta = new JsonObject().put("time", snapshot.getValue("time") instanceof String t ? t : null)
      .put("leader", snapshot.getValue("leader") instanceof String l ? l : null);
  }

  /** The monitor's view, if a snapshot was heard less than {@link #ROUNDS_FRESH} rounds ago. */
  Optional<HealthView> fresh(long nowMs) {
    return latest != null && nowMs - heardAtMs < ROUNDS_FRESH * everyMs ? Optional.of(latest) : Optional.empty();
  }

  /** When the fresh snapshot was taken and by which node's monitor: {@code {time, leader}}. */
  JsonObject meta() {
    return meta == null ? new JsonObject() : meta.copy();
  }
}
