package io.micronet.alerts;

import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.validation.Inputs;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A silence: alerts its matchers match (service, rule id or name, severity: every one given must match) are not
 * notified between {@code startsAt} and {@code endsAt}. {@link #parse} checks a caller's {@code POST /api/silences}
 * body: at least one matcher, {@code minutes} (1–10080) or an {@code endsAt} in the future (at most a week on), an
 * optional reason; 422 naming each bad field otherwise.
 */
record Silence(String id, String service, String rule, String severity, Instant startsAt, Instant endsAt, String reason,
               String createdBy, Instant createdAt) {

  static final long MAX_MINUTES = 7 * 24 * 60;
  static final int MAX_REASON = 500;

  boolean activeAt(Instant now) {
    return !now.isBefore(startsAt) && now.isBefore(endsAt);
  }

  boolean matches(Alert alert) {
    return (service == null || service.equals(alert.service))
      && (rule == null || rule.equals(alert.ruleId) || rule.equals(alert.rule))
      && (severity == null || severity.equals(alert.severity));
  }

  JsonObject toJson() {
    JsonObject matchers = new JsonObject();
    if (service != null) {
      matchers.put("service", service);
    }
    if (rule != null) {
      matchers.put("rule", rule);
    }
    if (severity != null) {
      matchers.put("severity", severity);
    }
    return new JsonObject().put("id", id).put("matchers", matchers).put("startsAt", startsAt.toString())
      .put("endsAt", endsAt.toString()).put("reason", reason).put("createdBy", createdBy).put("createdAt", createdAt.toString());
  }

  static Silence fromJson(JsonObject json) {
    JsonObject matchers = json.getJsonObject("matchers", new JsonObject());
    return new Silence(json.getString("id"), matchers.getString("service"), matchers.getString("rule"), matchers.getString("severity"),
      Instant.parse(json.getString("startsAt")), Instant.parse(json.getString("endsAt")), json.getString("reason"),
      json.getString("createdBy"), Instant.parse(json.getString("createdAt")));
  }

  static Silence parse(Object given, String id, String createdBy, Instant now) {
    if (!(given instanceof JsonObject body)) {
      throw ServiceException.badRequest("the request body must be a JSON object");
    }
    JsonObject errors = new JsonObject();
    String service = null;
    String rule = null;
    String severity = null;
    if (!(body.getValue("matchers") instanceof JsonObject matchers)) {
      errors.put("matchers", "is required: an object with at least one of service, rule, severity");
    } else {
      service = matcher(matchers, "service", errors);
      rule = matcher(matchers, "rule", errors);
      severity = matcher(matchers, "severity", errors);
      if (severity != null && !Rule.SEVERITIES.contains(severity)) {
        errors.put("matchers.severity", "must be one of " + String.join(", ", Rule.SEVERITIES));
      }
      for (String key : matchers.fieldNames()) {
        if (!key.equals("service") && !key.equals("rule") && !key.equals("severity")) {
          errors.put("matchers." + key, "is not a matcher: service, rule or severity");
        }
      }
      if (service == null && rule == null && severity == null && !errors.containsKey("matchers.service")
        && !errors.containsKey("matchers.rule") && !errors.containsKey("matchers.severity")) {
        errors.put("matchers", "needs at least one of service, rule, severity");
      }
    }
    Instant endsAt = null;
    Object minutes = body.getValue("minutes");
    Object until = body.getValue("endsAt");
    if (minutes != null && until != null) {
      errors.put("minutes", "give minutes or endsAt, not both");
    } else if (minutes != null) {
      if (minutes instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= 1
        && n.doubleValue() <= MAX_MINUTES) {
        endsAt = now.plus(Duration.ofMinutes(n.longValue()));
      } else {
        errors.put("minutes", "must be a whole number from 1 to " + MAX_MINUTES);
      }
    } else if (until != null) {
      try {
        endsAt = until instanceof String s ? Instant.parse(s) : null;
        if (endsAt == null) {
          errors.put("endsAt", "must be an ISO-8601 UTC time");
        } else if (!endsAt.isAfter(now)) {
          errors.put("endsAt", "must be in the future");
        } else if (endsAt.isAfter(now.plus(Duration.ofMinutes(MAX_MINUTES)))) {
          errors.put("endsAt", "must be at most " + MAX_MINUTES / 60 / 24 + " days away");
        }
      } catch (DateTimeParseException e) {
        errors.put("endsAt", "must be an ISO-8601 UTC time");
      }
    } else {
      errors.put("minutes", "give minutes (1 to " + MAX_MINUTES + ") or endsAt");
    }
    Object reason = body.getValue("reason");
    // no control characters but line breaks and tabs: the reason goes into the activity feed as plain text (PostgreSQL
    // cannot store U+0000 there) and into ChatOps replies and logs (no terminal escapes)
    if (reason != null && (!(reason instanceof String text) || text.length() > MAX_REASON || !Inputs.wellFormed(text)
      || text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t'))) {
      errors.put("reason", "must be a text of at most " + MAX_REASON + " characters, without control characters");
    }
    if (!errors.isEmpty()) {
      throw ServiceException.invalid(errors);
    }
    return new Silence(id, service, rule, severity, now, endsAt, (String) reason, createdBy, now);
  }

  private static String matcher(JsonObject matchers, String key, JsonObject errors) {
    Object value = matchers.getValue(key);
    if (value == null) {
      return null;
    }
    if (value instanceof String s && !s.isBlank() && s.length() <= RuleInput.MAX_NAME && Inputs.idText(s)) {
      return s;
    }
    errors.put("matchers." + key, "must be a text of 1 to " + RuleInput.MAX_NAME + " characters");
    return null;
  }
}
