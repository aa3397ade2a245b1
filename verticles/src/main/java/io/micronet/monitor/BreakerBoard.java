package io.micronet.monitor;

import io.micronet.shared.health.InstanceInput.Breaker;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every caller's circuit breakers as the breakers feed told of them (the gateway's, a service's to another): per
 * instance, the latest state each caller reported. A closed circuit is the default and is not kept. An open one
 * older than {@code staleOpenMs} is disregarded: a live breaker half-opens after its reset timeout and says so, so an
 * open one that stays silent belongs to a caller that has gone.
 */
final class BreakerBoard {

  private static final Set<String> STATES = Set.of(Breaker.OPEN, Breaker.HALF_OPEN, Breaker.CLOSED);
  private static final int MAX_NAME = 120;

  private final long staleOpenMs;
  static final int MAX_INSTANCES = 5_000;
  static final int MAX_CALLERS = 1_000;

  private final Map<String, Map<String, Entry>> byInstance = new HashMap<>();

  private record Entry(String state, long atMs) {
  }

  BreakerBoard(long staleOpenMs) {
    this.staleOpenMs = staleOpenMs;
  }

  /** Takes a {@code breaker} event of the feed; returns false (and keeps nothing) when it is not a well-formed one. */
  boolean record(JsonObject event, long nowMs) {
    if (event == null || !"breaker".equals(event.getValue("type")) || !(event.getValue("instance") instanceof String instance)
      || !(event.getValue("caller") instanceof String caller) || !(event.getValue("state") instanceof String state)
      || !STATES.contains(state) || instance.length() > MAX_NAME || caller.length() > MAX_NAME) {
      return false;
    }
    if (Breaker.CLOSED.equals(state)) {
      Map<String, Entry> callers = byInstance.get(instance);
      if (callers != null) {
        callers.remove(caller);
        if (callers.isEmpty()) {
          byInstance.remove(instance);
        }
      }
    } else if (byInstance.containsKey(instance) || byInstance.size() < MAX_INSTANCES) {
      // bounded: a standby trims departed instances only once it leads (retain), so a flood must not grow it
      Map<String, Entry> callers = byInstance.computeIfAbsent(instance, i -> new HashMap<>());
      if (callers.containsKey(caller) || callers.size() < MAX_CALLERS) {
        callers.put(caller, new Entry(state, nowMs));
      }
    }
    return true;
  }

  /** The worst circuit any caller holds to the instance (null: every caller's is closed, or none has one). */
  Breaker worst(String instance, long nowMs) {
    Map<String, Entry> callers = byInstance.get(instance);
    if (callers == null) {
      return null;
    }
    Breaker worst = null;
    for (Map.Entry<String, Entry> entry : callers.entrySet()) {
      Entry value = entry.getValue();
      if (Breaker.OPEN.equals(value.state()) && nowMs - value.atMs() > staleOpenMs) {
        continue;
      }
      Breaker candidate = new Breaker(value.state(), entry.getKey());
      if (worst == null || candidate.severity() > worst.severity()) {
        worst = candidate;
      }
    }
    return worst;
  }

  /** Forgets the instances that are gone. */
  void retain(Set<String> instances) {
    byInstance.keySet().retainAll(instances);
  }
}
