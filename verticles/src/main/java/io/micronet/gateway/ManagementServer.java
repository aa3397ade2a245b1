package io.micronet.gateway;

import io.micronet.shared.messaging.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The management port ({@code management.port}, bound to {@code management.host}, loopback by default): /metrics
 * and /health for a scraper and a probe, and nothing else. Whoever reaches this port may read the metrics, so it
 * is meant for a private interface; the public port serves /metrics only as {@link MetricsAccess} allows.
 */
final class ManagementServer {

  private ManagementServer() {
  }

  static Future<HttpServer> start(Vertx vertx, String host, int port, int idleTimeoutSeconds, ClientAddress clientAddress,
                                  Handler<RoutingContext> metrics) {
    Router router = Router.router(vertx);
    router.route().handler(RequestLog::handle).handler(SecurityHeaders::handle).handler(clientAddress::handle);
    router.route(HttpMethod.GET, GatewayEndpoint.METRICS.path()).handler(metrics);
    router.route(HttpMethod.GET, GatewayEndpoint.HEALTH.path()).handler(ctx -> ctx.response()
      .putHeader("Content-Type", UpstreamClient.JSON).end(new JsonObject().put("status", "UP").toBuffer()));
    router.route().handler(ctx -> HttpErrors.write(ctx, ErrorCode.NOT_FOUND,
      "the management port serves /metrics and /health only"));
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setIdleTimeout(idleTimeoutSeconds))
      .requestHandler(router).listen();
  }
}
