package io.micronet.monitor;

import io.micronet.shared.config.ServiceDefinitions;
import io.micronet.shared.health.HealthRule;
import io.micronet.shared.health.HealthView;
import io.micronet.shared.health.InstanceCheck;
import io.micronet.shared.health.ServiceHealth;
import io.micronet.shared.health.Status;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The monitor's logic without a network: what is due, what the view says with checks, breakers and error rates, what changed. */
class MonitorServiceTest {

  private static ServiceDefinitions definitions() {
    return ServiceDefinitions.from(new JsonObject().put("definitions", new JsonArray()
      .add(new JsonObject().put("name", "gateway").put("type", "gateway").put("scope", "node").put("dependencies", new JsonArray().add("orders")))
      .add(new JsonObject().put("name", "products").put("type", "products")
        .put("healthCheck", new JsonObject().put("intervalSeconds", 2).put("timeoutMs", 300)))
      .add(new JsonObject().put("name", "users").put("type", "users"))
      .add(new JsonObject().put("name", "orders").put("type", "orders").put("dependencies", new JsonArray().add("products").add("users")))
      .add(new JsonObject().put("name", "monitor").put("type", "monitor").put("scope", "node"))));
  }

  private final BreakerBoard breakers = new BreakerBoard(15_000);
  private final ErrorRates errorRates = new ErrorRates(10_000, 5);
  private final MonitorService service = new MonitorService(definitions(), Set.of("legacy"), new HealthRule(), breakers, errorRates);

  private static final MonitorService.Target P1 = new MonitorService.Target("products", "p-1", "n1");
  private static final MonitorService.Target P2 = new MonitorService.Target("products", "p-2", "n2");
  private static final MonitorService.Target U1 = new MonitorService.Target("users", "u-1", "n1");
  private static final MonitorService.Target O1 = new MonitorService.Target("orders", "o-1", "n1");
  private static final List<MonitorService.Target> ALL = List.of(P1, P2, U1, O1);

  @Test
  void watchesClusterScopedServicesTheNodeAgentsAndHttpServices() {
    assertEquals(Set.of("products", "users", "orders", "node", "legacy"), service.watched());
    assertEquals(2, service.intervalSeconds("products"));
    assertEquals(300, service.timeoutMs("products"));
    assertEquals(10, service.intervalSeconds("node"));
    assertEquals(2, service.snapshotEverySeconds());
  }

  @Test
  void eachServiceIsDueOnItsIntervalAndANewInstanceAtOnce() {
    assertEquals(ALL, service.due(ALL, 0));
    assertEquals(List.of(), service.due(ALL, 100), "all being checked");
    ALL.forEach(t -> service.checked(t.id(), InstanceCheck.up()));
    assertEquals(List.of(), service.due(ALL, 1_000));
    assertEquals(List.of(P1, P2), service.due(ALL, 2_000), "products every 2 s");
    P1.id();
    service.checked("p-1", InstanceCheck.up());
    service.checked("p-2", InstanceCheck.up());
    MonitorService.Target p3 = new MonitorService.Target("products", "p-3", "n2");
    assertEquals(List.of(p3), service.due(List.of(P1, P2, p3, U1, O1), 2_500), "a new instance at once");
    assertEquals(List.of(U1, O1), service.due(ALL, 10_000).stream().filter(t -> !t.service().equals("products")).toList());
  }

  @Test
  void theViewJudgesChecksBreakersAndErrorRatesAndPropagates() {
    service.checked("p-1", InstanceCheck.failing("injected failure (error mode)"));
    service.checked("p-2", InstanceCheck.up());
    service.checked("u-1", InstanceCheck.up());
    service.checked("o-1", InstanceCheck.up());
    breakers.record(breaker("gateway", "p-2", "OPEN"), 1_000);
    HealthView view = service.evaluate(ALL, 1_000);
    ServiceHealth products = view.service("products").orElseThrow();
    assertEquals(Status.DOWN, products.status());
    assertEquals(List.of("every instance failing: error: injected failure (error mode); gateway's circuit is open"), products.reasons());
    assertEquals("OPEN", products.instances().get(1).breaker());
    assertEquals(List.of("DEGRADED because products is DOWN"), view.service("orders").orElseThrow().reasons());
    assertFalse(view.service("node").isPresent(), "no node agent found: not in the view");
    assertFalse(view.service("monitor").isPresent(), "node-scoped services are not checked");

    // an open circuit nobody speaks of any more is a gone caller's
    assertEquals(Status.DOWN, service.evaluate(ALL, 16_001).service("products").orElseThrow().instances().get(0).status());
    assertEquals(Status.UP, service.evaluate(ALL, 16_001).service("products").orElseThrow().instances().get(1).status());

    for (int i = 0; i < 3; i++) {
      errorRates.record(sample("users", "u-1", 10, 5), 20_000);
    }
    ServiceHealth users = service.evaluate(ALL, 20_000).service("users").orElseThrow();
    assertEquals(Status.DEGRADED, users.status());
    assertEquals(List.of("errors on 50% of recent requests"), users.reasons());
    assertEquals(Status.UP, service.evaluate(ALL, 31_000).service("users").orElseThrow().status(), "old samples age out");
  }

