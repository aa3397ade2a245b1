package io.micronet.gateway;

import io.micronet.shared.cluster.ClusterWatch;
import io.micronet.shared.discovery.UpstreamDirectory;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.config.TlsFiles;
import io.micronet.shared.discovery.HttpEndpointSpec;
import io.micronet.shared.discovery.MembershipWatch;
import io.micronet.shared.discovery.MergeWatch;
import io.micronet.shared.discovery.NodeIdentity;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.resilience.BreakerPolicy;
import io.micronet.shared.security.TokenVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.servicediscovery.ServiceDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Wiring only: discovery view (with the plain HTTP services this gateway's conf lists), breakers, the router
 * ({@link GatewayRoutes}), the HTTP server and, when configured, the management port ({@link ManagementServer}).
 */
public class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  private MicronetConfig config;
  private ServiceDiscovery discovery;
  private UpstreamDirectory directory;
  private WebClient webClient;
  private HttpServer server;
  private HttpServer managementServer;
  private MembershipWatch membership;
  private MergeWatch merges;
  private TokenVerifier verifier;
  private MonitorView monitorView;
  private ClusterWatch clusterWatch;
  private GatewayFigures figures;
  private long figuresTimer = -1;

  @Override
  public Future<?> start() {
    config = MicronetConfig.of(config());
    ClientAddress clientAddress;
    List<HttpEndpointSpec> httpEndpoints;
    BridgeSettings bridgeSettings;
    try {
      clientAddress = ClientAddress.trusting(config.trustedProxies());
      bridgeSettings = BridgeSettings.from(config.section("gateway").getJsonObject("bridge"));
      httpEndpoints = HttpEndpointSpec.parse(config.section("gateway").getJsonArray("httpEndpoints", new JsonArray()),
        "gateway.httpEndpoints", apiNamesTaken());
    } catch (IllegalArgumentException | ClassCastException e) {
      return Future.failedFuture(e);
    }
    BreakerPolicy breakerPolicy = BreakerPolicy.from(config.section("breaker"));
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    discovery = ServiceDiscovery.create(vertx);
    // the services routed are the route table's and the plain HTTP services listed here, whatever discovery announces
    Set<String> routed = new HashSet<>(ApiRoutes.services());
    httpEndpoints.forEach(endpoint -> routed.add(endpoint.name()));
    directory = new UpstreamDirectory(vertx, discovery, breakerPolicy, registry, "gateway", routed)
      .httpEndpoints(httpEndpoints)
      .maxInstancesPerService(config.maxInstancesPerService());
    // an upstream's redirect is not followed: the gateway goes only to the hosts its conf lists
    webClient = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setFollowRedirects(false));
    // what this gateway sees of every routed call, per upstream instance, on the samples feed for the metrics service
    figures = new GatewayFigures(vertx, registry, NodeIdentity.nodeId(vertx));
    figuresTimer = vertx.setPeriodic(config.metricsSampleMillis(), id -> figures.publish(directory));
    UpstreamClient client = new UpstreamClient(vertx, webClient, breakerPolicy.callTimeoutMs(), figures);
    JsonObject gateway = config.section("gateway");
    JsonObject rateLimit = gateway.getJsonObject("rateLimit");
    ServiceRouter serviceRouter = new ServiceRouter(directory, client, gateway.getBoolean("retryIdempotent", true), figures);
    RateLimiter rateLimiter = new RateLimiter(rateLimit.getLong("requestsPerSecond"), rateLimit.getLong("burst"));
    long refreshMs = config.section("discovery").getLong("refreshSeconds", 5L) * 1000;

    // Hazelcast tells us at once when a member dies; its discovery records follow when the reaper runs
    membership = MembershipWatch.onNodeLeft(vertx, directory::nodeLeft);
    // this node's half of a partition merged back: the other half's instances are members again, look now
    merges = MergeWatch.onMerged(vertx, v -> directory.refresh());
    monitorView = new MonitorView(vertx);
    // which nodes this side of the cluster sees, for /status (the feed hears of changes from the node, not from here)
    clusterWatch = ClusterWatch.start(vertx, discovery, config.nodeName(), refreshMs, changes -> { });
    StatusReport status = new StatusReport(directory, config.definitions(), routed, monitorView, clusterWatch.view());
    return Future.all(directory.start(refreshMs), TokenVerifier.start(vertx, config), vertx.executeBlocking(ApiDocs::load), monitorView.start())
      .compose(ready -> {
        verifier = ready.resultAt(1);
        ApiDocs docs = ready.resultAt(2);
        EdgeSettings edge = new EdgeSettings(clientAddress, rateLimiter, config.bodyLimitBytes(), config.corsOrigins(),
          config.managementPort() != 0);
        Router router = new GatewayRoutes(vertx, directory, serviceRouter, new AccessGuard(verifier), edge, metricsHandler(), docs,
          new ReadinessCheck(vertx, config), status).router();
        // the browser and terminal sockets: the event-bus bridge and the ChatOps WebSocket (their own classes)
        OriginCheck origins = new OriginCheck(config.corsOrigins());
        new EventBusBridge(vertx, verifier, origins, bridgeSettings).mount(router);
        new ChatSocket(serviceRouter, verifier, origins, bridgeSettings).mount(router);
        GatewayRoutes.mountStaticFiles(router);
        server = vertx.createHttpServer(TlsFiles.apply(new HttpServerOptions()
          .setHost(config.httpHost())
          .setPort(config.httpPort())
          // a client that holds a connection and sends nothing does not hold it for ever
          .setIdleTimeout(config.httpIdleTimeoutSeconds())
          .setCompressionSupported(config.section("http").getBoolean("compression", false)), config.httpTls()));
        return server.requestHandler(router).listen();
      })
      .onSuccess(s -> LOG.info("gateway listening", kv("port", s.actualPort()), kv("tls", config.httpTls() != null)))
      .compose(s -> startManagementServer(clientAddress));
  }

  private Future<Void> startManagementServer(ClientAddress clientAddress) {
    if (config.managementPort() == 0) {
      return Future.succeededFuture();
    }
    return ManagementServer.start(vertx, config.managementHost(), config.managementPort(), config.httpIdleTimeoutSeconds(),
        clientAddress, metricsHandler())
      .onSuccess(s -> {
        managementServer = s;
        LOG.info("management port listening", kv("host", config.managementHost()), kv("port", s.actualPort()));
      })
      .mapEmpty();
  }

  /** {@code /api/<name>} segments the gateway serves itself: a plain HTTP service may not take them. */
  private static Set<String> apiNamesTaken() {
    Set<String> names = new HashSet<>();
    ApiRoutes.ALL.forEach(route -> names.add(route.path().split("/")[2]));
    for (GatewayEndpoint endpoint : GatewayEndpoint.values()) {
      if (endpoint.path().startsWith("/api/")) {
        names.add(endpoint.path().split("/")[2]);
      }
    }
    return names;
  }

  @Override
  public Future<?> stop() {
    if (membership != null) {
      membership.cancel();
    }
    if (merges != null) {
      merges.cancel();
    }
    vertx.cancelTimer(figuresTimer);
    Future<Void> management = managementServer == null ? Future.succeededFuture() : managementServer.close();
    // stop accepting, let in-flight requests finish (bounded), then drop the view
    Future<Void> drained = server == null ? Future.succeededFuture()
      : server.shutdown(config.shutdownGraceMillis(), TimeUnit.MILLISECONDS);
    drained = Future.join(drained, management).mapEmpty();
    return drained.eventually(() -> monitorView == null ? Future.succeededFuture() : monitorView.stop())
      .eventually(() -> clusterWatch == null ? Future.succeededFuture() : clusterWatch.stop())
      .eventually(() -> directory == null ? Future.succeededFuture() : directory.stop())
      .eventually(() -> verifier == null ? Future.succeededFuture() : verifier.stop())
      .eventually(() -> {
      if (webClient != null) {
        webClient.close();
      }
      if (discovery != null) {
        discovery.close();
      }
      if (figures != null) {
        figures.close();
      }
      return Future.succeededFuture();
    });
  }

  private static io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> metricsHandler() {
    if (BackendRegistries.getDefaultNow() == null) {
      return ctx -> HttpErrors.write(ctx, new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "metrics are not enabled on this node"));
    }
    return PrometheusScrapingHandler.create();
  }

  /** The port actually bound (tests start gateways on port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
