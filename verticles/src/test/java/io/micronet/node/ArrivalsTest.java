package io.micronet.node;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** An agent's word on arrival stands in for its answer once, and only while fresh. */
class ArrivalsTest {

  private static final NodeState B = new NodeState("b", "node-b", "10.0.0.6", Set.of("products"), Map.of());

  @Test
  void anArrivalStandsInOnce() {
    Arrivals arrivals = new Arrivals();
    arrivals.arrived(B, 1_000);
    assertEquals(B, arrivals.take("b", 1_500));
    assertNull(arrivals.take("b", 1_600), "used once: the next silent round freezes the node as usual");
  }

  @Test
  void aStaleArrivalIsNotTaken() {
    Arrivals arrivals = new Arrivals();
    arrivals.arrived(B, 1_000);
    assertNull(arrivals.take("b", 1_000 + Arrivals.FRESH_MS + 1));
  }

  @Test
  void pruningForgetsOnlyTheStale() {
    Arrivals arrivals = new Arrivals();
    NodeState c = new NodeState("c", "node-c", "10.0.0.7", Set.of("users"), Map.of("users", List.of("u1")));
    arrivals.arrived(B, 1_000);
    arrivals.arrived(c, 5_000);
    arrivals.prune(1_000 + Arrivals.FRESH_MS + 1);
    assertNull(arrivals.take("b", 5_000), "pruned");
    assertEquals(c, arrivals.take("c", 5_000));
    assertNull(arrivals.take("unknown", 5_000));
  }
}
