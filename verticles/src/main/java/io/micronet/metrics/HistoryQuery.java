package io.micronet.metrics;

import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.validation.Inputs;
import io.micronet.shared.validation.Numbers;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/metrics/history?service=&instance=&from=&to=&step=}, checked: {@code service} (required) and
 * {@code instance} (optional: the service as a whole) are names; {@code from}/{@code to} ISO-8601 instants (defaults:
 * the last {@link #DEFAULT_RANGE}), {@code to} after {@code from}, at most {@link #MAX_RANGE} apart, within years
 * 1970–9999; {@code step} whole seconds, at least {@link #MIN_STEP_SECONDS} (default: the smallest multiple of 10 s
 * that keeps the series within {@link #MAX_POINTS} points), and no more than {@link #MAX_POINTS} points in all.
 * Anything else: 422 naming each bad parameter.
 */
record HistoryQuery(String service, String instance, long from, long to, long stepMillis) {

  static final Duration DEFAULT_RANGE = Duration.ofMinutes(15);
  static final Duration MAX_RANGE = Duration.ofDays(31);
  static final int MIN_STEP_SECONDS = 10;
  static final int MAX_POINTS = 1_000;
  private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  static HistoryQuery parse(ServiceRequest request, Instant now) {
    JsonObject errors = new JsonObject();
    String service = name(request, "service", true, errors);
    String instance = name(request, "instance", false, errors);
    Instant to = instant(request, "to", errors);
    Instant from = instant(request, "from", errors);
    if (to == null && !errors.containsKey("to")) {
      to = from != null && now.isBefore(from) ? from.plus(DEFAULT_RANGE) : now;
    }
    if (from == null && !errors.containsKey("from") && to != null) {
      from = to.minus(DEFAULT_RANGE);
    }
    Long step = null;
    String rawStep = request.queryParam("step");
    if (rawStep != null && !rawStep.isBlank()) {
      step = Numbers.whole(rawStep);
      if (step == null || step < MIN_STEP_SECONDS || step > MAX_RANGE.toSeconds()) {
        errors.put("step", "must be a whole number of seconds from " + MIN_STEP_SECONDS + " to " + MAX_RANGE.toSeconds());
        step = null;
      }
    }
    if (from != null && to != null) {
      Duration range = Duration.between(from, to);
      if (!to.isAfter(from)) {
        errors.put("to", "must be after from (" + from + ")");
      } else if (range.compareTo(MAX_RANGE) > 0) {
        errors.put("from", "the range may span at most " + MAX_RANGE.toDays() + " days; this one spans " + range.toDays());
      } else if (step == null && !errors.containsKey("step")) {
        step = Math.max(MIN_STEP_SECONDS, ceil(range.toSeconds(), MAX_POINTS * 10L) * 10);
      } else if (step != null && ceil(range.toMillis(), step * 1000) > MAX_POINTS) {
        errors.put("step", "the series may hold at most " + MAX_POINTS + " points: for this range use a step of at least "
          + ceil(range.toSeconds(), MAX_POINTS) + " s");
      }
    }
    if (!errors.isEmpty()) {
      throw ServiceException.invalidQuery(errors);
    }
    return new HistoryQuery(service, instance, from.toEpochMilli(), to.toEpochMilli(), step * 1000);
  }

  private static String name(ServiceRequest request, String key, boolean required, JsonObject errors) {
    String value = request.queryParam(key);
    if (value == null || value.isEmpty()) {
      if (required) {
        errors.put(key, "required: the service whose history to show");
      }
      return null;
    }
    if (value.length() > Sample.MAX_NAME || !Inputs.idText(value)) {
      errors.put(key, "must be a name of at most " + Sample.MAX_NAME + " characters");
      return null;
    }
    return value;
  }

  private static Instant instant(ServiceRequest request, String key, JsonObject errors) {
    String value = request.queryParam(key);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      Instant instant = Instant.parse(value.strip());
      if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
        errors.put(key, "must lie between years 1970 and 9999");
        return null;
      }
      return instant;
    } catch (DateTimeParseException e) {
      errors.put(key, "must be an ISO-8601 instant, e.g. 2026-12-01T10:15:30Z");
      return null;
    }
  }

  private static long ceil(long value, long by) {
    return (value + by - 1) / by;
  }

  /** Where the points of this query fall: the start of each step (aligned on the epoch, so series of one step line up). */
  long bucketOf(long time) {
    return Math.floorDiv(time, stepMillis) * stepMillis;
  }

  /**
   * The stored points (10 s ones, and 1 min rollups for older times) grouped into this query's steps, oldest first;
   * a step without points is left out. Within a step: requests/s and p50 averaged, the error rate weighted by
   * requests, p95 and p99 the worst — the same rule as the rollups (see {@link MetricsRepository#rollUp}).
   */
  List<MetricPoint> bucket(List<MetricPoint> rows) {
    Map<Long, List<MetricPoint>> steps = new TreeMap<>();
    for (MetricPoint row : rows) {
      if (row.time() >= from && row.time() <= to) {
        steps.computeIfAbsent(bucketOf(row.time()), t -> new ArrayList<>()).add(row);
      }
    }
    List<MetricPoint> points = new ArrayList<>(steps.size());
    steps.forEach((time, list) -> points.add(merge(time, list)));
    return points;
  }

  private MetricPoint merge(long time, List<MetricPoint> list) {
    double rps = 0;
    double failing = 0;
    double errorRates = 0;
    double p50 = 0;
    double p95 = 0;
    double p99 = 0;
    for (MetricPoint point : list) {
      rps += point.rps();
      failing += point.rps() * point.errorRate();
      errorRates += point.errorRate();
      p50 += point.p50();
      p95 = Math.max(p95, point.p95());
      p99 = Math.max(p99, point.p99());
    }
    int n = list.size();
    double errorRate = rps > 0 ? failing / rps : errorRates / n;
    return new MetricPoint(service, instance, time, MetricsBoard.round(rps / n), MetricsBoard.round(errorRate),
      MetricsBoard.round(p50 / n), p95, p99);
  }

  JsonObject describe() {
    return new JsonObject().put("service", service).put("instance", instance).put("from", Instant.ofEpochMilli(from).toString())
      .put("to", Instant.ofEpochMilli(to).toString()).put("step", stepMillis / 1000);
  }
}
