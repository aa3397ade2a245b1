package io.micronet.shared.health;

import io.micronet.shared.health.InstanceInput.Breaker;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthRuleTest {

  private final HealthRule rule = new HealthRule();

  /** The platform's own graph: orders → products, users. */
  private static Map<String, List<String>> platform() {
    Map<String, List<String>> graph = new LinkedHashMap<>();
    graph.put("users", List.of());
    graph.put("products", List.of());
    graph.put("orders", List.of("products", "users"));
    return graph;
  }

  /** The demo's nine services. */
  private static Map<String, List<String>> demo() {
    Map<String, List<String>> graph = new LinkedHashMap<>();
    graph.put("api-gateway", List.of("auth", "user"));
    graph.put("auth", List.of("db"));
    graph.put("user", List.of("db", "cache"));
    graph.put("order", List.of("payment", "inventory"));
    graph.put("payment", List.of("db"));
    graph.put("inventory", List.of("db", "cache"));
    graph.put("notification", List.of());
    graph.put("db", List.of());
    graph.put("cache", List.of());
    return graph;
  }

  private static InstanceInput up(String id) {
    return new InstanceInput(id, "n1", InstanceCheck.up(), null);
  }

  private static InstanceInput checked(String id, InstanceCheck check) {
    return new InstanceInput(id, "n1", check, null);
  }

  private static Map<String, List<InstanceInput>> allUp(Map<String, List<String>> graph) {
    Map<String, List<InstanceInput>> instances = new LinkedHashMap<>();
    graph.keySet().forEach(service -> instances.put(service, List.of(up(service + "-1"))));
    return instances;
  }

  @Test
  void everyInstanceAnsweringIsUpWithoutReasons() {
    HealthView view = rule.evaluate(platform(), allUp(platform()), Map.of());
    view.services().forEach(s -> {
      assertEquals(Status.UP, s.status(), s.name());
      assertTrue(s.reasons().isEmpty(), s.name());
    });
    assertEquals(Status.UP, view.overall());
    assertEquals(List.of("products", "users"), view.service("orders").orElseThrow().dependencies());
  }

  @Test
  void noInstanceIsDownAndItsDependentsDegradedNamingIt() {
    Map<String, List<InstanceInput>> instances = allUp(platform());
    instances.remove("products");
    HealthView view = rule.evaluate(platform(), instances, Map.of());
    ServiceHealth products = view.service("products").orElseThrow();
    assertEquals(Status.DOWN, products.status());
    assertEquals(List.of("no instance running"), products.reasons());
    ServiceHealth orders = view.service("orders").orElseThrow();
    assertEquals(Status.DEGRADED, orders.status());
    assertEquals(List.of("DEGRADED because products is DOWN"), orders.reasons());
    assertEquals(Status.UP, view.service("users").orElseThrow().status());
    assertEquals(Status.DEGRADED, view.overall());
  }

  @Test
  void someInstancesFailingIsDegradedWithCountsAndEachReason() {
    Map<String, List<InstanceInput>> instances = allUp(platform());
    instances.put("products", List.of(up("p-1"), up("p-2"), checked("p-3", InstanceCheck.noAnswer("no answer within 1000 ms"))));
    ServiceHealth products = rule.evaluate(platform(), instances, Map.of()).service("products").orElseThrow();
    assertEquals(Status.DEGRADED, products.status());
    assertEquals(List.of("2 of 3 instances answer", "p-3: no answer within 1000 ms"), products.reasons());
    assertEquals(2, products.healthy());
    assertEquals("no answer within 1000 ms", products.instances().get(2).reason());
  }

  @Test
  void everyInstanceFailingIsDownWithTheReasonsOnce() {
    Map<String, List<InstanceInput>> instances = allUp(platform());
    instances.put("products", List.of(checked("p-1", InstanceCheck.failing("injected failure (error mode)")),
      checked("p-2", InstanceCheck.failing("injected failure (error mode)"))));
    HealthView view = rule.evaluate(platform(), instances, Map.of());
    ServiceHealth products = view.service("products").orElseThrow();
    assertEquals(Status.DOWN, products.status());
    assertEquals(List.of("every instance failing: error: injected failure (error mode)"), products.reasons());
    assertEquals(List.of("DEGRADED because products is DOWN"), view.service("orders").orElseThrow().reasons());
  }

  @Test
  void aDatabaseDownCountsAsFailing() {
    Map<String, List<InstanceInput>> instances = allUp(platform());
    instances.put("users", List.of(checked("u-1", InstanceCheck.databaseDown("connection refused"))));
    ServiceHealth users = rule.evaluate(platform(), instances, Map.of()).service("users").orElseThrow();
    assertEquals(Status.DOWN, users.status());
    assertEquals(List.of("its instance is failing: database down: connection refused"), users.reasons());
  }

  @Test
  void anOpenCircuitCountsAsFailingEvenWhenTheCheckPassed() {
    Map<String, List<InstanceInput>> instances = allUp(platform());
    instances.put("products", List.of(new InstanceInput("p-1", "n1", InstanceCheck.up(), new Breaker(Breaker.OPEN, "gateway")),
      up("p-2")));
    ServiceHealth products = rule.evaluate(platform(), instances, Map.of()).service("products").orElseThrow();
    assertEquals(Status.DEGRADED, products.status());
    assertEquals(List.of("1 of 2 instances answer", "p-1: gateway's circuit is open"), products.reasons());
    assertEquals("OPEN", products.instances().get(0).breaker());
  }

  @Test
  void aHalfOpenCircuitIsDegradedOnlyWithoutAPassedCheck() {
    Map<String, List<InstanceInput>> instances = allUp(platform());
    instances.put("products", List.of(new InstanceInput("p-1", "n1", InstanceCheck.up(), new Breaker(Breaker.HALF_OPEN, "gateway"))));
    assertEquals(Status.UP, rule.evaluate(platform(), instances, Map.of()).service("products").orElseThrow().status());
    instances.put("products", List.of(new InstanceInput("p-1", "n1", null, new Breaker(Breaker.HALF_OPEN, "gateway"))));
    ServiceHealth products = rule.evaluate(platform(), instances, Map.of()).service("products").orElseThrow();
    assertEquals(Status.DEGRADED, products.status());
    assertEquals(List.of("p-1: gateway's circuit is half-open (on trial)"), products.reasons());
  }

  @Test
  void theGatewaysOwnViewHasBreakersOnly() {
    Map<String, List<InstanceInput>> instances = new LinkedHashMap<>();
    instances.put("users", List.of(new InstanceInput("u-1", "n1", null, new Breaker(Breaker.CLOSED, "gateway"))));
    instances.put("products", List.of(new InstanceInput("p-1", "n1", null, new Breaker(Breaker.OPEN, "gateway"))));
    instances.put("orders", List.of(new InstanceInput("o-1", "n1", null, new Breaker(Breaker.CLOSED, "gateway"))));
    HealthView view = rule.evaluate(platform(), instances, Map.of());
    assertEquals(Status.UP, view.service("users").orElseThrow().status());
    assertEquals(Status.DOWN, view.service("products").orElseThrow().status());
    assertEquals(Status.DEGRADED, view.service("orders").orElseThrow().status());
  }

  @Test
  void anInjectedFailureThatLetsTheCheckPassIsDegraded() {
    Map<String, List<InstanceInput>> instances = allUp(platform());
    instances.put("products", List.of(checked("p-1", InstanceCheck.upWithInjectedFailure("latency of 800 ms for 20 s"))));
    ServiceHealth products = rule.evaluate(platform(), instances, Map.of()).service("products").orElseThrow();
    assertEquals(Status.DEGRADED, products.status());
    assertEquals(List.of("p-1: failure injected: latency of 800 ms for 20 s"), products.reasons());
  }

  @Test
  void aHighErrorRateIsDegradedALowOneIsNot() {
    HealthView high = rule.evaluate(platform(), allUp(platform()), Map.of("users", 0.35));
    assertEquals(Status.DEGRADED, high.service("users").orElseThrow().status());
    assertEquals(List.of("errors on 35% of recent requests"), high.service("users").orElseThrow().reasons());
    assertEquals(List.of("DEGRADED because users is DEGRADED"), high.service("orders").orElseThrow().reasons());
    HealthView low = rule.evaluate(platform(), allUp(platform()), Map.of("users", 0.02));
    assertEquals(Status.UP, low.service("users").orElseThrow().status());
    assertThrows(IllegalArgumentException.class, () -> new HealthRule(0));
  }

  @Test
  void propagationCarriesThroughTheWholeGraph() {
    Map<String, List<InstanceInput>> instances = allUp(demo());
    instances.put("db", List.of(checked("db-1", InstanceCheck.noAnswer("no answer within 500 ms"))));
    HealthView view = rule.evaluate(demo(), instances, Map.of());
    assertEquals(Status.DOWN, view.service("db").orElseThrow().status());
    for (String direct : List.of("auth", "user", "payment", "inventory")) {
      ServiceHealth health = view.service(direct).orElseThrow();
      assertEquals(Status.DEGRADED, health.status(), direct);
      assertTrue(health.reasons().contains("DEGRADED because db is DOWN"), direct + ": " + health.reasons());
    }
    assertEquals(List.of("DEGRADED because auth is DEGRADED", "DEGRADED because user is DEGRADED"),
      view.service("api-gateway").orElseThrow().reasons());
    assertEquals(List.of("DEGRADED because payment is DEGRADED", "DEGRADED because inventory is DEGRADED"),
      view.service("order").orElseThrow().reasons());
    assertEquals(Status.UP, view.service("notification").orElseThrow().status());
    assertEquals(Status.UP, view.service("cache").orElseThrow().status());
  }

  @Test
  void aDependencyNeverMakesAServiceDownButItsOwnFailureStays() {
    Map<String, List<InstanceInput>> instances = allUp(platform());
    instances.remove("products");
    instances.remove("orders");
    ServiceHealth orders = rule.evaluate(platform(), instances, Map.of()).service("orders").orElseThrow();
    assertEquals(Status.DOWN, orders.status());
    assertEquals(List.of("no instance running", "DEGRADED because products is DOWN"), orders.reasons());
  }

  @Test
  void dependenciesOutsideTheViewAreIgnored() {
    Map<String, List<String>> graph = new LinkedHashMap<>();
    graph.put("orders", List.of("products", "payments-elsewhere"));
    graph.put("products", List.of());
    HealthView view = rule.evaluate(graph, allUp(graph), Map.of());
    assertEquals(List.of("products"), view.service("orders").orElseThrow().dependencies());
    assertEquals(Status.UP, view.service("orders").orElseThrow().status());
  }

  @Test
  void aSnapshotReadsBackAsTheSameViewAndJunkIsLeftOut() {
    Map<String, List<InstanceInput>> instances = allUp(platform());
    instances.put("products", List.of(up("p-1"), checked("p-2", InstanceCheck.noAnswer("no answer within 1000 ms"))));
    HealthView view = rule.evaluate(platform(), instances, Map.of());
    JsonObject snapshot = view.toSnapshot(10, "node-a", "a", "monitor-1");
    HealthView read = HealthView.fromSnapshot(snapshot).orElseThrow();
    assertEquals(view.servicesJson(), read.servicesJson());
    assertEquals(view.toStatusJson("monitor"), read.toStatusJson("monitor"));
    JsonObject status = read.toStatusJson("monitor");
    assertEquals("DEGRADED", status.getString("status"));
    assertEquals(2, status.getJsonObject("services").getJsonObject("products").getInteger("instances"));
    assertEquals(1, status.getJsonObject("services").getJsonObject("products").getInteger("healthy"));

    snapshot.getJsonObject("services").put("junk", "nothing").put("bad", new JsonObject().put("status", "FINE"));
    assertFalse(HealthView.fromSnapshot(snapshot).orElseThrow().service("junk").isPresent());
    assertFalse(HealthView.fromSnapshot(snapshot).orElseThrow().service("bad").isPresent());
    assertTrue(HealthView.fromSnapshot(new JsonObject().put("type", "change")).isEmpty());
  }

  @Test
  void changesAreStatusMovesAndNewServicesThatAreNotUp() {
    HealthView before = rule.evaluate(platform(), allUp(platform()), Map.of());
    Map<String, List<InstanceInput>> instances = allUp(platform());
    instances.remove("products");
    HealthView after = rule.evaluate(platform(), instances, Map.of());
    assertEquals(List.of("products", "orders"), after.changedSince(before).stream().map(ServiceHealth::name).toList());
    assertEquals(List.of(), before.changedSince(before));
    assertEquals(List.of("products", "orders"), after.changedSince(null).stream().map(ServiceHealth::name).toList());
  }
}
