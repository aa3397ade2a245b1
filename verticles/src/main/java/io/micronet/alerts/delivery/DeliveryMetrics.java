package io.micronet.alerts.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code micronet.alerts.deliveries{channel_kind, outcome}}: each attempt's outcome (delivered, transient_failure,
 * permanent_failure) and each row given up (dead), so /metrics tells a flaky receiver from a broken channel; and
 * {@code micronet.alerts.delivery.rows{state}}: the pending and dead rows in the database, as last counted.
 */
final class DeliveryMetrics {

  static final String DELIVERIES = "micronet.alerts.deliveries";
  static final String ROWS = "micronet.alerts.delivery.rows";

  private final MeterRegistry registry;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong dead = new AtomicLong();
  private final List<Meter> meters = new ArrayList<>();

  DeliveryMetrics(MeterRegistry registry) {
    this.registry = registry == null ? new SimpleMeterRegistry() : registry;
    meters.add(Gauge.builder(ROWS, pending, AtomicLong::get).description("alert delivery rows waiting to be sent")
      .tag("state", "pending").register(this.registry));
    meters.add(Gauge.builder(ROWS, dead, AtomicLong::get).description("alert delivery rows in the dead-letter queue")
      .tag("state", "dead").register(this.registry));
  }

  void count(String channelKind, String outcome) {
    Counter counter = Counter.builder(DELIVERIES).description("alert notification delivery attempts and give-ups, by outcome")
      .tag("channel_kind", channelKind).tag("outcome", outcome).register(registry);
    counter.increment();
  }

  double counted(String channelKind, String outcome) {
    Counter counter = registry.find(DELIVERIES).tag("channel_kind", channelKind).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  void rows(Map<String, Long> counts) {
    pending.set(counts.getOrDefault(DeliveryRow.PENDING, 0L));
    dead.set(counts.getOrDefault(DeliveryRow.DEAD, 0L));
  }

  /** Removes the gauges (they read this instance's figures); the counters stay, as every counter of the node does. */
  void close() {
    meters.forEach(registry::remove);
  }
}
