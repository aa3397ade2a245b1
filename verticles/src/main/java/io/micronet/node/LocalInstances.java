package io.micronet.node;

import io.micronet.shared.config.ServiceDefinition;
import io.micronet.shared.config.ServiceDefinitions;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.service.ServiceVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instances running on this node, each its own deployment (one verticle instance), so that they start and stop
 * one by one. Lives in the node agent and is used on its event loop only.
 */
final class LocalInstances {

  /** One running instance: its id (the service instance id, as discovery and the gateway name it), its deployment. */
  record Running(String instanceId, String service, String deploymentId, int drainOrder) {
  }

  private final Vertx vertx;
  private final JsonObject nodeConfig;
  private final ServiceDefinitions definitions;
  private final Map<String, Running> byInstance = new LinkedHashMap<>();
  private int starting;

  LocalInstances(Vertx vertx, JsonObject nodeConfig, ServiceDefinitions definitions) {
    this.vertx = vertx;
    this.nodeConfig = nodeConfig;
    this.definitions = definitions;
  }

  /** Deploys one instance of {@code service}: the node's config with {@code deployedAs} naming the definition. */
  Future<Running> deploy(String service) {
    ServiceDefinition definition = definitions.get(service);
    Deployable verticle = VerticleCatalog.create(definition);
    DeploymentOptions options = new DeploymentOptions().setInstances(1)
      .setConfig(nodeConfig.copy().put(ServiceDefinition.DEPLOYED_AS, definition.name()));
    starting++;
    return vertx.deployVerticle(verticle, options)
      .map(deploymentId -> {
        String instanceId = verticle instanceof ServiceVerticle instance ? instance.instanceId()
          : service + "-" + deploymentId.substring(0, Math.min(8, deploymentId.length()));
        Running running = new Running(instanceId, service, deploymentId, definition.drainOrder());
        byInstance.put(instanceId, running);
        return running;
      })
      .onComplete(ar -> starting--);
  }

  /** Undeploys {@code instanceId} of {@code service}, or its newest instance here when no id is given; 404 when there is none. */
  Future<Running> undeploy(String service, String instanceId) {
    Running running = instanceId != null ? byInstance.get(instanceId)
      : of(service).isEmpty() ? null : of(service).get(of(service).size() - 1);
    if (running == null || !running.service().equals(service)) {
      return Future.failedFuture(new ServiceException(ErrorCode.NOT_FOUND, instanceId == null
        ? "no instance of " + service + " runs on this node" : "no instance " + instanceId + " of " + service + " runs on this node"));
    }
    byInstance.remove(running.instanceId());
    return vertx.undeploy(running.deploymentId()).recover(e -> Future.succeededFuture()).map(running);
  }

  List<Running> of(String service) {
    return byInstance.values().stream().filter(r -> r.service().equals(service)).toList();
  }

  List<Running> all() {
    return List.copyOf(byInstance.values());
  }

  /** Deployments under way (not yet in {@link #all()}). */
  int starting() {
    return starting;
  }

  /** Every instance stopped, lowest drain order first (the gateway finishes what it holds before the services go). */
  Future<Void> drain() {
    List<Running> order = new ArrayList<>(byInstance.values());
    order.sort(Comparator.comparingInt(Running::drainOrder));
    Future<Void> chain = Future.succeededFuture();
    int i = 0;
    while (i < order.size()) {
      // one drain order at a time, its instances together
      int level = order.get(i).drainOrder();
      List<Running> together = new ArrayList<>();
      while (i < order.size() && order.get(i).drainOrder() == level) {
        together.add(order.get(i++));
      }
      chain = chain.compose(v -> Future.join(together.stream().map(r -> {
        byInstance.remove(r.instanceId());
        return vertx.undeploy(r.deploymentId()).recover(e -> Future.succeededFuture());
      }).toList()).mapEmpty());
    }
    return chain;
  }
}
