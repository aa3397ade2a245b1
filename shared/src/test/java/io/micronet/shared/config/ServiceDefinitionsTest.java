package io.micronet.shared.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceDefinitionsTest {

  @Test
  void theShippedDefinitionsDescribeThePlatform() {
    ServiceDefinitions definitions = MicronetConfig.load(new JsonObject(), Map.of()).definitions();
    ServiceDefinition orders = definitions.get("orders");
    assertEquals(List.of("products", "users"), orders.dependencies());
    assertTrue(orders.stateful());
    assertEquals(ServiceDefinition.Scope.CLUSTER, orders.scope());
    assertEquals(10, orders.healthCheck().intervalSeconds());
    ServiceDefinition gateway = definitions.get("gateway");
    assertEquals(ServiceDefinition.Scope.NODE, gateway.scope());
    assertEquals(0, gateway.drainOrder());
    assertEquals(List.of("gateway", "orders"), definitions.dependentsOf("products"));
    assertTrue(gateway.allowedOn("any-node"));
  }

  @Test
  void instancesComeFromTheServiceSettingsOrItsVariable() {
    MicronetConfig config = MicronetConfig.load(new JsonObject(), Map.of("MICRONET_PRODUCTS_INSTANCES", "3",
      "MICRONET_GATEWAY_INSTANCES", "2"));
    assertEquals(3, config.instancesOf("products"));
    assertEquals(2, config.instancesOf("gateway"));
    assertEquals(1, config.instancesOf("users"));
  }

  @Test
  void nodesLimitWhereAServiceMayRun() {
    ServiceDefinitions definitions = ServiceDefinitions.from(services(new JsonArray()
      .add(new JsonObject().put("name", "db").put("type", "simulated").put("nodes", new JsonArray().add("host-b")))));
    assertTrue(definitions.get("db").allowedOn("host-b"));
    assertFalse(definitions.get("db").allowedOn("host-a"));
    assertEquals("simulated", definitions.get("db").type());
  }

  @Test
  void mistakesStopTheNodeWithAMessageNamingThem() {
    assertMessage("services.definitions must be a non-empty list", new JsonObject().put("definitions", new JsonArray()));
    assertMessage("is defined twice", services(new JsonArray().add(named("a")).add(named("a"))));
    assertMessage("depends on 'nope', which is not defined",
      services(new JsonArray().add(named("a").put("dependencies", new JsonArray().add("nope")))));
    assertMessage("dependency cycle: a → b → a", services(new JsonArray()
      .add(named("a").put("dependencies", new JsonArray().add("b")))
      .add(named("b").put("dependencies", new JsonArray().add("a")))));
    assertMessage("instances must be a whole number from 0 to 64", services(new JsonArray().add(named("a").put("instances", -1))));
    assertMessage("instances must be a whole number from 0 to 64", services(new JsonArray().add(named("a").put("instances", 1.5))));
    assertMessage("scope must be 'cluster' or 'node'", services(new JsonArray().add(named("a").put("scope", "planet"))));
    assertMessage("name must be lowercase", services(new JsonArray().add(named("Bad Name"))));
    assertMessage("healthCheck.intervalSeconds", services(new JsonArray()
      .add(named("a").put("healthCheck", new JsonObject().put("intervalSeconds", 0)))));
    assertMessage("services.a.instances", services(new JsonArray().add(named("a")))
      .put("a", new JsonObject().put("instances", "many")));
  }

  @Test
  void anUnknownNameIsAClearError() {
    ServiceDefinitions definitions = ServiceDefinitions.from(services(new JsonArray().add(named("a"))));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> definitions.get("b"));
    assertTrue(e.getMessage().contains("no service is defined with the name 'b'"), e.getMessage());
    assertTrue(definitions.find("b").isEmpty());
  }

  private static JsonObject named(String name) {
    return new JsonObject().put("name", name);
  }

  private static JsonObject services(JsonArray definitions) {
    return new JsonObject().put("definitions", definitions);
  }

  private static void assertMessage(String expected, JsonObject services) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceDefinitions.from(services));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
