package io.micronet.node;

import io.micronet.shared.cluster.ClusterView;
import io.micronet.shared.cluster.ClusterWatch;
import io.micronet.shared.config.DbUrl;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.discovery.HttpEndpointSpec;
import io.micronet.shared.discovery.MembershipWatch;
import io.micronet.shared.discovery.MergeWatch;
import io.micronet.shared.discovery.NodeIdentity;
import io.micronet.shared.discovery.RecordPublisher;
import io.micronet.shared.discovery.RecordReaper;
import io.micronet.shared.events.ActivityEvent;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.storage.Database;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * A node: checks its configuration, announces the plain HTTP services its conf names, reaps the discovery records of
 * nodes that left the cluster, tells the activity feed what its side of the cluster sees change (when it is that
 * side's oldest member, so each change is said once per side: {@link ClusterWatch}), and deploys its node agent ({@link NodeAgent}), which runs this node's instances. On
 * shutdown the agent stops the instances by drain order (the gateway first: it finishes the requests it holds; then
 * the services, which unpublish and finish theirs), then the agent itself goes.
 */
public class NodeVerticle extends VerticleBase {

  /** Local address the launcher's shutdown hook asks to drain the node before Vert.x closes. */
  public static final String DRAIN_ADDRESS = "micronet.node.drain";

  private static final Logger LOG = LoggerFactory.getLogger(NodeVerticle.class);

  private final List<RecordPublisher> endpointPublishers = new ArrayList<>();
  private MicronetConfig config;
  private ServiceDiscovery discovery;
  private RecordReaper reaper;
  private MembershipWatch membership;
  private MergeWatch merges;
  private ClusterWatch clusterWatch;
  private long reapTimer = -1;
  private MessageConsumer<Object> drainConsumer;
  private String agentDeployment;

  @Override
  public Future<?> start() {
    config = MicronetConfig.load(config());
    List<Record> endpoints;
    try {
      VerticleCatalog.check(config);
      // plain HTTP services this node announces (the gateway fronts those its own conf lists too)
      Set<String> taken = new HashSet<>(config.definitions().names());
      taken.add(NodeAgent.SERVICE);
      endpoints = HttpEndpointSpec.parse(config.section("discovery").getJsonArray("httpEndpoints", new JsonArray()),
        "discovery.httpEndpoints", taken).stream()
        .map(spec -> spec.record(NodeIdentity.nodeId(vertx))).toList();
    } catch (IllegalArgumentException | ClassCastException e) {
      return Future.failedFuture(e);
    }
    warnAboutClusterSettings();
    drainConsumer = vertx.eventBus().localConsumer(DRAIN_ADDRESS, message -> drain().onComplete(ar -> message.reply(null)));
    discovery = ServiceDiscovery.create(vertx);
    startReaper();
    String storage = config.dbUrl() == null ? "embedded:" + config.dataDir() : DbUrl.parse(config.dbUrl()).toString();
    return publishEndpoints(endpoints)
      .compose(v -> vertx.deployVerticle(new NodeAgent(), new DeploymentOptions().setConfig(config.json())))
      .onSuccess(id -> agentDeployment = id)
      .onSuccess(v -> LOG.info("node started", kv("nodeId", NodeIdentity.nodeId(vertx)), kv("nodeName", config.nodeName()),
        kv("clustered", vertx.isClustered()), kv("verticles", String.join(",", config.verticles())), kv("storage", storage)))
      .onSuccess(v -> printBanner());
  }

  private void printBanner() {
    List<String> lines = StartBanner.lines(config, config.adminPassword() != null);
    if (!lines.isEmpty()) {
      System.err.println(String.join(System.lineSeparator(), lines));
      System.err.flush();
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(reapTimer);
    if (membership != null) {
      membership.cancel();
    }
    if (merges != null) {
      merges.cancel();
    }
    if (clusterWatch != null) {
      clusterWatch.stop();
    }
    if (discovery != null) {
      discovery.close();
    }
    return drainConsumer.unregister();
  }

  private Future<Void> publishEndpoints(List<Record> records) {
    long republishMs = config.section("discovery").getLong("republishSeconds", 10L) * 1000;
    List<Future<Record>> published = new ArrayList<>();
    for (Record record : records) {
      RecordPublisher publisher = new RecordPublisher(vertx, discovery, republishMs);
      endpointPublishers.add(publisher);
      published.add(publisher.publish(record));
    }
    return Future.all(published).mapEmpty();
  }

  /** The agent stops this node's instances in drain order, then the agent goes; safe to call twice. */
  Future<Void> drain() {
    String agent = agentDeployment;
    agentDeployment = null;
    Future<Void> chain = agent == null ? Future.succeededFuture()
      : vertx.eventBus().request(NodeAgent.DRAIN_ADDRESS, null, new DeliveryOptions().setLocalOnly(true)
          .setSendTimeout(config.shutdownGraceMillis() + 30_000)).<Void>mapEmpty()
        .recover(e -> Future.succeededFuture())
        .compose(v -> vertx.undeploy(agent).recover(e -> Future.succeededFuture()));
    for (RecordPublisher publisher : endpointPublishers) {
      chain = chain.compose(v -> publisher.unpublish());
    }
    endpointPublishers.clear();
    return chain.onSuccess(v -> LOG.info("node drained"));
  }

  private void startReaper() {
    if (!vertx.isClustered()) {
      return;
    }
    reaper = new RecordReaper(vertx, discovery);
    long intervalMs = config.section("discovery").getLong("reapIntervalSeconds", 5L) * 1000;
    reapTimer = vertx.setPeriodic(intervalMs, id -> reap());
    membership = MembershipWatch.onNodeLeft(vertx, nodeId -> {
      LOG.info("cluster member left", kv("nodeId", nodeId));
      // Vert.x's own view of the members may be updated after ours: look again in a moment
      vertx.setTimer(500, id -> reap());
    });
    // the records of this node are written again by their publishers; this says that a partition has healed
    merges = MergeWatch.onMerged(vertx, v -> LOG.warn("cluster merged after a network partition",
      kv("members", NodeIdentity.clusterManager(vertx).getNodes().size())));
    long refreshMs = config.section("discovery").getLong("refreshSeconds", 5L) * 1000;
    clusterWatch = ClusterWatch.start(vertx, discovery, config.nodeName(), refreshMs, this::clusterChanged);
  }

  /** Every node of a side sees the same changes; the side's oldest member says them. */
  private void clusterChanged(List<ClusterView.Change> changes) {
    boolean speaks = clusterWatch.view().speaksForThisSide();
    for (ClusterView.Change change : changes) {
      LOG.info("cluster changed", kv("change", change.type().name()), kv("nodeId", change.nodeId()), kv("text", change.text()),
        kv("announced", speaks));
      if (speaks) {
        Feeds.activity(vertx, ActivityEvent.of("cluster", ActivityEvent.Kind.CLUSTER, null, null, change.nodeId(), change.text()));
      }
    }
  }

  private void reap() {
    reaper.reap().onFailure(e -> LOG.warn("reaping failed", kv("reason", e.getMessage())));
  }

  private void warnAboutClusterSettings() {
    if (!vertx.isClustered()) {
      return;
    }
    if (config.jwtSecret() == null) {
      LOG.warn("clustered node without MICRONET_JWT_SECRET: its token key is generated locally, so tokens signed on "
        + "another node will not verify here; set the same MICRONET_JWT_SECRET on every node");
    }
    if (!Database.isEmbedded(config)) {
      return;
    }
    List<String> stateful = config.verticles().stream().filter(name -> config.definitions().get(name).stateful()).toList();
    if (!stateful.isEmpty()) {
      LOG.warn("clustered node runs stateful services on embedded storage: their data belongs to this node only; "
        + "nodes that run the same service must share PostgreSQL through MICRONET_DB_URL", kv("services", String.join(",", stateful)));
    }
  }
}
