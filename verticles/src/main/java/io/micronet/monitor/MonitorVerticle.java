package io.micronet.monitor;

import io.micronet.shared.cluster.Leadership;
import io.micronet.shared.discovery.HttpEndpointSpec;
import io.micronet.shared.discovery.MembershipWatch;
import io.micronet.shared.discovery.NodeIdentity;
import io.micronet.shared.discovery.Upstream;
import io.micronet.shared.discovery.UpstreamDirectory;
import io.micronet.shared.events.ActivityEvent;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.health.HealthRule;
import io.micronet.shared.health.HealthView;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.resilience.BreakerPolicy;
import io.micronet.shared.security.Access;
import io.micronet.shared.service.ServiceIdentity;
import io.micronet.shared.service.ServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.servicediscovery.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Wiring of the health monitor: every node may run one (scope node), one of them leads (the cluster-wide lock of
 * {@link Leadership}, role {@code monitor}) and only the leader checks. Each second the leader checks the instances
 * that are due ({@link MonitorService}) through its own discovery view, judges the view, publishes each status change
 * at once on {@code micronet.health} (and as activity), and a snapshot every round; a breaker event re-judges within
 * a moment. Standbys keep the latest snapshot they heard and answer {@code graph} and {@code status} from it.
 */
public class MonitorVerticle extends ServiceVerticle {

  public static final String SERVICE = "monitor";
  public static final String ROLE = "monitor";
  static final long TICK_MS = 1000;
  static final long QUICK_MS = 100;
  /** Samples older than this no longer count towards a service's error rate (three samples at the default 2 s). */
  static final long ERROR_WINDOW_MS = 6_000;
  static final long MIN_REQUESTS_FOR_A_RATE = 5;
  private static final long NODE_READ_TIMEOUT_MS = 2000;
  private static final Logger LOG = LoggerFactory.getLogger(MonitorVerticle.class);

  private MonitorService service;
  private UpstreamDirectory directory;
  private BreakerBoard breakers;
  private ErrorRates errorRates;
  private Prober prober;
  private WebClient web;
  private MembershipWatch membership;
  private Leadership leadership;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long tickTimer = -1;
  private Set<String> lastInstanceIds = Set.of();
  private long quickTimer = -1;
  private boolean checking;
  private long nextSnapshotMs;
  private JsonObject latestSnapshot;
  private String nodeId;

  @Override
  protected String serviceName() {
    return SERVICE;
  }

  @Override
  protected Future<ActionDispatcher> createActions() {
    JsonObject settings = micronetConfig.section("monitor");
    int errorPercent = settings.getInteger("errorRatePercent", 20);
    if (errorPercent < 1 || errorPercent > 100) {
      return Future.failedFuture(new IllegalArgumentException("monitor.errorRatePercent / MICRONET_MONITOR_ERROR_RATE_PERCENT must be 1-100"));
    }
    List<HttpEndpointSpec> httpEndpoints = HttpEndpointSpec.parse(micronetConfig.section("gateway").getJsonArray("httpEndpoints",
      new JsonArray()), "gateway.httpEndpoints", Set.of());
    Set<String> httpServices = new HashSet<>();
    httpEndpoints.forEach(spec -> httpServices.add(spec.name()));
    BreakerPolicy policy = BreakerPolicy.from(micronetConfig.section("breaker"));
    nodeId = NodeIdentity.nodeId(vertx);
    // a live caller's open circuit half-opens after its reset timeout, and says so: one that stays silent is a dead caller's
    breakers = new BreakerBoard(Math.max(15_000, 3 * policy.resetTimeoutMs()));
    errorRates = new ErrorRates(ERROR_WINDOW_MS, MIN_REQUESTS_FOR_A_RATE);
    service = new MonitorService(micronetConfig.definitions(), httpServices, new HealthRule(errorPercent / 100.0), breakers, errorRates);
    directory = new UpstreamDirectory(vertx, discovery(), policy, null, instanceId(), service.watched()).quiet()
      .httpEndpoints(httpEndpoints).maxInstancesPerService(micronetConfig.maxInstancesPerService());
    web = WebClient.create(vertx);
    prober = new Prober(vertx, web, new ServiceIdentity(verifier().tokens(), instanceId()));
    membership = MembershipWatch.onNodeLeft(vertx, directory::nodeLeft);
    consumers.add(vertx.eventBus().<JsonObject>consumer(Feeds.BREAKERS, message -> {
      if (breakers.record(message.body(), System.currentTimeMillis())) {
        judgeSoon();
      }
    }));
    consumers.add(vertx.eventBus().<JsonObject>consumer(Feeds.METRIC_SAMPLES, message -> errorRates.record(message.body(),
      System.currentTimeMillis())));
    consumers.add(vertx.eventBus().<Object>consumer(Feeds.HEALTH, message -> {
      if (message.body() instanceof JsonObject snapshot) {
        heard(snapshot);
      }
    }));
    long refreshMs = micronetConfig.section("discovery").getLong("refreshSeconds", 5L) * 1000;
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
      .compose(v -> directory.start(refreshMs))
      .map(v -> {
        leadership = Leadership.stand(vertx, ROLE, Leadership.DEFAULT_POLL_MS, this::leading);
        return actions()
          .on("graph", Access.OPERATOR, this::graph)
          .on("status", Access.OPERATOR, this::status);
      });
  }

