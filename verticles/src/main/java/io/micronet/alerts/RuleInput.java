package io.micronet.alerts;

import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.validation.Inputs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A rule as a caller sends it ({@code POST /api/rules}, {@code PUT /api/rules/{id}}: the whole rule), checked field by
 * field: every invalid field is named in one 422 ({@code VALIDATION_FAILED}, details {field: why}) and nothing is
 * stored. Limits: durations 0–86400 s, a z-score window 10–86400 s and k 0.5–20, a burst 1–100000 errors within
 * 1–86400 s; metrics, operators, kinds, severities, statuses and signals from their fixed lists.
 */
final class RuleInput {

  static final int MAX_SECONDS = 86_400;
  static final int MAX_NAME = 120;

  private RuleInput() {
  }

  /** The rules shipped in conf ({@code services.alerts.defaultRules}), built-in, each with its own id; a bad one stops the start. */
  static List<Rule> defaults(JsonArray rules, Instant now) {
    List<Rule> defaults = new ArrayList<>();
    for (Object one : rules) {
      if (!(one instanceof JsonObject json) || !(json.getValue("id") instanceof String id) || id.isBlank() || id.length() > 64) {
        throw new IllegalArgumentException("services.alerts.defaultRules: " + one + " needs an id of 1 to 64 characters");
      }
      try {
        defaults.add(parse(json, id, true, now, now));
      } catch (ServiceException e) {
        throw new IllegalArgumentException("services.alerts.defaultRules: rule " + id + " is not valid: " + e.details());
      }
    }
    return defaults;
  }

  /** The rule {@code body} describes, with this id and times ({@code builtIn} kept from the stored rule on an update). */
  static Rule parse(Object given, String id, boolean builtIn, Instant createdAt, Instant now) {
    if (!(given instanceof JsonObject body)) {
      throw ServiceException.badRequest("the request body must be a JSON object");
    }
    JsonObject errors = new JsonObject();
    String name = text(body, "name", true, errors);
    String kind = oneOf(body, "kind", List.copyOf(Rule.KINDS.stream().sorted().toList()), null, errors);
    String service = body.getValue("service") == null ? null : text(body, "service", true, errors);
    if (body.getValue("service") == null) {
      errors.put("service", "is required: a service name, or * for every service");
    }
    String severity = oneOf(body, "severity", Rule.SEVERITIES, "warning", errors);
    String op = oneOf(body, "op", Rule.OPS, ">", errors);
    int forSeconds = whole(body, "forSeconds", 0, 0, MAX_SECONDS, errors);
    int keepFiring = whole(body, "keepFiringSeconds", 0, 0, MAX_SECONDS, errors);
    boolean enabled = flag(body, "enabled", true, errors);
    String metric = null;
    double value = 0;
    Rule.Window window = null;
    Rule.Burst burst = null;
    List<String> statuses = List.of();
    if (kind != null) {
      switch (kind) {
        case Rule.THRESHOLD -> {
          metric = oneOf(body, "metric", Rule.METRICS, null, errors);
          value = number(body, "value", null, errors);
        }
        case Rule.ZSCORE -> {
          metric = oneOf(body, "metric", Rule.METRICS, null, errors);
          value = number(body, "value", 0.0, errors);
          window = window(body.getValue("window"), errors);
        }
        case Rule.SIGNAL -> {
          metric = oneOf(body, "metric", Signals.NAMES, null, errors);
          value = number(body, "value", 0.0, errors);
        }
        case Rule.BURST -> {
          metric = "errors";
          burst = burst(body.getValue("burst"), errors);
        }
        default -> statuses = statuses(body.getValue("statuses"), errors);
      }
    }
    if (!errors.isEmpty()) {
      throw ServiceException.invalid(errors);
    }
    return new Rule(id, name, kind, service, metric, op, value, forSeconds, keepFiring, severity, window, burst, statuses, enabled,
      builtIn, createdAt, now);
  }

