package io.micronet.metrics;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/** One history point of a service ({@code instance} null) or of one instance: figures at {@code time} (epoch ms). */
record MetricPoint(String service, String instance, long time, double rps, double errorRate, double p50, double p95, double p99) {

  /** The REST shape: {@code {time, rps, errorRate, p50, p95, p99}}. */
  JsonObject toJson() {
    return new JsonObject().put("time", Instant.ofEpochMilli(time).toString()).put("rps", rps).put("errorRate", errorRate)
      .put("p50", p50).put("p95", p95).put("p99", p99);
  }
}
