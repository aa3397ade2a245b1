package io.micronet.alerts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The notification timing of one group (a service and a rule): since when it has had something to notify (the group
 * wait counts from here), when it last notified and what firing alerts that notification named (the group interval
 * and the repeat interval count from there), and how many notifications it sent (each notification's id comes from
 * the group, its start and this count: the same on a new leader that repeats a step, so a receiver sees it once).
 */
final class AlertGroup {

  final String key;
  final Instant createdAt;
  Instant lastSentAt;
  List<String> lastFiring = new ArrayList<>();
  long seq;

  AlertGroup(String key, Instant createdAt) {
    this.key = key;
    this.createdAt = createdAt;
  }

  JsonObject toJson() {
    return new JsonObject().put("key", key).put("createdAt", createdAt.toString())
      .put("lastSentAt", lastSentAt == null ? null : lastSentAt.toString()).put("lastFiring", new JsonArray(new ArrayList<>(lastFiring)))
      .put("seq", seq);
  }

  static AlertGroup fromJson(JsonObject json) {
    AlertGroup group = new AlertGroup(json.getString("key"), Instant.parse(json.getString("createdAt")));
    String sent = json.getString("lastSentAt");
    group.lastSentAt = sent == null ? null : Instant.parse(sent);
    group.lastFiring = new ArrayList<>(json.getJsonArray("lastFiring", new JsonArray()).stream().map(String::valueOf).toList());
    group.seq = json.getLong("seq", 0L);
    return group;
  }
}