  @Override
  protected Future<?> closeResources() {
    vertx.cancelTimer(tickTimer);
    vertx.cancelTimer(quickTimer);
    if (membership != null) {
      membership.cancel();
    }
    Future<Void> steppedDown = leadership == null ? Future.succeededFuture() : leadership.stop();
    List<Future<Void>> closing = new ArrayList<>();
    consumers.forEach(c -> closing.add(c.unregister()));
    return Future.join(closing).transform(v -> steppedDown).transform(v -> directory.stop())
      .onComplete(v -> web.close());
  }

  private void leading(boolean leader) {
    vertx.cancelTimer(tickTimer);
    if (leader) {
      LOG.info("health monitor leads", kv("instance", instanceId()));
      nextSnapshotMs = 0;
      tickTimer = vertx.setPeriodic(TICK_MS, id -> tick());
      tick();
    }
  }

  /** The leader's second: check what is due, then judge (a snapshot when a round has passed or anything changed). */
  private void tick() {
    if (leadership == null || !leadership.isLeader() || checking) {
      return;
    }
    List<Upstream> instances = instances();
    List<MonitorService.Target> due = service.due(targets(instances), System.currentTimeMillis());
    if (due.isEmpty()) {
      judge();
      return;
    }
    checking = true;
    List<Future<?>> checks = new ArrayList<>();
    for (MonitorService.Target target : due) {
      Upstream upstream = instances.stream().filter(u -> u.instanceId().equals(target.id())).findFirst().orElseThrow();
      checks.add(prober.check(upstream, service.timeoutMs(target.service())).onSuccess(check -> service.checked(target.id(), check)));
    }
    Future.join(checks).onComplete(v -> {
      checking = false;
      judge();
    });
  }

  /** A breaker moved: judge again within a moment (one judgement covers a burst of events). */
  private void judgeSoon() {
    // a check under way ends in a judgement of its own
    if (leadership == null || !leadership.isLeader() || quickTimer != -1 || checking) {
      return;
    }
    quickTimer = vertx.setTimer(QUICK_MS, id -> {
      quickTimer = -1;
      judge();
    });
  }

