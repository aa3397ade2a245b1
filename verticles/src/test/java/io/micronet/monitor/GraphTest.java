package io.micronet.monitor;

import io.micronet.shared.health.HealthRule;
import io.micronet.shared.health.HealthView;
import io.micronet.shared.health.InstanceCheck;
import io.micronet.shared.health.InstanceInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GraphTest {

  @Test
  void nodesServicesInstancesAndEdgesWithTheirStatus() {
    Map<String, List<String>> graph = new LinkedHashMap<>();
    graph.put("products", List.of());
    graph.put("orders", List.of("products"));
    graph.put("node", List.of());
    Map<String, List<InstanceInput>> instances = Map.of(
      "products", List.of(new InstanceInput("p-1", "n1", InstanceCheck.noAnswer("no answer within 1000 ms"), null)),
      "orders", List.of(new InstanceInput("o-1", "n2", InstanceCheck.up(), null)),
      "node", List.of(new InstanceInput("node-n1", "n1", InstanceCheck.up(), null)));
    HealthView view = new HealthRule().evaluate(graph, instances, Map.of());
    // the metadata of a node agent's record, as NodeAgent writes it: the node described under "node"
    JsonObject agentRecord = new JsonObject().put("nodeId", "n1").put("instanceId", "node-1")
      .put("node", new JsonObject().put("id", "n1").put("name", "alpha").put("host", "10.0.0.5").put("reconciler", true));
    JsonObject json = Graph.build(view, List.of(agentRecord),
      "2026-01-01T00:00:00Z", "n1");

    assertEquals(new JsonArray()
      .add(new JsonObject().put("id", "n1").put("name", "alpha").put("host", "10.0.0.5").put("status", "UP").put("instances", 2))
      .add(new JsonObject().put("id", "n2").putNull("name").putNull("host").put("status", "UP").put("instances", 1)), json.getJsonArray("nodes"));
    assertEquals(new JsonArray().add(new JsonObject().put("from", "orders").put("to", "products").put("status", "DOWN")), json.getJsonArray("edges"));
    assertEquals(3, json.getJsonArray("services").size());
    JsonObject orders = json.getJsonArray("services").getJsonObject(1);
    assertEquals("DEGRADED", orders.getString("status"));
    assertEquals(new JsonArray().add("DEGRADED because products is DOWN"), orders.getJsonArray("reasons"));
    assertEquals(1, orders.getInteger("instances"));
    JsonObject p1 = json.getJsonArray("instances").getJsonObject(0);
    assertEquals("products", p1.getString("service"));
    assertEquals("DOWN", p1.getString("status"));
    assertEquals("no answer within 1000 ms", p1.getString("reason"));
    assertEquals("n1", json.getString("leader"));
  }
}
