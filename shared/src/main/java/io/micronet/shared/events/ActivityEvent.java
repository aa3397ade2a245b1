package io.micronet.shared.events;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.UUID;

/**
 * One entry of the activity feed ({@link Feeds#ACTIVITY}): when, who did it (a user name, {@code system}, or the
 * part of the platform that decided), what kind of change, and where (service, instance, node; each may be null),
 * with a sentence for people. The id lets a store keep an event once however often it arrives.
 */
public record ActivityEvent(String id, Instant time, String actor, Kind kind, String service, String instance, String node,
                            String text) {

  /** Texts longer than this are cut: the feed is for people, not for payloads. */
  public static final int MAX_TEXT = 500;
  static final int MAX_NAME = 120;
  private static final Instant EARLIEST = Instant.EPOCH;
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  public enum Kind {
    /** an instance started or stopped, a node joined or left */
    LIFECYCLE,
    /** a service's health status changed */
    HEALTH,
    /** a caller's circuit breaker to an instance opened, half-opened or closed */
    BREAKER,
    /** a failure injection started or ended */
    FAILURE,
    /** the desired instance count changed, or the reconciler placed or removed instances */
    SCALE,
    /** a ChatOps command ran */
    CHATOPS,
    /** an alert changed state */
    ALERT,
    /** cluster membership: a node dropped (no heartbeat) or left, a node joined, the halves of a partition merged */
    CLUSTER;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code label} (any case), or null. */
    public static Kind parse(String label) {
      for (Kind kind : values()) {
        if (kind.label().equalsIgnoreCase(label)) {
          return kind;
        }
      }
      return null;
    }
  }

  public ActivityEvent {
    text = text == null ? "" : text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
    actor = cut(actor == null ? "system" : actor);
    service = cut(service);
    instance = cut(instance);
    node = cut(node);
  }

  /** A new event happening now. */
  public static ActivityEvent of(String actor, Kind kind, String service, String instance, String node, String text) {
    return new ActivityEvent(UUID.randomUUID().toString(), Instant.now(), actor, kind, service, instance, node, text);
  }

  public JsonObject toJson() {
    return new JsonObject().put("type", "activity").put("id", id).put("time", time.toString()).put("actor", actor)
      .put("kind", kind.label()).put("service", service).put("instance", instance).put("node", node).put("text", text);
  }

  /** Reads an event from the feed; null when it is not a well-formed activity event (nothing on the bus is taken on faith). */
  public static ActivityEvent fromJson(JsonObject json) {
    if (json == null || !"activity".equals(json.getValue("type")) || !(json.getValue("id") instanceof String id)
      || id.isEmpty() || id.length() > 64 || !(json.getValue("kind") instanceof String label) || parseKind(label) == null
      || !(json.getValue("time") instanceof String time)) {
      return null;
    }
    try {
      Instant at = Instant.parse(time);
      if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
        // a parser takes years of nine digits; a store (epoch milliseconds) cannot hold them
        return null;
      }
      return new ActivityEvent(id, at, string(json, "actor"), parseKind(label), string(json, "service"),
        string(json, "instance"), string(json, "node"), string(json, "text"));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Kind parseKind(String label) {
    return Kind.parse(label);
  }

  private static String string(JsonObject json, String key) {
    return json.getValue(key) instanceof String s ? s : null;
  }

  private static String cut(String value) {
    return value == null || value.length() <= MAX_NAME ? value : value.substring(0, MAX_NAME);
  }
}
