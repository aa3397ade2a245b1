package io.micronet.node;

import io.micronet.shared.config.DbUrl;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.discovery.HttpEndpointSpec;
import io.micronet.shared.discovery.MembershipWatch;
import io.micronet.shared.discovery.NodeIdentity;
import io.micronet.shared.discovery.RecordPublisher;
import io.micronet.shared.discovery.RecordReaper;
import io.micronet.shared.storage.Database;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The node agent: deploys the verticles this node is configured to run, announces the plain HTTP
 * services its conf names, reaps the discovery records of nodes that left the cluster, and on shutdown drains in order — the gateway first (it finishes the
 * requests it holds), then the services (they unpublish, then finish theirs).
 */
public class NodeVerticle extends VerticleBase {

  /** Local address the launcher's shutdown hook asks to drain the node before Vert.x closes. */
  public static final String DRAIN_ADDRESS = "micronet.node.drain";

  private static final Logger LOG = LoggerFactory.getLogger(NodeVerticle.class);

  private final Map<String, String> deployments = new LinkedHashMap<>();
  private final List<RecordPublisher> endpointPublishers = new ArrayList<>();
  private MicronetConfig config;
  private ServiceDiscovery discovery;
  private RecordReaper reaper;
  private MembershipWatch membership;
  private long reapTimer = -1;
  private MessageConsumer<Object> drainConsumer;

  @Override
  public Future<?> start() {
    config = MicronetConfig.load(config());
    List<String> unknown = config.verticles().stream().filter(name -> !VerticleCatalog.VERTICLES.containsKey(name)).toList();
    if (!unknown.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("unknown verticle(s) " + unknown
        + " in node.verticles / MICRONET_VERTICLES; this node offers " + VerticleCatalog.VERTICLES.keySet()));
    }
    warnAboutClusterSettings();
    List<Record> endpoints;
    try {
      // plain HTTP services this node announces (the gateway fronts those its own conf lists too)
      endpoints = HttpEndpointSpec.parse(config.section("discovery").getJsonArray("httpEndpoints", new JsonArray()),
        "discovery.httpEndpoints", VerticleCatalog.VERTICLES.keySet()).stream()
        .map(spec -> spec.record(NodeIdentity.nodeId(vertx))).toList();
    } catch (IllegalArgumentException | ClassCastException e) {
      return Future.failedFuture(e);
    }
    drainConsumer = vertx.eventBus().localConsumer(DRAIN_ADDRESS, message -> drain().onComplete(ar -> message.reply(null)));
    discovery = ServiceDiscovery.create(vertx);
    startReaper();
    Future<Void> chain = publishEndpoints(endpoints);
    for (String name : VerticleCatalog.VERTICLES.keySet()) {
      if (config.verticles().contains(name)) {
        chain = chain.compose(v -> deploy(name));
      }
    }
    String storage = config.dbUrl() == null ? "embedded:" + config.dataDir() : DbUrl.parse(config.dbUrl()).toString();
    return chain.onSuccess(v -> LOG.info("node started", kv("nodeId", NodeIdentity.nodeId(vertx)),
      kv("clustered", vertx.isClustered()), kv("verticles", String.join(",", deployments.keySet())), kv("storage", storage)));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(reapTimer);
    if (membership != null) {
      membership.cancel();
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

  private Future<Void> deploy(String name) {
    DeploymentOptions options = new DeploymentOptions().setConfig(config.json()).setInstances(config.instancesOf(name));
    return vertx.deployVerticle(VerticleCatalog.VERTICLES.get(name), options)
      .onSuccess(id -> deployments.put(name, id))
      .mapEmpty();
  }

  /** Gateway first, then the services, each undeployed once; safe to call twice. */
  Future<Void> drain() {
    List<String> order = new ArrayList<>();
    if (deployments.containsKey("gateway")) {
      order.add("gateway");
    }
    deployments.keySet().stream().filter(name -> !"gateway".equals(name)).forEach(order::add);
    Future<Void> chain = Future.succeededFuture();
    for (String name : order) {
      chain = chain.compose(v -> {
        String id = deployments.remove(name);
        return id == null ? Future.<Void>succeededFuture() : vertx.undeploy(id).recover(e -> Future.succeededFuture());
      });
    }
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
    List<String> stateful = config.verticles().stream().filter(VerticleCatalog::isStateful).toList();
    if (!stateful.isEmpty()) {
      LOG.warn("clustered node runs stateful services on embedded storage: their data belongs to this node only; "
        + "nodes that run the same service must share PostgreSQL through MICRONET_DB_URL", kv("services", String.join(",", stateful)));
    }
  }
}
