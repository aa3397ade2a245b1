package io.micronet.monitor;

import io.micronet.shared.health.HealthView;
import io.micronet.shared.health.InstanceHealth;
import io.micronet.shared.health.ServiceHealth;
import io.micronet.shared.health.Status;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/graph}, for a dashboard's architecture graph: {@code {time, leader, nodes:[{id, name, host, status,
 * instances}], services:[{name, status, reasons, dependencies, instances, healthy}], instances:[{id, service, node, status,
 * reason, breaker}], edges:[{from, to, status}]}}; an edge goes from a service to one it depends on and carries the
 * status of the latter. Nodes come from the node agents' records where there are some, else from the instances' node ids.
 */
final class Graph {

  private Graph() {
  }

  /**
   * @param nodeRecords the metadata of the node agents' discovery records ({@code nodeId}, and {@code node}: the agent's
   *                    description of its node, with {@code name} and {@code host})
   */
  static JsonObject build(HealthView view, List<JsonObject> nodeRecords, String time, String leader) {
    Map<String, JsonObject> nodes = new LinkedHashMap<>();
    for (JsonObject record : nodeRecords) {
      if (record.getValue("nodeId") instanceof String id) {
        // a node agent describes its node in metadata "node" ({id, name, host, …})
        JsonObject described = record.getValue("node") instanceof JsonObject node ? node : record;
        nodes.put(id, new JsonObject().put("id", id)
          .put("name", text(described, "name", text(record, "name", text(record, "nodeName", null))))
          .put("host", text(described, "host", text(record, "host", null))).put("status", Status.UP.name()).put("instances", 0));
      }
    }
    JsonArray services = new JsonArray();
    JsonArray instances = new JsonArray();
    JsonArray edges = new JsonArray();
    for (ServiceHealth service : view.services()) {
      services.add(new JsonObject().put("name", service.name()).put("status", service.status().name())
        .put("reasons", new JsonArray(new ArrayList<>(service.reasons())))
        .put("dependencies", new JsonArray(new ArrayList<>(service.dependencies())))
        .put("instances", service.instances().size()).put("healthy", service.healthy()));
      for (InstanceHealth instance : service.instances()) {
        instances.add(instance.toJson().put("service", service.name()));
        if (instance.node() != null) {
          JsonObject node = nodes.computeIfAbsent(instance.node(), id -> new JsonObject().put("id", id).putNull("name").putNull("host")
            .put("status", Status.UP.name()).put("instances", 0));
          node.put("instances", node.getInteger("instances") + 1);
          if (MonitorService.NODE_SERVICE.equals(service.name())) {
            // the node agent's own health is the node's
            node.put("status", instance.status().name());
          }
        }
      }
      for (String dependency : service.dependencies()) {
        String status = view.service(dependency).map(d -> d.status().name()).orElse(Status.DOWN.name());
        edges.add(new JsonObject().put("from", service.name()).put("to", dependency).put("status", status));
      }
    }
    return new JsonObject().put("time", time).put("leader", leader).put("nodes", new JsonArray(new ArrayList<>(nodes.values())))
      .put("services", services).put("instances", instances).put("edges", edges);
  }

  private static String text(JsonObject json, String key, String fallback) {
    return json.getValue(key) instanceof String s ? s : fallback;
  }
}