  @Test
  void aServiceWithNoInstanceIsInTheViewAndDown() {
    HealthView view = service.evaluate(List.of(U1), 0);
    assertEquals(List.of("no instance running"), view.service("products").orElseThrow().reasons());
    assertEquals(List.of("no instance running", "DEGRADED because products is DOWN"), view.service("orders").orElseThrow().reasons());
  }

  @Test
  void changesAreAnnouncedOnceAndNotAgainAfterATakeover() {
    ALL.forEach(t -> service.checked(t.id(), InstanceCheck.up()));
    assertEquals(List.of(), service.changes(service.evaluate(ALL, 0)), "all UP from the start: nothing to announce");
    service.checked("p-1", InstanceCheck.noAnswer("no answer within 300 ms"));
    service.checked("p-2", InstanceCheck.noAnswer("no answer within 300 ms"));
    HealthView down = service.evaluate(ALL, 0);
    List<JsonObject> changes = service.changes(down);
    assertEquals(2, changes.size());
    assertEquals(new JsonObject().put("type", "change").put("service", "products").put("status", "DOWN").put("previous", "UP")
      .put("reasons", new JsonArray().add("every instance failing: no answer within 300 ms")), changes.get(0));
    assertEquals("orders", changes.get(1).getString("service"));
    assertEquals("DEGRADED", changes.get(1).getString("status"));
    assertEquals(List.of(), service.changes(service.evaluate(ALL, 0)), "no change, no event");

    MonitorService standby = new MonitorService(definitions(), Set.of(), new HealthRule(), new BreakerBoard(15_000), new ErrorRates(10_000, 5));
    standby.heard(down);
    ALL.forEach(t -> standby.checked(t.id(), InstanceCheck.noAnswer("no answer within 300 ms")));
    standby.checked("p-1", InstanceCheck.up());
    List<JsonObject> afterTakeover = standby.changes(standby.evaluate(ALL, 0));
    assertTrue(afterTakeover.stream().anyMatch(c -> c.getString("service").equals("products") && c.getString("previous").equals("DOWN")),
      afterTakeover::toString);
  }

  @Test
  void junkOnTheFeedsIsIgnored() {
    assertFalse(breakers.record(new JsonObject().put("type", "breaker").put("instance", "p-1").put("state", "BROKEN").put("caller", "x"), 0));
    assertFalse(breakers.record(new JsonObject().put("type", "activity"), 0));
    assertFalse(errorRates.record(sample("users", "u-1", 3, 4), 0), "more errors than requests");
    assertFalse(errorRates.record(sample("users", "u-1", 3, 1).put("source", "gateway"), 0), "only the services' own figures");
    assertTrue(breakers.record(breaker("gateway", "p-1", "HALF_OPEN"), 0));
    assertEquals("HALF_OPEN", breakers.worst("p-1", 0).state());
    assertTrue(breakers.record(breaker("gateway", "p-1", "CLOSED"), 0));
    assertNull(breakers.worst("p-1", 0));
    assertTrue(errorRates.rates(0).isEmpty());
  }

  private static JsonObject breaker(String caller, String instance, String state) {
    return new JsonObject().put("type", "breaker").put("caller", caller).put("service", "products").put("instance", instance)
      .put("node", "n1").put("state", state);
  }

  private static JsonObject sample(String service, String instance, long count, long errors) {
    return new JsonObject().put("type", "sample").put("source", "service").put("service", service).put("instance", instance)
      .put("count", count).put("errors", errors);
  }
}
