package io.micronet.monitor;

import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Each service's recent share of failed requests, from the samples its instances publish (the internal samples feed,
 * {@code source: service}): the samples of the last {@code windowMs} summed per service, and a rate only where at least
 * {@code minRequests} requests were seen (a single failure of two requests says little). Bounded on every monitor, a
 * standby too (it hears every sample and never asks for the rates): the window per instance, {@link #MAX_INSTANCES}.
 */
final class ErrorRates {

  /** The most instances kept (as many as a metrics board keeps sources). */
  static final int MAX_INSTANCES = 5_000;
  private static final int MAX_NAME = 120;

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
      || count.longValue() < 0 || errors.longValue() < 0 || errors.longValue() > count.longValue()
      || service.length() > MAX_NAME || instance.length() > MAX_NAME) {
      return false;
    }
    Deque<Sample> samples = byInstance.get(instance);
    if (samples == null) {
      if (byInstance.size() >= MAX_INSTANCES) {
        forgetBefore(nowMs);
      }
      if (byInstance.size() >= MAX_INSTANCES) {
        return false;
      }
      samples = new ArrayDeque<>();
      byInstance.put(instance, samples);
    }
    // kept to the window here too: a standby hears every sample but never asks for the rates
    expire(samples, nowMs);
    samples.addLast(new Sample(service, nowMs, count.longValue(), errors.longValue()));
    return true;
  }

  private void expire(Deque<Sample> samples, long nowMs) {
    while (!samples.isEmpty() && nowMs - samples.peekFirst().atMs() > windowMs) {
      samples.removeFirst();
    }
  }

  /** Drops every sample older than the window, and the instances left with none. */
  private void forgetBefore(long nowMs) {
    byInstance.values().removeIf(samples -> {
      expire(samples, nowMs);
      return samples.isEmpty();
    });
  }

  /** Service → share of failed requests (0–1) over the window, where enough requests were seen. */
  Map<String, Double> rates(long nowMs) {
    Map<String, long[]> sums = new HashMap<>();
    byInstance.values().removeIf(samples -> {
      expire(samples, nowMs);
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

  /** Samples held now (the tests' measure of what a standby keeps). */
  int kept() {
    return byInstance.values().stream().mapToInt(Deque::size).sum();
  }
}
