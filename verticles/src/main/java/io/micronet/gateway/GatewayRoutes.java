package io.micronet.gateway;

import io.micronet.shared.discovery.Upstream;
import io.micronet.shared.discovery.UpstreamDirectory;
import io.micronet.shared.security.Access;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.security.Caller;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's router, mounting only: request id and log, security headers, the client's address, CORS, rate
 * limit, body limit, then each {@link ApiRoutes} entry (access check → {@link ServiceRouter}), plain HTTP services
 * under {@code /api/<service>/…}, the gateway's own endpoints ({@link GatewayEndpoint}), and JSON errors for everything
 * that goes wrong; the sockets (bridge, ChatOps) and then {@link #mountStaticFiles} come after. Reading a request is {@link RequestParts}' job, writing
 * the answer {@link ReplyWriter}'s.
 */
final class GatewayRoutes {

  private final Vertx vertx;
  private final UpstreamDirectory directory;
  private final ServiceRouter serviceRouter;
  private final AccessGuard guard;
  private final EdgeSettings edge;
  private final Handler<RoutingContext> metricsHandler;
  private final ApiDocs docs;
  private final ReadinessCheck readiness;
  private final StatusReport status;

  GatewayRoutes(Vertx vertx, UpstreamDirectory directory, ServiceRouter serviceRouter, AccessGuard guard,
                EdgeSettings edge, Handler<RoutingContext> metricsHandler, ApiDocs docs, ReadinessCheck readiness, StatusReport status) {
    this.vertx = vertx;
    this.directory = directory;
    this.serviceRouter = serviceRouter;
    this.guard = guard;
    this.edge = edge;
    this.metricsHandler = metricsHandler;
    this.docs = docs;
    this.readiness = readiness;
    this.status = status;
  }

  Router router() {
    Router router = Router.router(vertx);
    router.route().handler(RequestLog::handle).handler(SecurityHeaders::handle).handler(edge.clientAddress()::handle);
    if (!edge.corsOrigins().isEmpty()) {
      // a shop front end served from another origin may call the API; preflights are answered here. Pages the
      // gateway serves itself (/docs) send their own origin, which is no cross-origin call at all
      CorsHandler cors = CorsHandler.create().addOrigins(edge.corsOrigins())
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE))
        .allowedHeaders(Set.of("Authorization", "Content-Type", "Idempotency-Key", RequestLog.HEADER))
        .exposedHeaders(Set.of(RequestLog.HEADER, "Retry-After", "Allow", ReplyWriter.INSTANCE_HEADER))
        .maxAgeSeconds(600);
      router.route("/api/*").handler(ctx -> {
        if (sameOrigin(ctx)) {
          ctx.next();
        } else {
          cors.handle(ctx);
        }
      });
    }
    router.route().handler(this::rateLimit);
    // bodies are read (and limited) on the routes that take one, as part of that route, so that the metrics
    // label of a request is its route alone; reads stay on the short path
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(edge.bodyLimit());

    own(router, GatewayEndpoint.HEALTH).handler(ctx -> ReplyWriter.json(ctx, 200, new JsonObject().put("status", "UP")));
    own(router, GatewayEndpoint.READY).handler(readiness::handle);
    // anyone may read /status; the cluster's node names and addresses only a manager (any other token: as anonymous)
    own(router, GatewayEndpoint.STATUS).handler(ctx -> guard.check(ctx.request().getHeader("Authorization"), Access.MANAGER)
      .map(manager -> true).otherwise(false)
      .onSuccess(forManager -> ReplyWriter.json(ctx, 200, status.build(forManager))));
    own(router, GatewayEndpoint.METRICS).handler(new MetricsAccess(guard, edge.clientAddress(), !edge.metricsOnManagementPort())).handler(metricsHandler);
    own(router, GatewayEndpoint.OPENAPI).handler(ctx -> ctx.response().putHeader("Content-Type", UpstreamClient.JSON).end(docs.openApi()));
    own(router, GatewayEndpoint.DOCS).handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(docs.page()));
    own(router, GatewayEndpoint.SERVICES).handler(ctx -> guard.check(ctx.request().getHeader("Authorization"), GatewayEndpoint.SERVICES.access())
      .map(caller -> status.instances(RequestParts.query(ctx)))
      .onSuccess(page -> ReplyWriter.json(ctx, 200, page))
      .onFailure(e -> ReplyWriter.fail(ctx, e)));

    for (ApiRoute route : ApiRoutes.ALL) {
      Route mounted = router.route(route.method(), route.path());
      if (route.method() != HttpMethod.GET) {
        mounted.handler(bodies);
      }
      mounted.handler(ctx -> forward(ctx, route));
    }
    // a known path with a method it does not have is a 405 naming the ones it has (the catch-alls below would 404)
    Map<String, List<String>> methodsByPath = new LinkedHashMap<>();
    ApiRoutes.ALL.forEach(route -> methodsByPath.computeIfAbsent(route.path(), p -> new ArrayList<>()).add(route.method().name()));
    methodsByPath.forEach((path, methods) -> router.route(path).handler(ctx -> {
      ctx.response().putHeader("Allow", String.join(", ", methods));
      HttpErrors.write(ctx, ErrorCode.METHOD_NOT_ALLOWED, ctx.request().method() + " is not allowed on " + ctx.request().path());
    }));
    router.route("/api/:service/*").handler(bodies).handler(this::forwardToHttpService);
    router.route("/api/:service").handler(bodies).handler(this::forwardToHttpService);


    router.errorHandler(400, ctx -> errorFromRouter(ctx, ErrorCode.BAD_REQUEST, "malformed request"));
    router.errorHandler(403, ctx -> errorFromRouter(ctx, ErrorCode.FORBIDDEN, "this origin may not call the API"));
    router.errorHandler(404, ctx -> errorFromRouter(ctx, ErrorCode.NOT_FOUND, "no such resource: " + ctx.request().path()));
    router.errorHandler(405, ctx -> errorFromRouter(ctx, ErrorCode.METHOD_NOT_ALLOWED,
      ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(413, ctx -> errorFromRouter(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "the request body is larger than " + edge.bodyLimit() + " bytes"));
    router.errorHandler(500, this::internalError);
    return router;
  }

  /**
   * The static files, mounted last (after the sockets' routes, so a bridge poll does not look for a file first):
   * swagger-ui's files for /docs from its WebJar, and the dashboard from webroot/.
   */
  static void mountStaticFiles(Router router) {
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true));
    router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(true));
  }

  private static Route own(Router router, GatewayEndpoint endpoint) {
    return router.route(endpoint.method(), endpoint.path());
  }

  private void forward(RoutingContext ctx, ApiRoute route) {
    Future<Caller> caller = guard.check(ctx.request().getHeader("Authorization"), route.access());
    caller.compose(who -> {
        ReplyWriter.nameInstanceTo(ctx, who);
        GatewayRequest request = new GatewayRequest(route.method(), route.service(), route.action(), null,
          RequestParts.pathParams(ctx), RequestParts.query(ctx), RequestParts.jsonBody(ctx), null, null, who, RequestParts.callContext(ctx));
        return serviceRouter.route(request);
      })
      .onSuccess(reply -> ReplyWriter.write(ctx, reply))
      .onFailure(e -> ReplyWriter.fail(ctx, e));
  }

  /** Services registered as plain HTTP endpoints are proxied below {@code /api/<service>}. */
  private void forwardToHttpService(RoutingContext ctx) {
    String service = ctx.pathParam("service");
    Upstream http = directory.instances(service).stream().filter(u -> u.kind() == Upstream.Kind.HTTP).findFirst().orElse(null);
    if (http == null) {
      ctx.next();
      return;
    }
    // the normalized path: "/api/x/../../etc" must not climb out of the service's root upstream
    String path = ctx.normalizedPath();
    String prefix = "/api/" + service;
    String below = path.substring(Math.min(prefix.length(), path.length()));
    Buffer raw = ctx.body().buffer();
    guard.check(ctx.request().getHeader("Authorization"), http.access())
      .compose(who -> ReplyWriter.nameInstanceTo(ctx, who)).compose(who -> serviceRouter.route(new GatewayRequest(ctx.request().method(), service, null,
        below.isEmpty() ? "/" : below, new JsonObject(), RequestParts.query(ctx), null, raw, ctx.request().getHeader("Content-Type"),
        who, RequestParts.callContext(ctx))))
      .onSuccess(reply -> ReplyWriter.write(ctx, reply))
      .onFailure(e -> ReplyWriter.fail(ctx, e));
  }

  private void rateLimit(RoutingContext ctx) {
    RateLimiter.Decision decision = edge.rateLimiter().tryAcquire(ClientAddress.limitKey(ctx));
    if (decision.allowed()) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
    HttpErrors.write(ctx, new ServiceException(ErrorCode.RATE_LIMITED,
      "too many requests; retry in " + decision.retryAfterSeconds() + " s"));
  }

  /** A request whose Origin (if any) is the gateway's own: scheme and the Host it was addressed to. */
  private static boolean sameOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    String host = ctx.request().getHeader("Host");
    return origin == null || host != null && origin.equalsIgnoreCase(ctx.request().scheme() + "://" + host);
  }

  private static void errorFromRouter(RoutingContext ctx, ErrorCode code, String message) {
    if (ctx.failure() instanceof ServiceException known) {
      HttpErrors.write(ctx, known);
    } else {
      HttpErrors.write(ctx, code, message);
    }
  }

  private void internalError(RoutingContext ctx) {
    ReplyWriter.fail(ctx, ctx.failure() == null ? new IllegalStateException("unknown failure") : ctx.failure());
  }
}
