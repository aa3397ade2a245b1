package io.micronet.shared.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Everything the platform knows about one kind of verticle, from one entry of {@code services.definitions}:
 * its name (what conf, REST, discovery and the feeds call it), its type (which verticle class runs it), how many
 * instances the cluster wants and where they may run, whether it keeps data, its place in the drain order, what
 * it depends on and how its health is checked.
 *
 * @param scope      {@link Scope#CLUSTER}: {@code instances} counts across the cluster, placed by the reconciler on
 *                   the nodes allowed to run it; {@link Scope#NODE}: every node that lists it runs {@code instances}
 *                   of it (the gateway, and the elected parts that stand by on every node)
 * @param nodes      node names allowed to run it ({@code *}: any node whose {@code node.verticles} lists it)
 * @param drainOrder lower drains first when a node stops (the gateway 0: it finishes what it holds first)
 * @param settings   the type's own settings (a simulated service's latency and errors, for instance)
 */
public record ServiceDefinition(String name, String type, Scope scope, int instances, List<String> nodes, boolean stateful,
                                int drainOrder, List<String> dependencies, HealthCheck healthCheck, JsonObject settings) {

  /**
   * The deployment config key naming the definition an instance was deployed as (the node agent sets it): a verticle
   * class that serves several definitions (the demo's simulated services) reads its name from there.
   */
  public static final String DEPLOYED_AS = "deployedAs";

  public enum Scope { CLUSTER, NODE }

  /** How the monitor checks the instances of this service: every {@code intervalSeconds}, each within {@code timeoutMs}. */
  public record HealthCheck(int intervalSeconds, long timeoutMs) {
  }

  /** May a node called {@code nodeName} run this service (given that its own {@code node.verticles} lists it)? */
  public boolean allowedOn(String nodeName) {
    return nodes.contains("*") || nodes.contains(nodeName);
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("type", type).put("scope", scope.name().toLowerCase())
      .put("instances", instances).put("nodes", nodes).put("stateful", stateful).put("drainOrder", drainOrder)
      .put("dependencies", dependencies)
      .put("healthCheck", new JsonObject().put("intervalSeconds", healthCheck.intervalSeconds()).put("timeoutMs", healthCheck.timeoutMs()));
  }
}
