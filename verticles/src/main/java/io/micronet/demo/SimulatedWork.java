package io.micronet.demo;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.LongFunction;

/**
 * The {@code work} of one simulated service: wait a realistic latency, fail a small share of the time on its own, then
 * call the {@code work} of every dependency (together). A required dependency that fails fails this work too, with a
 * 503 naming it (this service works, what it needs does not: its callers' breakers do not count it against it, its
 * error figures do); an optional one (a cache) only costs a fallback delay and is reported as degraded. So a failing
 * {@code db} really raises errors in everything above it.
 */
final class SimulatedWork {

  /** What a simulated service's definition settings say about it. */
  record Settings(long latencyMs, long jitterMs, double errorRate, Set<String> optional, long fallbackMs) {

    static final long MAX_MS = 60_000;

    /** From the definition's {@code settings}: {@code latencyMs} (20), {@code jitterMs} (10), {@code errorRate} (0), {@code optional} ([]), {@code fallbackMs} (50). */
    static Settings from(JsonObject settings, String service) {
      long latency = whole(settings, "latencyMs", 20, service);
      long jitter = whole(settings, "jitterMs", 10, service);
      long fallback = whole(settings, "fallbackMs", 50, service);
      Object rate = settings.getValue("errorRate", 0.0);
      if (!(rate instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1) {
        throw new IllegalArgumentException("services.definitions '" + service + "'.settings.errorRate must be a share from 0 to 1");
      }
      List<String> optional = new ArrayList<>();
      if (settings.getValue("optional") instanceof JsonArray list) {
        list.forEach(item -> optional.add(String.valueOf(item)));
      }
      return new Settings(latency, jitter, ((Number) rate).doubleValue(), Set.copyOf(optional), fallback);
    }

    private static long whole(JsonObject settings, String key, long fallback, String service) {
      Object value = settings.getValue(key, fallback);
      if (!(value instanceof Number n) || n.longValue() < 0 || n.longValue() > MAX_MS) {
        throw new IllegalArgumentException("services.definitions '" + service + "'.settings." + key + " must be 0-" + MAX_MS + " ms");
      }
      return n.longValue();
    }
  }

  /** Calls a dependency's {@code work} on behalf of the request being served. */
  interface Dependencies {
    Future<Object> work(String dependency, ServiceRequest origin);
  }

  private final String service;
  private final List<String> dependencies;
  private final Settings settings;
  private final Dependencies calls;
  private final LongFunction<Future<Void>> delay;
  private final DoubleSupplier random;

  /**
   * @param delay  completes after that many ms (a Vert.x timer; at once in tests)
   * @param random a uniform draw from [0, 1)
   */
  SimulatedWork(String service, List<String> dependencies, Settings settings, Dependencies calls, LongFunction<Future<Void>> delay,
                DoubleSupplier random) {
    this.service = service;
    this.dependencies = List.copyOf(dependencies);
    this.settings = settings;
    this.calls = calls;
    this.delay = delay;
    this.random = random;
  }

  /** The latency of one request: the base plus or minus the jitter, never below 0. */
  long latency() {
    return Math.max(0, settings.latencyMs() + Math.round((random.getAsDouble() * 2 - 1) * settings.jitterMs()));
  }

  Future<ServiceResponse> work(ServiceRequest request) {
    long started = System.nanoTime();
    return delay.apply(latency()).compose(v -> {
      if (random.getAsDouble() < settings.errorRate()) {
        return Future.failedFuture(new ServiceException(ErrorCode.INTERNAL_ERROR, service + " failed (its simulated error share)"));
      }
      List<Future<String>> outcomes = dependencies.stream().map(dependency -> callOne(dependency, request)).toList();
      return Future.join(outcomes).transform(ignored -> {
        List<String> degraded = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
          Future<String> outcome = outcomes.get(i);
          if (outcome.failed()) {
            String dependency = dependencies.get(i);
            return Future.failedFuture(new ServiceException(ErrorCode.SERVICE_UNAVAILABLE,
              service + " could not do its work: " + dependency + " failed (" + outcome.cause().getMessage() + ")"));
          }
          if (outcome.result() != null) {
            degraded.add(outcome.result());
          }
        }
        return Future.succeededFuture(ServiceResponse.ok(new JsonObject().put("service", service)
          .put("tookMs", (System.nanoTime() - started) / 1_000_000).put("degraded", new JsonArray(degraded))));
      });
    });
  }

  /** A dependency's work: null when done, its name when an optional one failed (after the fallback delay). */
  private Future<String> callOne(String dependency, ServiceRequest request) {
    return calls.work(dependency, request).<String>map(answer -> null).recover(failure -> settings.optional().contains(dependency)
      ? delay.apply(settings.fallbackMs()).map(v -> dependency)
      : Future.failedFuture(failure));
  }
}
