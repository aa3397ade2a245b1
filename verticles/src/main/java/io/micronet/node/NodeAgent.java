package io.micronet.node;

import io.micronet.shared.chaos.Failure;
import io.micronet.shared.chaos.FailureControl;
import io.micronet.shared.cluster.ClusterWatch;
import io.micronet.shared.cluster.Leadership;
import io.micronet.shared.config.ServiceDefinition;
import io.micronet.shared.config.ServiceDefinitions;
import io.micronet.shared.discovery.Failover;
import io.micronet.shared.discovery.InstanceRecords;
import io.micronet.shared.discovery.MembershipWatch;
import io.micronet.shared.discovery.NodeIdentity;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.messaging.CallContext;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.Replies;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.security.Access;
import io.micronet.shared.service.ServiceIdentity;
import io.micronet.shared.service.ServiceVerticle;
import io.micronet.shared.storage.Page;
import io.micronet.shared.validation.PageParams;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.servicediscovery.Record;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The node agent, one per node (service {@code node}): runs this node's instances (each its own deployment), says
 * what runs here ({@code describe}, and its discovery record, rewritten on every change), deploys and undeploys on
 * command, and answers the operators' REST actions — {@code nodes}, {@code start}/{@code stop}/{@code scale} (checked
 * here, carried out by the elected reconciler, see {@link Reconciler}) and failure injection. Every agent stands for
 * the {@code reconciler} role; the one elected consumes {@link #RECONCILER_ADDRESS}.
 */
public class NodeAgent extends ServiceVerticle {

  public static final String SERVICE = "node";
  static final String DESCRIBE = "describe";
  static final String DEPLOY = "deploy";
  static final String UNDEPLOY = "undeploy";
  static final String APPLY = "apply";
  /** Reconciler action: an agent that has just started asks for a round now, rather than at the next tick. */
  static final String ARRIVED = "arrived";
  /** Only the elected reconciler consumes this address (lifecycle commands, from agents, with their service token). */
  static final String RECONCILER_ADDRESS = "micronet.node.reconciler";
  /** Local: NodeVerticle asks the agent to stop this node's instances before it stops the agent itself. */
  static final String DRAIN_ADDRESS = "micronet.node.agent.drain";
  static final String ROLE = "reconciler";
  /** Record metadata key holding this node's {@link NodeState} (plus whether its agent leads the reconciler). */
  static final String NODE = "node";

  /** Set when this agent drains or stops: its record says so (see {@link #sayStopping}). */
  private boolean stopping;
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

  private ServiceDefinitions definitions;
  private String nodeName;
  private String host;
  private Set<String> mayRun;
  private LocalInstances local;
  private ServiceIdentity identity;
  private Agents agents;
  private DesiredState desired;
  private Reconciler reconciler;
  private Leadership leadership;
  private MessageConsumer<Object> leaderConsumer;
  private MessageConsumer<Object> drainConsumer;
  private MembershipWatch membership;
  private long roundTimer = -1;
  private boolean draining;
  private Future<Void> firstRound = Future.succeededFuture();

  @Override
  protected String serviceName() {
    return SERVICE;
  }

  @Override
  protected Future<ActionDispatcher> createActions() {
    definitions = micronetConfig.definitions();
    nodeName = micronetConfig.nodeName();
    host = host();
    mayRun = new LinkedHashSet<>();
    micronetConfig.verticles().stream().filter(name -> definitions.get(name).allowedOn(nodeName)).forEach(mayRun::add);
    local = new LocalInstances(vertx, config(), definitions);
    identity = new ServiceIdentity(verifier().tokens(), instanceId());
    agents = new Agents(vertx, discovery(), micronetConfig, identity, instanceId());
    desired = new DesiredState(vertx, definitions);
    reconciler = new Reconciler(vertx, agents, desired);
    drainConsumer = vertx.eventBus().localConsumer(DRAIN_ADDRESS, message -> drain().onComplete(ar -> message.reply(null)));
    return agents.start().map(v -> actions()
      .on(DESCRIBE, Access.OPERATOR, request -> Future.succeededFuture(ServiceResponse.ok(state().toJson())))
      .on(DEPLOY, Access.OPERATOR, this::deploy)
      .on(UNDEPLOY, Access.OPERATOR, this::undeploy)
      .on("nodes", Access.MANAGER, this::nodes)
      .on("start", Access.MANAGER, request -> lifecycle(request, LifecycleCommand.Kind.START))
      .on("stop", Access.MANAGER, request -> lifecycle(request, LifecycleCommand.Kind.STOP))
      .on("scale", Access.MANAGER, request -> lifecycle(request, LifecycleCommand.Kind.SCALE))
      .on("injectFailure", Access.MANAGER, this::injectFailure)
      .on("recoverFailure", Access.MANAGER, this::recoverFailure));
  }

  /**
   * After the agent answers and its record is out: the desired counts (where the cluster has none yet), the election
   * (the first node elects itself and places its own instances at once), then this node's node-scope services, the
   * gateway last — so a node that logs "node started" serves what it placed.
   */
  @Override
  public Future<?> start() {
    return super.start()
      .compose(v -> desired.initialise())
      .compose(v -> {
        long pollMs = micronetConfig.section("node").getLong("leaderPollMs", Leadership.DEFAULT_POLL_MS);
        leadership = Leadership.stand(vertx, ROLE, pollMs, this::leadershipChanged);
        return leadership.firstTry();
      })
      .compose(leads -> firstRound)
      .compose(v -> deployNodeScope())
      .compose(v -> republishRecord())
      .onSuccess(v -> askForRound());
  }

  /**
   * A node that has just started (a new one, or one restarted after a crash) can take the instances waiting for it: the
   * reconciler is told at once, with what this node runs, instead of finding it on its next tick (up to
   * node.reconcileIntervalMs later) and then waiting for its describe over a connection still being made (see
   * {@link Arrivals}). Best effort: without a reconciler yet, the elected one's first round sees this node anyway.
   */
  private void askForRound() {
    if (leadership.isLeader()) {
      return; // this node's own first round has run
    }
    vertx.eventBus().request(RECONCILER_ADDRESS, Envelope.body(new JsonObject(), new JsonObject(), state().toJson()),
        Envelope.options(ARRIVED, new CallContext(null, identity.token(), null, null), 5_000))
      .onFailure(e -> LOG.debug("the reconciler did not hear of this node's start", kv("reason", String.valueOf(e.getMessage()))));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(roundTimer);
    if (membership != null) {
      membership.cancel();
    }
    Future<Void> steppedDown = sayStopping().compose(v -> leadership == null ? Future.succeededFuture() : leadership.stop());
    return steppedDown.compose(v -> local.drain())
      .eventually(() -> drainConsumer == null ? Future.succeededFuture() : drainConsumer.unregister())
      .eventually(() -> agents == null ? Future.succeededFuture() : agents.stop())
      .eventually(() -> super.stop());
  }

  private Future<Void> deployNodeScope() {
    List<ServiceDefinition> nodeScope = mayRun.stream().map(definitions::get)
      .filter(d -> d.scope() == ServiceDefinition.Scope.NODE)
      .sorted(Comparator.comparingInt(ServiceDefinition::drainOrder).reversed()).toList();
    Future<Void> chain = Future.succeededFuture();
    for (ServiceDefinition definition : nodeScope) {
      for (int i = 0; i < definition.instances(); i++) {
        chain = chain.compose(v -> local.deploy(definition.name()).mapEmpty());
      }
    }
    return chain;
  }

  // ---- the reconciler role --------------------------------------------------------------------------------

  private void leadershipChanged(boolean leads) {
    if (leads) {
      leaderConsumer = vertx.eventBus().consumer(RECONCILER_ADDRESS, new ActionDispatcher(ROLE, verifier())
        .on(APPLY, Access.SERVICE, this::apply)
        .on(ARRIVED, Access.SERVICE, this::arrived));
      long intervalMs = micronetConfig.section("node").getLong("reconcileIntervalMs", 2000L);
      roundTimer = vertx.setPeriodic(intervalMs, id -> reconciler.round());
      // a member gone: its instances are placed again now (and once more when Vert.x's own view has caught up)
      membership = MembershipWatch.onNodeLeft(vertx, nodeId -> {
        reconciler.round();
        vertx.setTimer(500, id -> reconciler.round());
      });
      firstRound = leaderConsumer.completion().compose(v -> reconciler.round());
      republishRecord();
    } else {
      vertx.cancelTimer(roundTimer);
      if (membership != null) {
        membership.cancel();
      }
      if (leaderConsumer != null) {
        leaderConsumer.unregister();
        leaderConsumer = null;
      }
      republishRecord();
    }
  }

  /** {@code arrived {node state}} (reconciler only): an agent has just started; a round now (see {@link Arrivals}). */
  private Future<ServiceResponse> arrived(ServiceRequest request) {
    NodeState state = NodeState.fromJson(request.bodyObject());
    if (state == null) {
      return Future.failedFuture(ServiceException.badRequest("not a node state"));
    }
    reconciler.arrived(state);
    return Future.succeededFuture(ServiceResponse.ok(new JsonObject()));
  }

  /** {@code apply} (reconciler only): a command another agent checked, carried out; answers within the caller's time. */
  private Future<ServiceResponse> apply(ServiceRequest request) {
    LifecycleCommand command = LifecycleCommand.fromJson(request.bodyObject());
    if (command == null) {
      return Future.failedFuture(ServiceException.badRequest("not a lifecycle command"));
    }
    // answer well before the caller stops waiting: the answer still travels back through an agent and the gateway
    return reconciler.apply(command, request.remainingMillis(30_000) * 3 / 4 - 100).map(ServiceResponse::ok);
  }

  // ---- this node's instances -----------------------------------------------------------------------------------

  NodeState state() {
    Map<String, List<String>> running = new LinkedHashMap<>();
    local.all().forEach(r -> running.computeIfAbsent(r.service(), s -> new ArrayList<>()).add(r.instanceId()));
    // a stopping node takes nothing more: the reconciler places elsewhere what it had
    return new NodeState(NodeIdentity.nodeId(vertx), nodeName, host, draining ? Set.of() : mayRun, running);
  }

  @Override
  protected JsonObject recordMetadata() {
    JsonObject node = state().toJson().put(ROLE, leadership != null && leadership.isLeader());
    return new JsonObject().put(NODE, stopping ? node.put(ClusterWatch.STOPPING, true) : node);
  }

  /** {@code deploy {service}}: one more instance here (a service this node may run). */
  private Future<ServiceResponse> deploy(ServiceRequest request) {
    String service = serviceField(request);
    if (!mayRun.contains(service)) {
      throw new ServiceException(ErrorCode.CONFLICT, "node " + nodeName + " may not run " + service);
    }
    LOG.info("deploying an instance", kv("service", service));
    return local.deploy(service)
      .compose(running -> republishRecord().map(v -> ServiceResponse.ok(new JsonObject().put("instanceId", running.instanceId())
        .put("service", service).put("node", NodeIdentity.nodeId(vertx)).put("nodeName", nodeName))));
  }

  /** {@code undeploy {service, instanceId?}}: that instance (or this node's newest of the service) stops, draining first. */
  private Future<ServiceResponse> undeploy(ServiceRequest request) {
    String service = serviceField(request);
    Object instanceId = request.bodyObject().getValue("instanceId");
    if (instanceId != null && !(instanceId instanceof String)) {
      throw ServiceException.invalid(new JsonObject().put("instanceId", "must be the id of an instance running here"));
    }
    return local.undeploy(service, (String) instanceId)
      .compose(running -> republishRecord().map(v -> ServiceResponse.ok(new JsonObject().put("instanceId", running.instanceId())
        .put("service", service).put("node", NodeIdentity.nodeId(vertx)).put("nodeName", nodeName))));
  }

  private String serviceField(ServiceRequest request) {
    if (draining) {
      throw new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "node " + nodeName + " is stopping");
    }
    Object service = request.bodyObject().getValue("service");
    if (!(service instanceof String name) || definitions.find(name).isEmpty()) {
      throw ServiceException.invalid(new JsonObject().put("service", "must be one of " + definitions.names()));
    }
    return name;
  }

  /** This node stops: it leaves the election (another node's reconciler takes over) and its instances stop in drain order. */
  private Future<Void> drain() {
    draining = true;
    vertx.cancelTimer(roundTimer);
    Future<Void> steppedDown = sayStopping().compose(v -> leadership == null ? Future.succeededFuture() : leadership.stop());
    return steppedDown.compose(v -> local.drain()).compose(v -> republishRecord());
  }

  /**
   * Said first, in this agent's record (the other members read it back from the registry): this node leaves on
   * purpose, so its departure is a stop, not a loss ({@link ClusterWatch}). Once.
   */
  private Future<Void> sayStopping() {
    if (stopping) {
      return Future.succeededFuture();
    }
    stopping = true;
    return republishRecord().otherwiseEmpty();
  }

  // ---- the operators' actions ------------------------------------------------------------------------------------

  /** {@code nodes}: every node from the agents' discovery records, by name, a page of them. */
  private Future<ServiceResponse> nodes(ServiceRequest request) {
    PageParams paging = PageParams.required(request);
    return nodeRecords().map(records -> {
      List<JsonObject> all = records.stream().map(r -> {
        JsonObject node = r.getMetadata().getJsonObject(NODE).copy();
        return node.put("agent", InstanceRecords.instanceId(r)).put(ROLE, node.getBoolean(ROLE, false));
      }).sorted(Comparator.comparing((JsonObject n) -> n.getString("name", "")).thenComparing(n -> n.getString("id", ""))).toList();
      int from = (int) Math.min((long) paging.page() * paging.size(), all.size());
      List<JsonObject> items = all.subList(from, Math.min(from + paging.size(), all.size()));
      return ServiceResponse.ok(new Page<>(items, paging.page(), paging.size(), all.size()).toJson(item -> item));
    });
  }

  /** {@code start} / {@code stop} / {@code scale}: checked here (nothing changes when it is wrong), then carried out by the reconciler. */
  private Future<ServiceResponse> lifecycle(ServiceRequest request, LifecycleCommand.Kind kind) {
    String actor = request.caller().username() != null ? request.caller().username() : request.callerId();
    return knownNodes().compose(nodes -> {
      LifecycleRequests checks = new LifecycleRequests(definitions, nodes);
      LifecycleCommand command = kind == LifecycleCommand.Kind.SCALE
        ? checks.scale(request.param("name"), request.body(), actor)
        : checks.startOrStop(kind, request.param("name"), request.body(), actor);
      if (dryRun(request)) {
        command = command.asPreview();
      }
      long budgetMs = request.remainingMillis(30_000);
      return vertx.eventBus().request(RECONCILER_ADDRESS, Envelope.body(new JsonObject(), new JsonObject(), command.toJson()),
          Envelope.options(APPLY, new CallContext(request.requestId(), identity.token(), null, null), budgetMs))
        .map(reply -> ServiceResponse.ok(reply.body() instanceof Buffer encoded ? Json.decodeValue(encoded) : reply.body()))
        .recover(NodeAgent::fromReconciler);
    });
  }

  /** {@code ?dryRun=true}: answer what would happen and change nothing (422 for a value that is not true or false). */
  private static boolean dryRun(ServiceRequest request) {
    String value = request.queryParam("dryRun");
    if (value == null || "false".equals(value)) {
      return false;
    }
    if ("true".equals(value)) {
      return true;
    }
    throw ServiceException.invalidQuery(new JsonObject().put("dryRun", "must be true or false"));
  }

  private static Future<ServiceResponse> fromReconciler(Throwable e) {
    if (Failover.notDelivered(e)) {
      return Future.failedFuture(new ServiceException(ErrorCode.SERVICE_UNAVAILABLE,
        "no reconciler is elected yet (a node agent takes the role within seconds); nothing was changed, try again shortly"));
    }
    if (Replies.isAnswer(e)) {
      return Future.failedFuture(ServiceException.fromReply(((ReplyException) e).failureCode(), e.getMessage()));
    }
    Throwable known = Failover.toContractError(e, "reconciler");
    if (known instanceof ServiceException error && error.code() == ErrorCode.UPSTREAM_TIMEOUT) {
      return Future.failedFuture(new ServiceException(ErrorCode.UPSTREAM_TIMEOUT,
        "the reconciler did not answer in time; the change may still be under way (see GET /api/nodes)"));
    }
    return Future.failedFuture(new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "the reconciler could not be reached"));
  }

  /** {@code injectFailure}: the body of CONTRACT.md, published to every instance of the service with this agent's token. */
  private Future<ServiceResponse> injectFailure(ServiceRequest request) {
    String service = failureTarget(request);
    JsonObject errors = new JsonObject();
    String actor = request.caller().username() != null ? request.caller().username() : request.callerId();
    Failure failure = Failure.parse(request.bodyObject(), System.currentTimeMillis(), actor, errors);
    boolean preview = dryRun(request);
    if (failure == null) {
      throw ServiceException.invalid(errors);
    }
    return instancesOf(service).compose(instances -> {
      List<String> targeted = failure.instanceId() == null ? instances
        : instances.stream().filter(failure.instanceId()::equals).toList();
      if (targeted.isEmpty()) {
        return Future.failedFuture(failure.instanceId() == null
          ? new ServiceException(ErrorCode.CONFLICT, service + " has no running instance to fail")
          : new ServiceException(ErrorCode.NOT_FOUND, "no instance " + failure.instanceId() + " of " + service
            + " is running; its instances are " + instances, new JsonObject().put("instances", new JsonArray(instances))));
      }
      JsonObject answer = new JsonObject().put("service", service).put("instances", new JsonArray(targeted))
        .put("failure", failure.toJson()).put("until", failure.toJson().getString("until"));
      if (preview) {
        return whereRunning(service).map(nodes -> ServiceResponse.ok(answer.put("preview", true)
          .put("nodes", new JsonObject(new LinkedHashMap<>(nodes)))
          .put("text", "would inject on " + targeted.stream().map(id -> id + " (node " + nodes.getOrDefault(id, "?") + ")").toList()
            + ": " + failure.describe())));
      }
      publishFailureControl(service, FailureControl.INJECT, failure.toJson(), request);
      return Future.succeededFuture(ServiceResponse.ok(answer.put("text", "failure injected on " + targeted + ": " + failure.describe())));
    });
  }

  /** {@code recoverFailure}: every instance of the service ends its failure now. */
  private Future<ServiceResponse> recoverFailure(ServiceRequest request) {
    String service = failureTarget(request);
    return instancesOf(service).map(instances -> {
      String actor = request.caller().username() != null ? request.caller().username() : request.callerId();
      publishFailureControl(service, FailureControl.RECOVER, new JsonObject().put("actor", actor), request);
      return ServiceResponse.ok(new JsonObject().put("service", service).put("instances", new JsonArray(instances))
        .put("text", "recovery sent to " + instances.size() + " instance(s) of " + service));
    });
  }

  private String failureTarget(ServiceRequest request) {
    if (!micronetConfig.chaosEnabled()) {
      throw new ServiceException(ErrorCode.CONFLICT, "failure injection is turned off (chaos.enabled=false / MICRONET_CHAOS_ENABLED=false)");
    }
    return new LifecycleRequests(definitions, List.of()).known(request.param("name")).name();
  }

  private void publishFailureControl(String service, String action, JsonObject body, ServiceRequest request) {
    DeliveryOptions options = Envelope.options(action, new CallContext(request.requestId(), identity.token(), null, null), 5_000);
    vertx.eventBus().publish(FailureControl.address(service), Envelope.body(new JsonObject(), new JsonObject(), body), options);
  }

  // ---- what discovery says -----------------------------------------------------------------------------------------

  /** The agents' records of live members (one per node). */
  private Future<List<Record>> nodeRecords() {
    Set<String> members = liveMembers();
    return discovery().getRecords(r -> SERVICE.equals(r.getName()) && InstanceRecords.inOwnAddressSpace(r)
        && r.getMetadata().getValue(NODE) instanceof JsonObject)
      .map(records -> records.stream().filter(r -> members == null || members.contains(InstanceRecords.nodeId(r))).toList());
  }

  private Future<List<NodeState>> knownNodes() {
    return nodeRecords().map(records -> records.stream().map(r -> NodeState.fromJson(r.getMetadata().getJsonObject(NODE)))
      .filter(n -> n != null).toList());
  }

  /** The instance ids of {@code service} in discovery (live members only), sorted. */
  private Future<List<String>> instancesOf(String service) {
    Set<String> members = liveMembers();
    return discovery().getRecords(r -> service.equals(r.getName()) && InstanceRecords.inOwnAddressSpace(r))
      .map(records -> records.stream().filter(r -> members == null || members.contains(InstanceRecords.nodeId(r)))
        .map(InstanceRecords::instanceId).sorted().toList());
  }

  /** Each running instance of {@code service} with the name of the node it runs on. */
  private Future<Map<String, Object>> whereRunning(String service) {
    return Future.all(discovery().getRecords(r -> service.equals(r.getName()) && InstanceRecords.inOwnAddressSpace(r)), knownNodes())
      .map(both -> {
        List<Record> records = both.resultAt(0);
        List<NodeState> nodes = both.resultAt(1);
        Map<String, Object> where = new LinkedHashMap<>();
        for (Record record : records) {
          String nodeId = InstanceRecords.nodeId(record);
          where.put(InstanceRecords.instanceId(record), nodes.stream().filter(n -> n.id().equals(nodeId)).map(NodeState::name)
            .findFirst().orElse(nodeId));
        }
        return where;
      });
  }

  private Set<String> liveMembers() {
    ClusterManager clusterManager = NodeIdentity.clusterManager(vertx);
    return clusterManager == null ? null : new HashSet<>(clusterManager.getNodes());
  }

  /** The cluster host (the address Hazelcast binds), or this machine's host name when not clustered. */
  private String host() {
    if (NodeIdentity.clusterManager(vertx) instanceof HazelcastClusterManager hazelcast) {
      try {
        return hazelcast.getHazelcastInstance().getCluster().getLocalMember().getAddress().getHost();
      } catch (RuntimeException e) {
        LOG.debug("no cluster host", kv("reason", e.getMessage()));
      }
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
