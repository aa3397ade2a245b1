package io.micronet.alerts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One notification of a group of alerts, as the engine hands it to delivery. {@code id} is stable across retries,
 * replays and a change of leader: receivers use it to recognise a notification they already have.
 */
public record Notification(String id, String groupKey, String status, JsonArray alerts, Instant createdAt) {

  public static final String FIRING = "firing";
  public static final String RESOLVED = "resolved";

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("groupKey", groupKey).put("status", status).put("alerts", alerts.copy())
      .put("createdAt", createdAt.toString());
  }

  public static Notification fromJson(JsonObject json) {
    return new Notification(json.getString("id"), json.getString("groupKey"), json.getString("status"),
      json.getJsonArray("alerts", new JsonArray()), Instant.parse(json.getString("createdAt")));
  }
}
