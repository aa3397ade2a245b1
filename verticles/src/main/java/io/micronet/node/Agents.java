package io.micronet.node;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.discovery.MembershipWatch;
import io.micronet.shared.discovery.Upstream;
import io.micronet.shared.discovery.UpstreamDirectory;
import io.micronet.shared.messaging.CallContext;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.messaging.Replies;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.resilience.BreakerPolicy;
import io.micronet.shared.service.ServiceIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.servicediscovery.ServiceDiscovery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The node agents as one agent (the reconciler's) reaches them: a discovery view of service {@code node} with a
 * breaker per agent, {@code describe} with a short timeout through that breaker, and the longer deploy / undeploy
 * commands, each carrying this agent's service token.
 */
final class Agents {

  static final String SERVICE = NodeAgent.SERVICE;

  private final Vertx vertx;
  private final UpstreamDirectory directory;
  private final ServiceIdentity identity;
  private final long describeTimeoutMs;
  private final long commandTimeoutMs;
  private final long refreshMs;
  private MembershipWatch membership;

  Agents(Vertx vertx, ServiceDiscovery discovery, MicronetConfig config, ServiceIdentity identity, String caller) {
    this.vertx = vertx;
    this.identity = identity;
    // the agent's own breaker options, with the short describe timeout as the breaker's timeout
    BreakerPolicy policy = BreakerPolicy.from(config.section("breaker"));
    this.describeTimeoutMs = config.section("node").getLong("agentTimeoutMs", 1000L);
    this.commandTimeoutMs = config.shutdownGraceMillis() + 60_000;
    this.refreshMs = config.section("discovery").getLong("refreshSeconds", 5L) * 1000;
    this.directory = new UpstreamDirectory(vertx, discovery, policy, BackendRegistries.getDefaultNow(), caller, Set.of(SERVICE)).quiet()
      .maxInstancesPerService(config.maxInstancesPerService());
  }

  Future<Void> start() {
    membership = MembershipWatch.onNodeLeft(vertx, directory::nodeLeft);
    return directory.start(refreshMs);
  }

  Future<Void> stop() {
    if (membership != null) {
      membership.cancel();
    }
    return directory.stop();
  }

  Future<Void> refresh() {
    return directory.refresh();
  }

  /** Each agent in the view: what it answered to {@code describe}, or empty when it did not answer in time. */
  Future<Map<String, Optional<NodeState>>> describeAll() {
    List<Upstream> agents = new ArrayList<>(directory.instances(SERVICE));
    List<Future<Optional<NodeState>>> answers = new ArrayList<>();
    for (Upstream agent : agents) {
      answers.add(describe(agent).map(Optional::ofNullable).recover(e -> Future.succeededFuture(Optional.empty())));
    }
    return Future.join(answers).transform(ignored -> {
      Map<String, Optional<NodeState>> byNode = new LinkedHashMap<>();
      for (int i = 0; i < agents.size(); i++) {
        byNode.put(agents.get(i).nodeId(), answers.get(i).result());
      }
      return Future.succeededFuture(byNode);
    });
  }

  private Future<NodeState> describe(Upstream agent) {
    return agent.breaker().<Object>execute(promise -> call(agent.address(), NodeAgent.DESCRIBE, new JsonObject(), describeTimeoutMs)
        .onComplete(promise))
      .map(body -> body instanceof JsonObject json ? NodeState.fromJson(json) : null);
  }

  /** Runs {@code action} on the agent of {@code nodeId} (deploy, undeploy): not through the breaker, a start may take a while. */
  Future<JsonObject> command(String nodeId, String action, JsonObject body) {
    Optional<Upstream> agent = directory.instances(SERVICE).stream().filter(u -> nodeId.equals(u.nodeId())).findFirst();
    if (agent.isEmpty()) {
      return Future.failedFuture("the agent of node " + nodeId + " is gone");
    }
    return call(agent.get().address(), action, body, commandTimeoutMs)
      .map(reply -> reply instanceof JsonObject json ? json : new JsonObject());
  }

  private Future<Object> call(String address, String action, JsonObject body, long timeoutMs) {
    return vertx.eventBus().request(address, Envelope.body(new JsonObject(), new JsonObject(), body),
        Envelope.options(action, new CallContext(null, identity.token(), null, null), timeoutMs))
      .map(message -> message.body() instanceof Buffer encoded ? Json.decodeValue(encoded) : message.body())
      .recover(e -> Future.failedFuture(Replies.isAnswer(e)
        ? ServiceException.fromReply(((ReplyException) e).failureCode(), e.getMessage()) : e));
  }
}
