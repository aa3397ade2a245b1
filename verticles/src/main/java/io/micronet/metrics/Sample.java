package io.micronet.metrics;

import io.micronet.shared.validation.Inputs;
import io.vertx.core.json.JsonObject;

/**
 * One sample of the internal samples feed (see {@code RequestFigures.sample()}): who measured ({@code service}: the
 * instance itself; {@code gateway}: a gateway calling it), what (service, instance — null for a gateway's calls that
 * reached no instance — and the measuring node), and the figures since the sample before. Nothing on the bus is taken
 * on faith: {@link #fromJson} returns null for anything that is not a well-formed sample.
 */
record Sample(String source, String service, String instance, String node, long count, long errors, double rps,
              double errorRate, double p50, double p95, double p99) {

  static final String SERVICE = "service";
  static final String GATEWAY = "gateway";
  static final int MAX_NAME = 120;

  static Sample fromJson(JsonObject json) {
    if (json == null || !"sample".equals(json.getValue("type"))) {
      return null;
    }
    Object source = json.getValue("source");
    if (!SERVICE.equals(source) && !GATEWAY.equals(source)) {
      return null;
    }
    String service = name(json.getValue("service"), false);
    String instance = name(json.getValue("instance"), true);
    String node = name(json.getValue("node"), true);
    if (service == null || instance == null || node == null || SERVICE.equals(source) && instance.isEmpty()) {
      return null;
    }
    long count = whole(json.getValue("count"));
    long errors = whole(json.getValue("errors"));
    double rps = figure(json.getValue("rps"));
    double errorRate = figure(json.getValue("errorRate"));
    double p50 = figure(json.getValue("p50"));
    double p95 = figure(json.getValue("p95"));
    double p99 = figure(json.getValue("p99"));
    if (count < 0 || errors < 0 || errors > count || rps < 0 || errorRate < 0 || errorRate > 1 || p50 < 0 || p95 < 0 || p99 < 0) {
      return null;
    }
    return new Sample((String) source, service, instance.isEmpty() ? null : instance, node.isEmpty() ? null : node,
      count, errors, rps, errorRate, p50, p95, p99);
  }

  /** A name as sent; "" for an allowed null; null when it is no name at all. */
  private static String name(Object value, boolean nullable) {
    if (value == null) {
      return nullable ? "" : null;
    }
    return value instanceof String s && !s.isEmpty() && s.length() <= MAX_NAME && Inputs.idText(s) ? s : null;
  }

  private static long whole(Object value) {
    return value instanceof Integer || value instanceof Long ? ((Number) value).longValue() : -1;
  }

  /** A finite, non-negative number (absent: 0, as for an empty window); -1 for anything else. */
  private static double figure(Object value) {
    if (value == null) {
      return 0;
    }
    return value instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() >= 0 ? n.doubleValue() : -1;
  }
}
