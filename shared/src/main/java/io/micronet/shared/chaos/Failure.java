package io.micronet.shared.chaos;

import io.micronet.shared.validation.Numbers;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * A failure injected into the instances of a service: its mode, how much (a share of requests for {@code error},
 * a delay or a range for {@code latency}), which instance ({@code null}: all) and until when. {@link #parse} checks
 * a request body (the REST shape of CONTRACT.md) and names every bad field.
 */
public record Failure(Mode mode, double rate, long latencyMinMs, long latencyMaxMs, String instanceId, long untilMillis,
                      String actor) {

  public static final int MAX_DURATION_SECONDS = 3600;
  public static final long MAX_LATENCY_MS = 60_000;
  static final Set<String> FIELDS = Set.of("mode", "durationSeconds", "rate", "latencyMs", "instanceId");

  public enum Mode {
    ERROR, LATENCY, CRASH;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** For people: "error on 50% of requests for 30 s". */
  public String describe() {
    long seconds = Math.max(0, (untilMillis - System.currentTimeMillis() + 999) / 1000);
    String what = switch (mode) {
      case ERROR -> "error on " + Math.round(rate * 100) + "% of requests";
      case LATENCY -> "latency of " + (latencyMinMs == latencyMaxMs ? latencyMinMs + " ms" : latencyMinMs + "–" + latencyMaxMs + " ms");
      case CRASH -> "crash (no answers)";
    };
    return what + " for " + seconds + " s";
  }

  public boolean expired(long nowMillis) {
    return nowMillis >= untilMillis;
  }

  public boolean targets(String instance) {
    return instanceId == null || instanceId.equals(instance);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("mode", mode.label()).put("until", Instant.ofEpochMilli(untilMillis).toString())
      .put("instanceId", instanceId).put("actor", actor);
    if (mode == Mode.ERROR) {
      json.put("rate", rate);
    }
    if (mode == Mode.LATENCY) {
      json.put("latencyMs", latencyMinMs == latencyMaxMs ? (Object) latencyMinMs
        : new JsonObject().put("min", latencyMinMs).put("max", latencyMaxMs));
    }
    return json;
  }

  /** Reads what {@link #toJson()} wrote (between the platform's own parts); null when it is not one. */
  public static Failure fromJson(JsonObject json) {
    try {
      Mode mode = Mode.valueOf(json.getString("mode").toUpperCase(Locale.ROOT));
      long until = Instant.parse(json.getString("until")).toEpochMilli();
      Object latency = json.getValue("latencyMs");
      long min = latency instanceof Number n ? n.longValue() : latency instanceof JsonObject range ? range.getLong("min") : 0;
      long max = latency instanceof Number n ? n.longValue() : latency instanceof JsonObject range ? range.getLong("max") : 0;
      double rate = json.getValue("rate") instanceof Number r ? r.doubleValue() : 1.0;
      if (rate < 0 || rate > 1 || min < 0 || max < min || max > MAX_LATENCY_MS) {
        return null;
      }
      return new Failure(mode, rate, min, max, json.getString("instanceId"), until, json.getString("actor"));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * A failure from a request body {@code {mode, durationSeconds, rate?, latencyMs?, instanceId?}}: {@code rate} a
   * share 0–1 (default 1 for error), {@code latencyMs} a number or {@code {min,max}} (default 500); every
   * problem goes into {@code errors} (field → message), and then the result is null.
   */
  public static Failure parse(JsonObject body, long nowMillis, String actor, JsonObject errors) {
    Mode mode = null;
    Object rawMode = body.getValue("mode");
    if (rawMode instanceof String text) {
      for (Mode candidate : Mode.values()) {
        if (candidate.label().equals(text)) {
          mode = candidate;
        }
      }
    }
    if (mode == null) {
      errors.put("mode", "must be one of error, latency, crash");
    }
    Long duration = Numbers.whole(body.getValue("durationSeconds"));
    if (duration == null || duration < 1 || duration > MAX_DURATION_SECONDS) {
      errors.put("durationSeconds", "must be a whole number of seconds from 1 to " + MAX_DURATION_SECONDS);
    }
    double rate = 1.0;
    if (body.containsKey("rate")) {
      BigDecimal share = Numbers.decimal(body.getValue("rate"));
      if (share == null || share.signum() <= 0 || share.compareTo(BigDecimal.ONE) > 0) {
        errors.put("rate", "must be a share of requests above 0 and at most 1 (e.g. 0.5)");
      } else {
        rate = share.doubleValue();
      }
      if (mode != null && mode != Mode.ERROR) {
        errors.put("rate", "applies to mode error only");
      }
    }
    long min = 500;
    long max = 500;
    if (body.containsKey("latencyMs")) {
      Object latency = body.getValue("latencyMs");
      Long fixed = Numbers.whole(latency);
      Long lo = latency instanceof JsonObject range ? Numbers.whole(range.getValue("min")) : null;
      Long hi = latency instanceof JsonObject range ? Numbers.whole(range.getValue("max")) : null;
      if (fixed != null && fixed >= 1 && fixed <= MAX_LATENCY_MS) {
        min = max = fixed;
      } else if (lo != null && hi != null && lo >= 0 && hi >= lo && hi >= 1 && hi <= MAX_LATENCY_MS
        && ((JsonObject) latency).size() == 2) {
        min = lo;
        max = hi;
      } else {
        errors.put("latencyMs", "must be milliseconds from 1 to " + MAX_LATENCY_MS + ", or {\"min\":…,\"max\":…} with min ≤ max");
      }
      if (mode != null && mode != Mode.LATENCY) {
        errors.put("latencyMs", "applies to mode latency only");
      }
    }
    Object instance = body.getValue("instanceId");
    if (instance != null && (!(instance instanceof String s) || s.isBlank() || s.length() > 100)) {
      errors.put("instanceId", "must be the id of one of the service's instances");
    }
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        errors.put(field, "is not a field of a failure (mode, durationSeconds, rate, latencyMs, instanceId)");
      }
    }
    if (!errors.isEmpty()) {
      return null;
    }
    return new Failure(mode, rate, min, max, (String) instance, nowMillis + duration * 1000, actor);
  }
}
