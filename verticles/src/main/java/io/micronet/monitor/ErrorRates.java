package io.micronet.monitor;

import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Each service's recent share of failed requests, from the samples its instances publish (the internal samples feed,
 * {@code source: service}): the samples of the last {@code windowMs} summed per service, and a rate only where at least
 * {@code minRequests} requests were seen (a single failure of two requests says little).
 */
final class ErrorRates {

  private final long windowMs;
  private final long minRequests;
  private final Map<String, Deque<Sample>> byInstance = new HashMap<>();

  private record Sample(String service, long atMs, long count, long errors) {
  }

  ErrorRates(long windowMs, long minRequests) {
    this.windowMs = windowMs;
    this.minRequests = minRequests;
  }

  /** Takes a sample of the feed; false (nothing kept) when it is not a well-formed service sample. */
  boolean record(JsonObject sample, long nowMs) {
    if (sample == null || !"sample".equals(sample.getValue("type")) || !"service".equals(sample.getValue("source"))
      || !(sample.getValue("service") instanceof String service) || !(sample.getValue("instance") instanceof String instance)
      || !(sample.getValue("count") instanceof Number count) || !(sample.getValue("errors") instanceof Number errors)
      || count.longValue() < 0 || errors.longValue() < 0 || errors.longValue() > count.longValue()) {
      return false;
    }
    byInstance.computeIfAbsent(instance, i -> new ArrayDeque<>()).addLast(new Sample(service, nowMs, count.longValue(), errors.longValue()));
    return true;
  }

  /** Service → share of failed requests (0–1) over the window, where enough requests were seen. */
  Map<String, Double> rates(long nowMs) {
    Map<String, long[]> sums = new HashMap<>();
    byInstance.values().removeIf(samples -> {
      while (!samples.isEmpty() && nowMs - samples.peekFirst().atMs() > windowMs) {
        samples.removeFirst();
      }
      samples.forEach(s -> {
        long[] sum = sums.computeIfAbsent(s.service(), k -> new long[2]);
        sum[0] += s.count();
        sum[1] += s.errors();
      });
      return samples.isEmpty();
    });
    Map<String, Double> rates = new HashMap<>();
    sums.forEach((service, sum) -> {
      if (sum[0] >= minRequests) {
        rates.put(service, (double) sum[1] / sum[0]);
      }
    });
    return rates;
  }
}
