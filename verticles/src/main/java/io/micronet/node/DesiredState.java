package io.micronet.node;

import io.micronet.shared.config.ServiceDefinition;
import io.micronet.shared.config.ServiceDefinitions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The desired instance count of each cluster-scope service, kept cluster-wide in the map {@value #MAP}. Each node
 * puts its definitions' counts in only where the map has none ({@code putIfAbsent}): the first node to start sets
 * them, later nodes keep what the cluster already wants (the definitions should be the same on every node); after
 * that only the reconciler changes them (start, stop, scale). The map lives as long as the cluster does.
 */
final class DesiredState {

  static final String MAP = "micronet.desired-instances";

  private final Vertx vertx;
  private final ServiceDefinitions definitions;

  DesiredState(Vertx vertx, ServiceDefinitions definitions) {
    this.vertx = vertx;
    this.definitions = definitions;
  }

  private Future<AsyncMap<String, Integer>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }

  /** Puts each cluster-scope service's count from the definitions where the cluster has none yet. */
  Future<Void> initialise() {
    return map().compose(map -> {
      List<Future<Integer>> puts = new ArrayList<>();
      for (ServiceDefinition definition : definitions.all()) {
        if (definition.scope() == ServiceDefinition.Scope.CLUSTER) {
          puts.add(map.putIfAbsent(definition.name(), definition.instances()));
        }
      }
      return Future.all(puts).mapEmpty();
    });
  }

  /** The desired counts of the cluster-scope services this node defines (a name only another node defines is not ours to place). */
  Future<Map<String, Integer>> all() {
    return map().compose(AsyncMap::entries).map(entries -> {
      Map<String, Integer> desired = new HashMap<>();
      // the map is writable by any member: a value that is no count the API could have set is ignored, not placed
      Map<?, ?> raw = entries;
      raw.forEach((service, count) -> definitions.find(service instanceof String name ? name : null)
        .filter(d -> d.scope() == ServiceDefinition.Scope.CLUSTER && validCount(count))
        .ifPresent(d -> desired.put(d.name(), (Integer) count)));
      return desired;
    });
  }

  private static boolean validCount(Object count) {
    return count instanceof Integer n && n >= 0 && n <= ServiceDefinitions.MAX_INSTANCES;
  }

  Future<Void> set(String service, int count) {
    return map().compose(map -> map.put(service, count));
  }
}
