package io.micronet.shared.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The request figures of one instance (or of one gateway for one service): how many requests, how many failed
 * with a server error, and latency percentiles over a sliding window — Micrometer meters tagged
 * {@code source, service, instance}, so {@code /metrics} shows the same figures. Recording costs one timer
 * update (and a counter increment on errors); {@link #sample()} turns the counts since the last sample into rates.
 * Used from one event loop; {@link #close()} removes the meters when the instance goes.
 */
public final class RequestFigures {

  public static final String REQUESTS = "micronet.requests";
  public static final String ERRORS = "micronet.requests.errors";
  /**
   * The percentiles cover the most recent 30 to 60 s: Micrometer keeps {@link #BUFFERS} histograms, rotated every
   * {@code WINDOW / BUFFERS}, and records each request into every one of them — two keep the request path's cost at
   * two histogram updates (six cost a measurable share of the gateway's throughput).
   */
  static final Duration WINDOW = Duration.ofSeconds(60);
  static final int BUFFERS = 2;

  private final MeterRegistry registry;
  private final Timer timer;
  private final Counter errors;
  private final JsonObject identity;
  private long lastCount;
  private double lastErrors;
  private long lastSampleNanos = System.nanoTime();

  /**
   * @param source {@code service} (measured by the instance itself) or {@code gateway} (measured where the gateway
   *               calls it); {@code instance} may be null for a gateway's per-service figures
   */
  public RequestFigures(MeterRegistry registry, String source, String service, String instance, String node) {
    this.registry = registry == null ? new SimpleMeterRegistry() : registry;
    Tags tags = Tags.of("source", source, "service", service, "instance", instance == null ? "all" : instance);
    this.timer = Timer.builder(REQUESTS).description("requests handled, with latency percentiles over a sliding window")
      .tags(tags).publishPercentiles(0.5, 0.95, 0.99).distributionStatisticExpiry(WINDOW).distributionStatisticBufferLength(BUFFERS)
      .register(this.registry);
    this.errors = Counter.builder(ERRORS).description("requests that failed with a server error (5xx)").tags(tags).register(this.registry);
    this.identity = new JsonObject().put("source", source).put("service", service).put("instance", instance).put("node", node);
  }

  /** One request that took {@code nanos} and ended with HTTP-like {@code status} (5xx counts as an error). */
  public void record(long nanos, int status) {
    timer.record(nanos, TimeUnit.NANOSECONDS);
    if (status >= 500) {
      errors.increment();
    }
  }

  /**
   * The figures since the previous sample: {@code count}, {@code errors}, {@code rps}, {@code errorRate} (0–1), and
   * the window's {@code p50}, {@code p95}, {@code p99} in milliseconds; with {@code type} {@code sample} and who measured.
   */
  public JsonObject sample() {
    long now = System.nanoTime();
    long count = timer.count();
    double errorCount = errors.count();
    long requests = count - lastCount;
    long failed = Math.round(errorCount - lastErrors);
    double seconds = Math.max(0.001, (now - lastSampleNanos) / 1e9);
    lastCount = count;
    lastErrors = errorCount;
    lastSampleNanos = now;
    JsonObject sample = identity.copy().put("type", "sample").put("count", requests).put("errors", failed)
      .put("rps", round(requests / seconds)).put("errorRate", requests == 0 ? 0.0 : round((double) failed / requests));
    HistogramSnapshot snapshot = timer.takeSnapshot();
    for (ValueAtPercentile value : snapshot.percentileValues()) {
      String key = value.percentile() == 0.5 ? "p50" : value.percentile() == 0.95 ? "p95" : "p99";
      sample.put(key, round(value.value(TimeUnit.MILLISECONDS)));
    }
    return sample;
  }

  public void close() {
    registry.remove(timer);
    registry.remove(errors);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
