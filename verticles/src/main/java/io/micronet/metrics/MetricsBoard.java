package io.micronet.metrics;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The latest sample of every (source, service, instance, measuring node), as one metrics instance heard them on the
 * samples feed, with the requests counted since the last history point. From it: the snapshot (services, their
 * instances, and each service as the gateways see it) and the history points of one 10 s step. A source not heard
 * for {@code staleMillis} is dropped (its instance stopped, its node left). Bounded: past {@link #MAX_ENTRIES}
 * sources, new ones are ignored. One event loop; time comes from the caller.
 */
final class MetricsBoard {

  static final int MAX_ENTRIES = 5_000;

  private record Key(String source, String service, String instance, String node) {
  }

  private static final class Entry {
    Sample latest;
    long heardAt;
    long pendingCount;
    long pendingErrors;
  }

  private final long staleMillis;
  private final Map<Key, Entry> entries = new HashMap<>();
  private long lastDrain = -1;

  MetricsBoard(long staleMillis) {
    this.staleMillis = staleMillis;
  }

  /** Takes a sample heard at {@code now}; false when it was refused (junk, or the board is full). */
  boolean accept(Sample sample, long now) {
    if (sample == null) {
      return false;
    }
    Key key = new Key(sample.source(), sample.service(), sample.instance(), sample.node());
    Entry entry = entries.get(key);
    if (entry == null) {
      if (entries.size() >= MAX_ENTRIES) {
        return false;
      }
      entry = new Entry();
      entries.put(key, entry);
    }
    if (lastDrain < 0) {
      // the first step counts from the first sample heard
      lastDrain = now;
    }
    entry.latest = sample;
    entry.heardAt = now;
    entry.pendingCount += sample.count();
    entry.pendingErrors += sample.errors();
    return true;
  }

  /** Forgets the sources not heard since {@code now - staleMillis}. */
  void prune(long now) {
    entries.values().removeIf(entry -> now - entry.heardAt > staleMillis);
  }

  int size() {
    return entries.size();
  }

  /**
   * {@code {type:"snapshot", time, services:{name:{rps, errorRate, p50, p95, p99, instances:{id:{node, rps, errorRate,
   * p50, p95, p99}}, gateway:{rps, errorRate, p50, p95, p99, instances:{id:{…}}}}}}}; only {@code service} when not null.
   */
  JsonObject snapshot(long now, String service) {
    prune(now);
    Map<String, List<Sample>> own = new TreeMap<>();
    Map<String, List<Sample>> seenByGateway = new TreeMap<>();
    for (Map.Entry<Key, Entry> e : entries.entrySet()) {
      Sample sample = e.getValue().latest;
      if (service != null && !service.equals(sample.service())) {
        continue;
      }
      (Sample.SERVICE.equals(sample.source()) ? own : seenByGateway).computeIfAbsent(sample.service(), s -> new ArrayList<>()).add(sample);
      (Sample.SERVICE.equals(sample.source()) ? seenByGateway : own).computeIfAbsent(sample.service(), s -> new ArrayList<>());
    }
    JsonObject services = new JsonObject();
    for (String name : own.keySet()) {
      List<Sample> instances = own.get(name);
      JsonObject byInstance = new JsonObject();
      instances.stream().sorted((a, b) -> a.instance().compareTo(b.instance()))
        .forEach(s -> byInstance.put(s.instance(), figures(List.of(s), Sample::rps).put("node", s.node())));
      JsonObject gateway = figures(seenByGateway.get(name), Sample::rps);
      JsonObject gatewayInstances = new JsonObject();
      Map<String, List<Sample>> byUpstream = new TreeMap<>();
      seenByGateway.get(name).stream().filter(s -> s.instance() != null)
        .forEach(s -> byUpstream.computeIfAbsent(s.instance(), i -> new ArrayList<>()).add(s));
      byUpstream.forEach((id, samples) -> gatewayInstances.put(id, figures(samples, Sample::rps)));
      services.put(name, figures(instances, Sample::rps).put("instances", byInstance)
        .put("gateway", gateway.put("instances", gatewayInstances)));
    }
    return new JsonObject().put("type", "snapshot").put("time", Instant.ofEpochMilli(now).toString()).put("services", services);
  }

  /**
   * The history points of the step ending at {@code now} (time {@code at}): per instance (its own samples) and per
   * service (instance null): requests/s over the step, error rate of those requests, the latest window percentiles.
   * Resets the counts, so call it once per step on every instance (only the elected one writes what it returns).
   */
  List<MetricPoint> drainHistory(long now, long at) {
    prune(now);
    double seconds = lastDrain < 0 ? 0 : Math.max(0, now - lastDrain) / 1000.0;
    lastDrain = now;
    Map<String, List<Entry>> byService = new LinkedHashMap<>();
    for (Map.Entry<Key, Entry> e : entries.entrySet()) {
      if (Sample.SERVICE.equals(e.getKey().source())) {
        byService.computeIfAbsent(e.getKey().service(), s -> new ArrayList<>()).add(e.getValue());
      }
    }
    List<MetricPoint> points = new ArrayList<>();
    if (seconds > 0) {
      byService.forEach((service, list) -> {
        long count = 0;
        long errors = 0;
        List<Percentiles.Part> parts = new ArrayList<>();
        for (Entry entry : list) {
          Sample s = entry.latest;
          points.add(new MetricPoint(service, s.instance(), at, round(entry.pendingCount / seconds),
            entry.pendingCount == 0 ? 0 : round((double) entry.pendingErrors / entry.pendingCount), s.p50(), s.p95(), s.p99()));
          parts.add(new Percentiles.Part(entry.pendingCount, s.p50(), s.p95(), s.p99()));
          count += entry.pendingCount;
          errors += entry.pendingErrors;
        }
        points.add(new MetricPoint(service, null, at, round(count / seconds), count == 0 ? 0 : round((double) errors / count),
          round(Percentiles.of(parts, 0.5)), round(Percentiles.of(parts, 0.95)), round(Percentiles.of(parts, 0.99))));
      });
    }
    entries.values().forEach(entry -> {
      entry.pendingCount = 0;
      entry.pendingErrors = 0;
    });
    return points;
  }

  /** rps summed, error rate weighted by rps, percentiles of the rps-weighted mixture ({@link Percentiles}). */
  private static JsonObject figures(List<Sample> samples, ToDoubleFunction<Sample> weight) {
    double rps = 0;
    double failing = 0;
    List<Percentiles.Part> parts = new ArrayList<>(samples.size());
    for (Sample s : samples) {
      rps += s.rps();
      failing += s.rps() * s.errorRate();
      parts.add(new Percentiles.Part(weight.applyAsDouble(s), s.p50(), s.p95(), s.p99()));
    }
    return new JsonObject().put("rps", round(rps)).put("errorRate", rps > 0 ? round(failing / rps) : 0.0)
      .put("p50", round(Percentiles.of(parts, 0.5))).put("p95", round(Percentiles.of(parts, 0.95)))
      .put("p99", round(Percentiles.of(parts, 0.99)));
  }

  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
