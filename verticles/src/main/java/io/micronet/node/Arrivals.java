package io.micronet.node;

import java.util.HashMap;
import java.util.Map;

/**
 * What node agents said of themselves as they started ({@link NodeAgent#ARRIVED}), kept for the reconciler's next
 * rounds. The reconciler places instances only on agents that answer its {@code describe}; the first call to a node
 * that has just joined waits for a new event-bus connection to it (TCP and TLS handshakes with a JVM that is still
 * warming up: seconds on a loaded machine), so that describe times out, the agent's breaker opens, and the instances
 * waiting for the node would wait a breaker reset longer. An agent's own word, a moment old, stands in for its answer
 * instead: once, and only within {@link #FRESH_MS} of its arrival.
 */
final class Arrivals {

  /** How long an arrival stands in for an answer: a few rounds, never a node's whole life. */
  static final long FRESH_MS = 10_000;

  private record Arrival(NodeState state, long atMillis) {
  }

  private final Map<String, Arrival> byNode = new HashMap<>();

  void arrived(NodeState state, long nowMillis) {
    byNode.put(state.id(), new Arrival(state, nowMillis));
  }

  /** The state node {@code nodeId} arrived with, if fresh; used once (the next silent round freezes the node as usual). */
  NodeState take(String nodeId, long nowMillis) {
    Arrival arrival = byNode.remove(nodeId);
    return arrival == null || nowMillis - arrival.atMillis() > FRESH_MS ? null : arrival.state();
  }

  /** Forgets the arrivals that went stale (nodes that never showed up in discovery). */
  void prune(long nowMillis) {
    byNode.values().removeIf(arrival -> nowMillis - arrival.atMillis() > FRESH_MS);
  }
}
