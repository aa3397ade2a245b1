package io.micronet.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One node as its agent describes it: its cluster node id and name, the services it may run (its
 * {@code node.verticles} that the definitions allow on it), and the instances running there, by service.
 */
record NodeState(String id, String name, String host, Set<String> mayRun, Map<String, List<String>> running) {

  NodeState {
    mayRun = Set.copyOf(mayRun);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    running.forEach((service, ids) -> copy.put(service, List.copyOf(ids)));
    running = copy;
  }

  int count(String service) {
    return running.getOrDefault(service, List.of()).size();
  }

  int total() {
    return running.values().stream().mapToInt(List::size).sum();
  }

  /** The agent's answer to {@code describe} (also what its discovery record carries). */
  JsonObject toJson() {
    JsonArray instances = new JsonArray();
    running.forEach((service, ids) -> ids.forEach(id -> instances.add(new JsonObject().put("id", id).put("service", service))));
    return new JsonObject().put("id", id).put("name", name).put("host", host)
      .put("verticles", new JsonArray(new ArrayList<>(mayRun.stream().sorted().toList()))).put("instances", instances);
  }

  /** Reads {@link #toJson()}; null when it is not one (a record or an answer is not taken on faith). */
  static NodeState fromJson(JsonObject json) {
    try {
      if (!(json.getValue("id") instanceof String id) || !(json.getValue("name") instanceof String name)) {
        return null;
      }
      Set<String> mayRun = new LinkedHashSet<>();
      for (Object verticle : json.getJsonArray("verticles", new JsonArray())) {
        mayRun.add((String) verticle);
      }
      Map<String, List<String>> running = new LinkedHashMap<>();
      for (Object item : json.getJsonArray("instances", new JsonArray())) {
        JsonObject instance = (JsonObject) item;
        running.computeIfAbsent(instance.getString("service"), s -> new ArrayList<>()).add(instance.getString("id"));
      }
      return new NodeState(id, name, json.getString("host"), mayRun, running);
    } catch (ClassCastException e) {
      return null;
    }
  }
}