  private static String text(JsonObject body, String field, boolean required, JsonObject errors) {
    Object value = body.getValue(field);
    if (value == null && !required) {
      return null;
    }
    if (!(value instanceof String s) || s.isBlank() || s.length() > MAX_NAME || !Inputs.idText(s)) {
      errors.put(field, "must be a text of 1 to " + MAX_NAME + " characters");
      return null;
    }
    return s.trim();
  }

  private static String oneOf(JsonObject body, String field, List<String> allowed, String fallback, JsonObject errors) {
    Object value = body.getValue(field);
    if (value == null && fallback != null) {
      return fallback;
    }
    if (value instanceof String s && allowed.contains(s)) {
      return s;
    }
    errors.put(field, "must be one of " + String.join(", ", allowed));
    return null;
  }

  private static int whole(JsonObject body, String field, int fallback, long min, long max, JsonObject errors) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() == Math.rint(n.doubleValue())
      && n.doubleValue() >= min && n.doubleValue() <= max) {
      return n.intValue();
    }
    errors.put(field, "must be a whole number from " + min + " to " + max);
    return fallback;
  }

  private static double number(JsonObject body, String field, Double fallback, JsonObject errors) {
    Object value = body.getValue(field);
    if (value == null && fallback != null) {
      return fallback;
    }
    if (value instanceof Number n && Double.isFinite(n.doubleValue()) && Math.abs(n.doubleValue()) <= 1e12) {
      return n.doubleValue();
    }
    errors.put(field, "must be a number");
    return 0;
  }

  private static boolean flag(JsonObject body, String field, boolean fallback, JsonObject errors) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    errors.put(field, "must be true or false");
    return fallback;
  }

  private static Rule.Window window(Object given, JsonObject errors) {
    if (!(given instanceof JsonObject window)) {
      errors.put("window", "is required for a zscore rule: {seconds, k, robust}");
      return null;
    }
    JsonObject own = new JsonObject();
    int seconds = whole(window, "seconds", -1, 10, MAX_SECONDS, own);
    if (window.getValue("seconds") == null) {
      own.put("seconds", "must be a whole number from 10 to " + MAX_SECONDS);
    }
    double k = number(window, "k", null, own);
    if (own.getValue("k") == null && (k < 0.5 || k > 20)) {
      own.put("k", "must be a number from 0.5 to 20");
    }
    boolean robust = flag(window, "robust", false, own);
    own.forEach(e -> errors.put("window." + e.getKey(), e.getValue()));
    return own.isEmpty() ? new Rule.Window(seconds, k, robust) : null;
  }

  private static Rule.Burst burst(Object given, JsonObject errors) {
    if (!(given instanceof JsonObject burst)) {
      errors.put("burst", "is required for a burst rule: {count, withinSeconds}");
      return null;
    }
    JsonObject own = new JsonObject();
    int count = whole(burst, "count", -1, 1, 100_000, own);
    int within = whole(burst, "withinSeconds", -1, 1, MAX_SECONDS, own);
    if (burst.getValue("count") == null) {
      own.put("count", "must be a whole number from 1 to 100000");
    }
    if (burst.getValue("withinSeconds") == null) {
      own.put("withinSeconds", "must be a whole number from 1 to " + MAX_SECONDS);
    }
    own.forEach(e -> errors.put("burst." + e.getKey(), e.getValue()));
    return own.isEmpty() ? new Rule.Burst(count, within) : null;
  }

  private static List<String> statuses(Object given, JsonObject errors) {
    if (given == null) {
      return List.of("DOWN");
    }
    List<String> statuses = new ArrayList<>();
    if (given instanceof JsonArray array && !array.isEmpty()) {
      for (Object one : array) {
        if (one instanceof String s && Rule.STATUSES.contains(s) && !statuses.contains(s)) {
          statuses.add(s);
        } else {
          errors.put("statuses", "must be a non-empty list of " + String.join(", ", Rule.STATUSES));
          return List.of();
        }
      }
      return statuses;
    }
    errors.put("statuses", "must be a non-empty list of " + String.join(", ", Rule.STATUSES));
    return List.of();
  }
}
