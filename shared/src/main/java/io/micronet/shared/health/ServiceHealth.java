package io.micronet.shared.health;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One service as the rule judged it: its status, the reasons for people (empty when UP), the services it depends on
 * (those in the view), and its instances.
 */
public record ServiceHealth(String name, Status status, List<String> reasons, List<String> dependencies,
                            List<InstanceHealth> instances) {

  public ServiceHealth {
    reasons = List.copyOf(reasons);
    dependencies = List.copyOf(dependencies);
    instances = List.copyOf(instances);
  }

  /** Instances judged UP. */
  public long healthy() {
    return instances.stream().filter(i -> i.status() == Status.UP).count();
  }

  /** The full entry of a snapshot and of the graph. */
  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    instances.forEach(i -> list.add(i.toJson()));
    return new JsonObject().put("status", status.name()).put("reasons", new JsonArray(new ArrayList<>(reasons)))
      .put("dependencies", new JsonArray(new ArrayList<>(dependencies))).put("instances", list);
  }

  /** The short entry of {@code /status}: status, instance counts, reasons. */
  public JsonObject toStatusJson() {
    return new JsonObject().put("status", status.name()).put("instances", instances.size()).put("healthy", healthy())
      .put("reasons", new JsonArray(new ArrayList<>(reasons)));
  }

  /** Reads what {@link #toJson()} wrote; null when it is not one. */
  static ServiceHealth fromJson(String name, Object value) {
    if (!(value instanceof JsonObject json) || Status.parse(json.getValue("status")) == null) {
      return null;
    }
    List<InstanceHealth> instances = new ArrayList<>();
    if (json.getValue("instances") instanceof JsonArray list) {
      for (Object item : list) {
        InstanceHealth instance = InstanceHealth.fromJson(item);
        if (instance != null) {
          instances.add(instance);
        }
      }
    }
    return new ServiceHealth(name, Status.parse(json.getValue("status")), strings(json.getValue("reasons")),
      strings(json.getValue("dependencies")), instances);
  }

  private static List<String> strings(Object value) {
    List<String> strings = new ArrayList<>();
    if (value instanceof JsonArray array) {
      array.forEach(item -> {
        if (item instanceof String s) {
          strings.add(s);
        }
      });
    }
    return strings;
  }
}
