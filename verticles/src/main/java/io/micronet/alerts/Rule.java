package io.micronet.alerts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * An alert rule, as stored and as REST shows it (PREAMBLE shape): what to watch ({@code kind}, {@code service} or
 * {@code *}, {@code metric} — a metric name, or a signal's name for kind {@code signal}), the condition ({@code op}
 * {@code value}; for {@code zscore} the z-score beyond {@code window.k} and the metric {@code op value} as a floor;
 * for {@code burst} {@code burst.count} errors within {@code burst.withinSeconds}; for {@code status} the service's
 * health in {@code statuses}), held {@code forSeconds} before it fires, kept firing {@code keepFiringSeconds} after it
 * clears. Validated by {@link RuleInput}; here it is only data.
 */
public record Rule(String id, String name, String kind, String service, String metric, String op, double value,
                   int forSeconds, int keepFiringSeconds, String severity, Window window, Burst burst, List<String> statuses,
                   boolean enabled, boolean builtIn, Instant createdAt, Instant updatedAt) {

  public static final String THRESHOLD = "threshold";
  public static final String ZSCORE = "zscore";
  public static final String BURST = "burst";
  public static final String STATUS = "status";
  public static final String SIGNAL = "signal";
  public static final Set<String> KINDS = Set.of(THRESHOLD, ZSCORE, BURST, STATUS, SIGNAL);
  public static final List<String> METRICS = List.of("rps", "errorRate", "p50", "p95", "p99", "errors");
  public static final List<String> OPS = List.of(">", ">=", "<", "<=");
  public static final List<String> SEVERITIES = List.of("critical", "warning", "info");
  public static final List<String> STATUSES = List.of("DOWN", "DEGRADED");
  public static final String ANY_SERVICE = "*";
  /** The node agents' service name (one instance per node). */
  static final String NODE_AGENTS = "node";

  /** A z-score rule's sliding window: its length, how many deviations count, median/MAD instead of mean/stddev. */
  public record Window(int seconds, double k, boolean robust) {
    JsonObject toJson() {
      return new JsonObject().put("seconds", seconds).put("k", k).put("robust", robust);
    }
  }

  /** A burst rule's figures: this many errors within this many seconds. */
  public record Burst(int count, int withinSeconds) {
    JsonObject toJson() {
      return new JsonObject().put("count", count).put("withinSeconds", withinSeconds);
    }
  }

  public Rule {
    statuses = statuses == null ? List.of() : List.copyOf(statuses);
  }

  /**
   * Whether the rule watches this service. {@code *} is every service but the node agents ({@link #NODE_AGENTS}): their
   * actions are deployments and drains that take seconds by design, which a latency or error rule meant for the
   * services would read as trouble; a rule that names {@code node} watches them.
   */
  public boolean appliesTo(String serviceName) {
    return ANY_SERVICE.equals(service) ? !NODE_AGENTS.equals(serviceName) : service.equals(serviceName);
  }

  /** {@code a op b}. */
  public static boolean compare(double a, String op, double b) {
    return switch (op) {
      case ">" -> a > b;
      case ">=" -> a >= b;
      case "<" -> a < b;
      case "<=" -> a <= b;
      default -> false;
    };
  }

  public Rule withState(boolean enabledNow, Instant now) {
    return new Rule(id, name, kind, service, metric, op, value, forSeconds, keepFiringSeconds, severity, window, burst, statuses,
      enabledNow, builtIn, createdAt, now);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("name", name).put("kind", kind).put("service", service)
      .put("metric", metric).put("op", op).put("value", value).put("forSeconds", forSeconds)
      .put("keepFiringSeconds", keepFiringSeconds).put("severity", severity)
      .put("window", window == null ? null : window.toJson()).put("burst", burst == null ? null : burst.toJson())
      .put("statuses", new JsonArray(List.copyOf(statuses))).put("enabled", enabled).put("builtIn", builtIn)
      .put("createdAt", createdAt.toString()).put("updatedAt", updatedAt.toString());
    return json;
  }

  /** Reads what {@link #toJson()} wrote (the database's copy: trusted, it was validated before it was stored). */
  public static Rule fromJson(JsonObject json) {
    JsonObject window = json.getJsonObject("window");
    JsonObject burst = json.getJsonObject("burst");
    return new Rule(json.getString("id"), json.getString("name"), json.getString("kind"), json.getString("service"),
      json.getString("metric"), json.getString("op"), json.getDouble("value", 0.0), json.getInteger("forSeconds", 0),
      json.getInteger("keepFiringSeconds", 0), json.getString("severity"),
      window == null ? null : new Window(window.getInteger("seconds"), window.getDouble("k"), window.getBoolean("robust", false)),
      burst == null ? null : new Burst(burst.getInteger("count"), burst.getInteger("withinSeconds")),
      json.getJsonArray("statuses", new JsonArray()).stream().map(String::valueOf).toList(), json.getBoolean("enabled", true),
      json.getBoolean("builtIn", false), Instant.parse(json.getString("createdAt")), Instant.parse(json.getString("updatedAt")));
  }
}
