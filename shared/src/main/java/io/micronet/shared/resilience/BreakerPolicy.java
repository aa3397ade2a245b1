package io.micronet.shared.resilience;

import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.json.JsonObject;

/**
 * The breaker settings every caller uses for each downstream instance, from the {@code breaker}
 * section: open after {@code maxFailures} consecutive failures, fail a call after {@code callTimeoutMs},
 * let one trial call through {@code resetTimeoutMs} after opening (half-open).
 */
public record BreakerPolicy(int maxFailures, long callTimeoutMs, long resetTimeoutMs) {

  public static BreakerPolicy from(JsonObject breakerSection) {
    return new BreakerPolicy(
      breakerSection.getInteger("maxFailures"),
      breakerSection.getLong("callTimeoutMs"),
      breakerSection.getLong("resetTimeoutMs"));
  }

  public CircuitBreakerOptions toOptions() {
    return new CircuitBreakerOptions()
      .setMaxFailures(maxFailures)
      // the transport enforces callTimeoutMs (event-bus send timeout, web client timeout) and its timeouts
      // count as failures: one timer per call instead of two
      .setTimeout(-1)
      .setResetTimeout(resetTimeoutMs)
      // state changes are reported through the breaker's handlers (logs, metrics), not periodic bus messages
      .setNotificationAddress(null);
  }
}
