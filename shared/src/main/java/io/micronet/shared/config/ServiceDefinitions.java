package io.micronet.shared.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The service definitions of {@code services.definitions} (conf/default.json ships the platform's own; a conf file
 * replaces the list, e.g. conf/demo.json), checked once at start: unique names, known dependencies, no dependency
 * cycle, sane counts. A service's {@code services.<name>.instances} (or its {@code MICRONET_<NAME>_INSTANCES}
 * variable) overrides the definition's instance count.
 */
public final class ServiceDefinitions {

  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
  /** The most instances of one service the platform runs (a definition, a scale request, the desired-state map). */
  public static final int MAX_INSTANCES = 64;

  private final Map<String, ServiceDefinition> byName;

  private ServiceDefinitions(Map<String, ServiceDefinition> byName) {
    this.byName = byName;
  }

  /** Reads {@code services.definitions} of a merged configuration; throws with a clear message when it is wrong. */
  public static ServiceDefinitions from(JsonObject services) {
    Object raw = services.getValue("definitions");
    if (!(raw instanceof JsonArray list) || list.isEmpty()) {
      throw new IllegalArgumentException("services.definitions must be a non-empty list of service definitions");
    }
    Map<String, ServiceDefinition> byName = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String where = "services.definitions[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject entry)) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      ServiceDefinition definition = parse(entry, where, services);
      if (byName.put(definition.name(), definition) != null) {
        throw new IllegalArgumentException(where + ": the name '" + definition.name() + "' is defined twice");
      }
    }
    ServiceDefinitions definitions = new ServiceDefinitions(byName);
    definitions.checkDependencies();
    return definitions;
  }

  public Collection<ServiceDefinition> all() {
    return byName.values();
  }

  public Optional<ServiceDefinition> find(String name) {
    return Optional.ofNullable(name == null ? null : byName.get(name));
  }

  public ServiceDefinition get(String name) {
    ServiceDefinition definition = byName.get(name);
    if (definition == null) {
      throw new IllegalArgumentException("no service is defined with the name '" + name + "'; defined: " + byName.keySet());
    }
    return definition;
  }

  public Set<String> names() {
    return byName.keySet();
  }

  /** The services that depend on {@code name} directly. */
  public List<String> dependentsOf(String name) {
    return byName.values().stream().filter(d -> d.dependencies().contains(name)).map(ServiceDefinition::name).toList();
  }

  public JsonArray toJson() {
    JsonArray json = new JsonArray();
    byName.values().forEach(d -> json.add(d.toJson()));
    return json;
  }

  private static ServiceDefinition parse(JsonObject entry, String where, JsonObject services) {
    String name = string(entry, "name", where, null);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(where + ".name must be lowercase letters, digits and '-' (at most 40), got '" + name + "'");
    }
    where = "services.definitions '" + name + "'";
    String type = string(entry, "type", where, name);
    ServiceDefinition.Scope scope;
    try {
      scope = ServiceDefinition.Scope.valueOf(string(entry, "scope", where, "cluster").toUpperCase());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ".scope must be 'cluster' or 'node'");
    }
    Object override = services.getJsonObject(name, new JsonObject()).getValue("instances");
    int instances = count(override != null ? override : entry.getValue("instances", 1),
      override != null ? "services." + name + ".instances" : where + ".instances");
    List<String> nodes = strings(entry.getValue("nodes", new JsonArray().add("*")), where + ".nodes");
    List<String> dependencies = strings(entry.getValue("dependencies", new JsonArray()), where + ".dependencies");
    JsonObject check = entry.getJsonObject("healthCheck", new JsonObject());
    int interval = positive(check.getValue("intervalSeconds", 10), where + ".healthCheck.intervalSeconds", 3600);
    int timeout = positive(check.getValue("timeoutMs", 1000), where + ".healthCheck.timeoutMs", 60_000);
    int drainOrder = whole(entry.getValue("drainOrder", 1), where + ".drainOrder", 0, 100);
    if (!(entry.getValue("stateful", false) instanceof Boolean stateful)) {
      throw new IllegalArgumentException(where + ".stateful must be true or false");
    }
    return new ServiceDefinition(name, type, scope, instances, nodes, stateful, drainOrder, dependencies,
      new ServiceDefinition.HealthCheck(interval, timeout), entry.getJsonObject("settings", new JsonObject()).copy());
  }

  private void checkDependencies() {
    for (ServiceDefinition definition : byName.values()) {
      for (String dependency : definition.dependencies()) {
        if (!byName.containsKey(dependency)) {
          throw new IllegalArgumentException("services.definitions '" + definition.name() + "' depends on '" + dependency
            + "', which is not defined");
        }
      }
    }
    // a cycle would make "DEGRADED because of …" chase its own tail
    Set<String> done = new HashSet<>();
    for (String name : byName.keySet()) {
      visit(name, new ArrayList<>(), done);
    }
  }

  private void visit(String name, List<String> path, Set<String> done) {
    if (done.contains(name)) {
      return;
    }
    if (path.contains(name)) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
      cycle.add(name);
      throw new IllegalArgumentException("services.definitions have a dependency cycle: " + String.join(" → ", cycle));
    }
    path.add(name);
    for (String dependency : byName.get(name).dependencies()) {
      visit(dependency, path, done);
    }
    path.remove(path.size() - 1);
    done.add(name);
  }

  private static String string(JsonObject entry, String key, String where, String fallback) {
    Object value = entry.getValue(key, fallback);
    if (!(value instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(where + "." + key + " must be a non-empty string");
    }
    return s.trim();
  }

  private static int count(Object value, String key) {
    return whole(value, key, 0, MAX_INSTANCES);
  }

  private static int positive(Object value, String key, int max) {
    return whole(value, key, 1, max);
  }

  private static int whole(Object value, String key, int min, int max) {
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < min || n.intValue() > max) {
      throw new IllegalArgumentException(key + " must be a whole number from " + min + " to " + max + ", got " + value);
    }
    return n.intValue();
  }

  private static List<String> strings(Object value, String key) {
    if (!(value instanceof JsonArray array)) {
      throw new IllegalArgumentException(key + " must be a list of names");
    }
    List<String> names = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof String s) || s.isBlank()) {
        throw new IllegalArgumentException(key + " must be a list of names, got " + array.encode());
      }
      names.add(s.trim());
    }
    return List.copyOf(names);
  }
}
