package io.micronet.node;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reconciler's planning: spread on placement, the most crowded first on removal, nothing on nodes not allowed or silent. */
class PlacementTest {

  private static final Set<String> ALL = Set.of("gateway", "users", "products", "orders");

  private static NodeState node(String id, Set<String> mayRun, Map<String, List<String>> running) {
    return new NodeState(id, "name-" + id, "127.0.0.1", mayRun, running);
  }

  private static List<String> targets(List<Placement.Step> steps) {
    return steps.stream().map(s -> s.kind() + " " + s.service() + " " + s.nodeId() + (s.instanceId() == null ? "" : " " + s.instanceId())).toList();
  }

  @Test
  void nothingToDoWhenTheCountsAgree() {
    List<NodeState> nodes = List.of(node("a", ALL, Map.of("products", List.of("p1"), "users", List.of("u1"))));
    assertEquals(List.of(), Placement.plan(Map.of("products", 1, "users", 1), nodes));
  }

  @Test
  void missingInstancesSpreadOverTheAllowedNodesFewestFirst() {
    List<NodeState> nodes = List.of(
      node("a", ALL, Map.of("products", List.of("p1"), "users", List.of("u1"), "gateway", List.of("g1"))),
      node("b", Set.of("products"), Map.of()),
      node("c", Set.of("users"), Map.of()));
    // b has no products and is the less loaded: both new ones can't go to b (spread): b, then the tie b=1/a=1 goes to the lighter b
    assertEquals(List.of("DEPLOY products b", "DEPLOY products b"), targets(Placement.plan(Map.of("products", 3), nodes)));
    assertEquals(List.of("DEPLOY products b", "DEPLOY products b", "DEPLOY products a"),
      targets(Placement.plan(Map.of("products", 4), nodes)));
  }

  @Test
  void threeOnTwoEmptyNodesBecomeTwoAndOne() {
    List<NodeState> nodes = List.of(node("a", ALL, Map.of()), node("b", ALL, Map.of()));
    List<Placement.Step> steps = Placement.plan(Map.of("products", 3), nodes);
    assertEquals(List.of("DEPLOY products a", "DEPLOY products b", "DEPLOY products a"), targets(steps));
  }

  @Test
  void aNodeThatMayNotRunTheServiceGetsNothing() {
    List<NodeState> nodes = List.of(node("gw", Set.of("gateway"), Map.of("gateway", List.of("g1"))));
    assertEquals(List.of(), Placement.plan(Map.of("products", 2), nodes), "nowhere to place: nothing planned");
  }

  @Test
  void extrasLeaveTheMostCrowdedNodeNewestFirst() {
    List<NodeState> nodes = List.of(
      node("a", ALL, Map.of("products", List.of("p1"))),
      node("b", ALL, Map.of("products", List.of("p2", "p3", "p4"))));
    assertEquals(List.of("UNDEPLOY products b p4", "UNDEPLOY products b p3"), targets(Placement.plan(Map.of("products", 2), nodes)));
    // b 3 → 2 → 1, then a and b tie at 1 (the name decides)
    assertEquals(List.of("UNDEPLOY products b p4", "UNDEPLOY products b p3", "UNDEPLOY products a p1", "UNDEPLOY products b p2"),
      targets(Placement.plan(Map.of("products", 0), nodes)), "scaling to 0 removes every instance");
  }

  @Test
  void anInstanceOnANodeNoLongerAllowedGoesFirst() {
    List<NodeState> nodes = List.of(
      node("a", Set.of("users"), Map.of("products", List.of("p1"))),
      node("b", ALL, Map.of("products", List.of("p2", "p3"))));
    assertEquals(List.of("UNDEPLOY products a p1"), targets(Placement.plan(Map.of("products", 2), nodes)));
  }

  @Test
  void aDeadNodesInstancesArePlacedOnTheSurvivors() {
    // b died: it is no longer in the input (its member left); its two instances are missing
    List<NodeState> survivors = List.of(node("a", ALL, Map.of("products", List.of("p1"))));
    assertEquals(List.of("DEPLOY products a", "DEPLOY products a"), targets(Placement.plan(Map.of("products", 3), survivors)));
  }

  @Test
  void aSilentNodeCountsButIsNeitherTargetNorSource() {
    List<NodeState> nodes = List.of(
      node("a", ALL, Map.of("products", List.of("p1"))),
      node("b", ALL, Map.of("products", List.of("p2", "p3"))));
    Set<String> frozen = Set.of("b");
    assertEquals(List.of(), Placement.plan(Map.of("products", 3), nodes, frozen), "b's instances still count");
    assertEquals(List.of("DEPLOY products a"), targets(Placement.plan(Map.of("products", 4), nodes, frozen)));
    assertEquals(List.of("UNDEPLOY products a p1"), targets(Placement.plan(Map.of("products", 1), nodes, frozen)),
      "only what a can give: b's extras wait for a round in which it answers");
  }

  @Test
  void explicitNodeForStartAndStop() {
    List<NodeState> nodes = List.of(node("a", ALL, Map.of("products", List.of("p1"))), node("b", Set.of("users"), Map.of()));
    Placement placement = new Placement(nodes, Set.of());
    assertTrue(placement.placeOne("products", "b").isEmpty(), "b may not run products");
    assertEquals("a", placement.placeOne("products", "a").orElseThrow().nodeId());
    assertTrue(placement.removeOne("products", "b").isEmpty(), "b runs no products");
    assertEquals("p1", placement.removeOne("products", "a").orElseThrow().instanceId(),
      "the planned (not yet running) instance is not removable; the running one is");
  }

  @Test
  void servicesArePlannedInNameOrderAndEachIndependently() {
    List<NodeState> nodes = List.of(node("a", ALL, new java.util.HashMap<>(Map.of("users", new ArrayList<>(List.of("u1", "u2"))))));
    assertEquals(List.of("DEPLOY orders a", "DEPLOY products a", "UNDEPLOY users a u2"),
      targets(Placement.plan(Map.of("users", 1, "products", 1, "orders", 1), nodes)));
  }
}
