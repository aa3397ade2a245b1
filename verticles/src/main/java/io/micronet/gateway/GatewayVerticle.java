package io.micronet.gateway;

import io.micronet.shared.discovery.UpstreamDirectory;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.config.TlsFiles;
import io.micronet.shared.discovery.MembershipWatch;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.resilience.BreakerPolicy;
import io.micronet.shared.security.TokenVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.servicediscovery.ServiceDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

import static net.logstash.logback.argument.StructuredArguments.kv;

/** Wiring only: discovery view, breakers, the router ({@link GatewayRoutes}) and the HTTP server. */
public class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  private MicronetConfig config;
  private ServiceDiscovery discovery;
  private UpstreamDirectory directory;
  private WebClient webClient;
  private HttpServer server;
  private MembershipWatch membership;
  private TokenVerifier verifier;

  @Override
  public Future<?> start() {
    config = MicronetConfig.of(config());
    BreakerPolicy breakerPolicy = BreakerPolicy.from(config.section("breaker"));
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    discovery = ServiceDiscovery.create(vertx);
    directory = new UpstreamDirectory(vertx, discovery, breakerPolicy, registry, "gateway");
    webClient = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true));
    UpstreamClient client = new UpstreamClient(vertx, webClient, breakerPolicy.callTimeoutMs());
    JsonObject gateway = config.section("gateway");
    JsonObject rateLimit = gateway.getJsonObject("rateLimit");
    ServiceRouter serviceRouter = new ServiceRouter(directory, client, gateway.getBoolean("retryIdempotent", true));
    RateLimiter rateLimiter = new RateLimiter(rateLimit.getLong("requestsPerSecond"), rateLimit.getLong("burst"));
    long refreshMs = config.section("discovery").getLong("refreshSeconds", 5L) * 1000;

    // Hazelcast tells us at once when a member dies; its discovery records follow when the reaper runs
    membership = MembershipWatch.onNodeLeft(vertx, directory::nodeLeft);
    return Future.all(directory.start(refreshMs), TokenVerifier.start(vertx, config), vertx.executeBlocking(ApiDocs::load))
      .compose(ready -> {
        verifier = ready.resultAt(1);
        ApiDocs docs = ready.resultAt(2);
        Router router = new GatewayRoutes(vertx, directory, serviceRouter, new AccessGuard(verifier), rateLimiter,
          rateLimit.getBoolean("trustForwardedFor", false), config.bodyLimitBytes(), metricsHandler(), docs, config.corsOrigins(),
          new ReadinessCheck(vertx, config)).router();
        server = vertx.createHttpServer(TlsFiles.apply(new HttpServerOptions()
          .setHost(config.httpHost())
          .setPort(config.httpPort())
          .setCompressionSupported(config.section("http").getBoolean("compression", false)), config.httpTls()));
        return server.requestHandler(router).listen();
      })
      .onSuccess(s -> LOG.info("gateway listening", kv("port", s.actualPort()), kv("tls", config.httpTls() != null)));
  }

  @Override
  public Future<?> stop() {
    membership.cancel();
    // stop accepting, let in-flight requests finish (bounded), then drop the view
    Future<Void> drained = server == null ? Future.succeededFuture()
      : server.shutdown(config.shutdownGraceMillis(), TimeUnit.MILLISECONDS);
    return drained.eventually(() -> directory.stop())
      .eventually(() -> verifier == null ? Future.succeededFuture() : verifier.stop())
      .eventually(() -> {
      webClient.close();
      discovery.close();
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
