package io.micronet.alerts;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Objects;

/**
 * One alert: a rule's condition on one subject, from pending through firing to resolved (then kept as history; the
 * same condition later is a new alert). Mutable, owned by the {@link AlertEngine}; {@link #toJson()} is the PREAMBLE
 * shape REST and the feed show, {@link #toStored()} adds what the engine needs to go on after a change of leader
 * (when the condition was last true, whether its firing and its resolution were notified).
 */
final class Alert {

  static final String PENDING = "pending";
  static final String FIRING = "firing";
  static final String RESOLVED = "resolved";

  final String id;
  final String fingerprint;
  final String ruleId;
  final String kind;
  String rule;
  String severity;
  final String service;
  final String instance;
  final JsonObject labels;
  String state;
  double value;
  String summary;
  Instant since;
  final Instant startsAt;
  Instant firingAt;
  Instant resolvedAt;
  Instant updatedAt;
  String ackedBy;
  Instant ackedAt;
  String silencedBy;
  JsonObject inhibitedBy;
  /** When the condition was last seen true: the keep-firing period counts from here. */
  Instant lastActiveAt;
  /** Its firing went out in a notification: its resolution will too (once). */
  boolean notified;
  boolean resolutionNotified;

  Alert(String id, String fingerprint, String ruleId, String kind, String service, String instance, JsonObject labels, Instant startsAt) {
    this.id = id;
    this.fingerprint = fingerprint;
    this.ruleId = ruleId;
    this.kind = kind;
    this.service = service;
    this.instance = instance;
    this.labels = labels;
    this.startsAt = startsAt;
  }

  boolean active() {
    return !RESOLVED.equals(state);
  }

  boolean acknowledged() {
    return ackedBy != null;
  }

  /** Grouping: by service and rule. */
  String groupKey() {
    return service + "/" + ruleId;
  }

  /** A firing DOWN status alert: the alerts of the services depending on this one are its consequences. */
  boolean isServiceDown() {
    return Rule.STATUS.equals(kind) && FIRING.equals(state) && value >= 2;
  }

  JsonObject toJson() {
    return new JsonObject().put("id", id).put("fingerprint", fingerprint).put("ruleId", ruleId).put("rule", rule)
      .put("severity", severity).put("service", service).put("instance", instance).put("labels", labels.copy()).put("state", state)
      .put("value", value).put("summary", summary).put("since", text(since)).put("startsAt", text(startsAt))
      .put("firingAt", text(firingAt)).put("resolvedAt", text(resolvedAt)).put("updatedAt", text(updatedAt))
      .put("acknowledged", ackedBy == null ? null : new JsonObject().put("by", ackedBy).put("at", text(ackedAt)))
      .put("silencedBy", silencedBy).put("inhibitedBy", inhibitedBy == null ? null : inhibitedBy.copy());
  }

  JsonObject toStored() {
    return toJson().put("kind", kind).put("lastActiveAt", text(lastActiveAt)).put("notified", notified)
      .put("resolutionNotified", resolutionNotified);
  }

  static Alert fromStored(JsonObject json) {
    Alert alert = new Alert(json.getString("id"), json.getString("fingerprint"), json.getString("ruleId"), json.getString("kind"),
      json.getString("service"), json.getString("instance"), json.getJsonObject("labels", new JsonObject()), time(json, "startsAt"));
    alert.rule = json.getString("rule");
    alert.severity = json.getString("severity");
    alert.state = json.getString("state");
    alert.value = json.getDouble("value", 0.0);
    alert.summary = json.getString("summary");
    alert.since = time(json, "since");
    alert.firingAt = time(json, "firingAt");
    alert.resolvedAt = time(json, "resolvedAt");
    alert.updatedAt = time(json, "updatedAt");
    JsonObject ack = json.getJsonObject("acknowledged");
    if (ack != null) {
      alert.ackedBy = ack.getString("by");
      alert.ackedAt = time(ack, "at");
    }
    alert.silencedBy = json.getString("silencedBy");
    alert.inhibitedBy = json.getJsonObject("inhibitedBy");
    alert.lastActiveAt = time(json, "lastActiveAt");
    alert.notified = json.getBoolean("notified", false);
    alert.resolutionNotified = json.getBoolean("resolutionNotified", false);
    return alert;
  }

  /** Same public content (what a feed event would show). */
  boolean sameAs(JsonObject before) {
    return Objects.equals(before, toJson());
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }

  private static Instant time(JsonObject json, String key) {
    String value = json.getString(key);
    return value == null ? null : Instant.parse(value);
  }
}
