package io.micronet.shared.health;

import io.vertx.core.json.JsonObject;

/** One instance as the rule judged it; {@code reason} is null when it is UP, {@code breaker} null when no caller has one. */
public record InstanceHealth(String id, String node, Status status, String reason, String breaker) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("node", node).put("status", status.name()).put("reason", reason).put("breaker", breaker);
  }

  /** Reads what {@link #toJson()} wrote; null when it is not one. */
  static InstanceHealth fromJson(Object value) {
    if (!(value instanceof JsonObject json) || !(json.getValue("id") instanceof String id) || Status.parse(json.getValue("status")) == null) {
      return null;
    }
    return new InstanceHealth(id, text(json, "node"), Status.parse(json.getValue("status")), text(json, "reason"), text(json, "breaker"));
  }

  static String text(JsonObject json, String key) {
    return json.getValue(key) instanceof String s ? s : null;
  }
}