  private void judge() {
    if (!leadership.isLeader()) {
      return;
    }
    long now = System.currentTimeMillis();
    List<MonitorService.Target> targets = targets(instances());
    HealthView view = service.evaluate(targets, now);
    // an instance started or stopped: /status and the graph show it at once, not at the next round
    Set<String> instanceIds = targets.stream().map(MonitorService.Target::id).collect(Collectors.toSet());
    boolean instancesChanged = !instanceIds.equals(lastInstanceIds);
    lastInstanceIds = instanceIds;
    List<JsonObject> changes = service.changes(view);
    for (JsonObject change : changes) {
      Feeds.publish(vertx, Feeds.HEALTH, change);
      String text = change.getString("service") + " is " + change.getString("status")
        + (change.getString("previous") == null ? "" : " (was " + change.getString("previous") + ")")
        + (change.getJsonArray("reasons").isEmpty() ? "" : ": " + String.join("; ", change.getJsonArray("reasons").stream().map(String::valueOf).toList()));
      Feeds.activity(vertx, ActivityEvent.of(SERVICE, ActivityEvent.Kind.HEALTH, change.getString("service"), null, null, text));
      LOG.info("health changed", kv("service", change.getString("service")), kv("status", change.getString("status")),
        kv("previous", change.getString("previous")));
    }
    if (!changes.isEmpty() || instancesChanged || now >= nextSnapshotMs) {
      int every = service.snapshotEverySeconds();
      JsonObject snapshot = view.toSnapshot(every, nodeId, micronetConfig.nodeName(), instanceId());
      Feeds.publish(vertx, Feeds.HEALTH, snapshot);
      latestSnapshot = snapshot;
      nextSnapshotMs = now + every * 1000L;
    }
  }

  /** A standby keeps the leader's latest snapshot (the leader hears its own, and knows it already). */
  private void heard(JsonObject event) {
    if (instanceId() != null && instanceId().equals(event.getValue("leaderInstance"))) {
      return;
    }
    HealthView.fromSnapshot(event).ifPresent(view -> {
      latestSnapshot = event;
      if (leadership == null || !leadership.isLeader()) {
        service.heard(view);
      }
    });
  }

  private List<Upstream> instances() {
    List<Upstream> all = new ArrayList<>();
    service.watched().forEach(name -> all.addAll(directory.instances(name)));
    return all;
  }

  private static List<MonitorService.Target> targets(List<Upstream> instances) {
    return instances.stream().map(u -> new MonitorService.Target(u.service(), u.instanceId(), u.nodeId())).toList();
  }

  /** {@code graph}: nodes, services, instances and dependency edges with their status (the latest view). */
  private Future<ServiceResponse> graph(ServiceRequest request) {
    JsonObject snapshot = latestSnapshot;
    if (snapshot == null) {
      return Future.failedFuture(noViewYet());
    }
    HealthView view = HealthView.fromSnapshot(snapshot).orElseThrow();
    return discovery().getRecords(record -> MonitorService.NODE_SERVICE.equals(record.getName()))
      .timeout(NODE_READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .otherwise(List.of())
      .map(records -> {
        List<JsonObject> nodes = new ArrayList<>();
        for (Record record : records) {
          if (record.getMetadata() != null) {
            nodes.add(record.getMetadata());
          }
        }
        JsonObject graph = Graph.build(view, nodes, snapshot.getString("time"), snapshot.getString("leader"));
        // what an operator may do with each service: cluster scope is started, stopped and scaled; node scope is not
        graph.getJsonArray("services").forEach(service -> {
          JsonObject json = (JsonObject) service;
          json.put("scope", micronetConfig.definitions().find(json.getString("name"))
            .map(definition -> definition.scope().name().toLowerCase(Locale.ROOT)).orElse(null));
        });
        return ServiceResponse.ok(graph);
      });
  }

  /** {@code status}: the latest view, all of it, or one service's ({@code ?service=}). */
  private Future<ServiceResponse> status(ServiceRequest request) {
    JsonObject snapshot = latestSnapshot;
    if (snapshot == null) {
      return Future.failedFuture(noViewYet());
    }
    String name = request.queryParam("service");
    if (name == null && request.body() instanceof JsonObject body && body.getValue("service") instanceof String given) {
      name = given;
    }
    if (name == null) {
      return Future.succeededFuture(ServiceResponse.ok(snapshot.copy()));
    }
    JsonObject one = snapshot.getJsonObject("services").getJsonObject(name);
    if (one == null) {
      return Future.failedFuture(ServiceException.notFound("service", name));
    }
    return Future.succeededFuture(ServiceResponse.ok(one.copy().put("service", name).put("time", snapshot.getValue("time"))
      .put("leader", snapshot.getValue("leader"))));
  }

  private static ServiceException noViewYet() {
    return new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "the health monitor has no view yet; try again in a few seconds");
  }
}
