package io.micronet.gateway;

import io.micronet.shared.discovery.Upstream;
import io.micronet.shared.discovery.UpstreamDirectory;
import io.micronet.shared.messaging.CallContext;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.security.Caller;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The gateway's router: request id and log, security headers, the client's address, rate limit, body limit, then each {@link ApiRoutes} entry
 * (access check → {@link ServiceRouter}), plain HTTP services under {@code /api/<service>/…}, the
 * gateway's own endpoints ({@link GatewayEndpoint}: health, status, metrics, services, the API documentation),
 * swagger-ui and the static page, and JSON errors for everything that goes wrong.
 */
final class GatewayRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayRoutes.class);
  private static final long MAX_RETRY_AFTER_SECONDS = 86_400;

  private final Vertx vertx;
  private final UpstreamDirectory directory;
  private final ServiceRouter serviceRouter;
  private final AccessGuard guard;
  private final EdgeSettings edge;
  private final Handler<RoutingContext> metricsHandler;
  private final ApiDocs docs;
  private final ReadinessCheck readiness;

  GatewayRoutes(Vertx vertx, UpstreamDirectory directory, ServiceRouter serviceRouter, AccessGuard guard,
                EdgeSettings edge, Handler<RoutingContext> metricsHandler, ApiDocs docs, ReadinessCheck readiness) {
    this.vertx = vertx;
    this.directory = directory;
    this.serviceRouter = serviceRouter;
    this.guard = guard;
    this.edge = edge;
    this.metricsHandler = metricsHandler;
    this.docs = docs;
    this.readiness = readiness;
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
        .exposedHeaders(Set.of(RequestLog.HEADER, "Retry-After", "Allow"))
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

    own(router, GatewayEndpoint.HEALTH).handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    own(router, GatewayEndpoint.READY).handler(readiness::handle);
    own(router, GatewayEndpoint.STATUS).handler(ctx -> json(ctx, 200, StatusReport.build(directory, ApiRoutes.services())));
    own(router, GatewayEndpoint.METRICS).handler(new MetricsAccess(guard, edge.clientAddress(), !edge.metricsOnManagementPort())).handler(metricsHandler);
    own(router, GatewayEndpoint.OPENAPI).handler(ctx -> ctx.response().putHeader("Content-Type", UpstreamClient.JSON).end(docs.openApi()));
    own(router, GatewayEndpoint.DOCS).handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(docs.page()));
    own(router, GatewayEndpoint.SERVICES).handler(ctx -> guard.check(ctx.request().getHeader("Authorization"), GatewayEndpoint.SERVICES.access())
      .map(caller -> StatusReport.instances(directory, query(ctx)))
      .onSuccess(page -> json(ctx, 200, page))
      .onFailure(e -> fail(ctx, e)));

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

    // swagger-ui's files for /docs, from its WebJar on the classpath
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true));
    router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(true));

    router.errorHandler(400, ctx -> errorFromRouter(ctx, ErrorCode.BAD_REQUEST, "malformed request"));
    router.errorHandler(403, ctx -> errorFromRouter(ctx, ErrorCode.FORBIDDEN, "this origin may not call the API"));
    router.errorHandler(404, ctx -> errorFromRouter(ctx, ErrorCode.NOT_FOUND, "no such resource: " + ctx.request().path()));
    router.errorHandler(405, ctx -> errorFromRouter(ctx, ErrorCode.METHOD_NOT_ALLOWED,
      ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(413, ctx -> errorFromRouter(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "the request body is larger than " + edge.bodyLimit() + " bytes"));
    router.errorHandler(500, this::internalError);
    return router;
  }

  private static Route own(Router router, GatewayEndpoint endpoint) {
    return router.route(endpoint.method(), endpoint.path());
  }

  private void forward(RoutingContext ctx, ApiRoute route) {
    Future<Caller> caller = guard.check(ctx.request().getHeader("Authorization"), route.access());
    caller.compose(who -> {
        GatewayRequest request = new GatewayRequest(route.method(), route.service(), route.action(), null,
          pathParams(ctx), query(ctx), jsonBody(ctx), null, null, who, callContext(ctx));
        return serviceRouter.route(request);
      })
      .onSuccess(reply -> write(ctx, reply))
      .onFailure(e -> fail(ctx, e));
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
      .compose(who -> serviceRouter.route(new GatewayRequest(ctx.request().method(), service, null,
        below.isEmpty() ? "/" : below, new JsonObject(), query(ctx), null, raw, ctx.request().getHeader("Content-Type"),
        who, callContext(ctx))))
      .onSuccess(reply -> write(ctx, reply))
      .onFailure(e -> fail(ctx, e));
  }

  /** What travels with the call: the caller's own token goes on, so that the service verifies it itself. */
  private CallContext callContext(RoutingContext ctx) {
    return new CallContext(ctx.get(RequestLog.REQUEST_ID), Envelope.bearerToken(ctx.request().getHeader("Authorization")),
      ctx.request().getHeader("Idempotency-Key"), ClientAddress.of(ctx));
  }

  private void rateLimit(RoutingContext ctx) {
    RateLimiter.Decision decision = edge.rateLimiter().tryAcquire(ClientAddress.of(ctx));
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

  /** The path parameters; 404 for one holding U+0000 (nothing is named so, and PostgreSQL cannot even compare it). */
  private static JsonObject pathParams(RoutingContext ctx) {
    JsonObject params = new JsonObject();
    ctx.pathParams().forEach((name, value) -> {
      if (value.indexOf('\0') >= 0) {
        throw new ServiceException(ErrorCode.NOT_FOUND, "no such resource: " + ctx.request().path());
      }
      params.put(name, value);
    });
    return params;
  }

  /**
   * The query parameters (the first of each name); 400 for a query string that cannot be decoded, and 422
   * naming the parameters whose value holds U+0000 (no service could search for it: PostgreSQL refuses it).
   */
  private static JsonObject query(RoutingContext ctx) {
    MultiMap params;
    try {
      params = ctx.queryParams();
    } catch (HttpException | IllegalArgumentException e) {
      throw new ServiceException(ErrorCode.BAD_REQUEST, "the query string is malformed");
    }
    JsonObject query = new JsonObject();
    JsonObject errors = new JsonObject();
    for (Map.Entry<String, String> entry : params) {
      if (entry.getValue().indexOf('\0') >= 0) {
        errors.put(entry.getKey(), "must not contain U+0000");
      } else if (!query.containsKey(entry.getKey())) {
        query.put(entry.getKey(), entry.getValue());
      }
    }
    if (!errors.isEmpty()) {
      throw ServiceException.invalidQuery(errors);
    }
    return query;
  }

  /**
   * The JSON body, or null when there is none; 415 for another media type, 400 for malformed JSON, 422 for a
   * number outside the strict grammar ({@link JsonBodies}).
   */
  private static Object jsonBody(RoutingContext ctx) {
    Buffer buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      return null;
    }
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && !type.toLowerCase().contains("json")) {
      throw new ServiceException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the request body must be application/json");
    }
    return JsonBodies.decode(buffer);
  }

  private static void write(RoutingContext ctx, UpstreamReply reply) {
    ctx.put(RequestLog.INSTANCE, reply.instanceId());
    if (ctx.response().closed() || ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(reply.status());
    Long retryAfter = reply.status() >= 400 ? retryAfterSeconds(reply) : null;
    if (reply.status() == 429 || retryAfter != null) {
      ctx.response().putHeader("Retry-After", Long.toString(retryAfter == null ? 1 : retryAfter));
    }
    if (reply.status() == 204) {
      ctx.response().end();
    } else {
      ctx.response().putHeader("Content-Type", reply.contentType()).end(reply.body());
    }
  }

  /**
   * The wait a service names in {@code error.details.retryAfterSeconds} (a 429, or a 503 from a full queue), at
   * least 1 s and at most a day (a plain HTTP upstream's word is passed on within reason); null when it names none.
   */
  private static Long retryAfterSeconds(UpstreamReply reply) {
    try {
      JsonObject details = new JsonObject(reply.body()).getJsonObject("error").getJsonObject("details");
      Long seconds = details == null ? null : details.getLong("retryAfterSeconds");
      return seconds == null ? null : Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, seconds));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", UpstreamClient.JSON).end(body.toBuffer());
  }

  private static void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof UpstreamFailure upstream) {
      write(ctx, upstream.reply());
    } else if (failure instanceof ServiceException known) {
      HttpErrors.write(ctx, known);
    } else {
      LOG.error("gateway failure", kv("requestId", ctx.get(RequestLog.REQUEST_ID)), kv("path", ctx.request().path()), failure);
      HttpErrors.write(ctx, ErrorCode.INTERNAL_ERROR, "the gateway failed to handle the request");
    }
  }

  private static void errorFromRouter(RoutingContext ctx, ErrorCode code, String message) {
    if (ctx.failure() instanceof ServiceException known) {
      HttpErrors.write(ctx, known);
    } else {
      HttpErrors.write(ctx, code, message);
    }
  }

  private void internalError(RoutingContext ctx) {
    fail(ctx, ctx.failure() == null ? new IllegalStateException("unknown failure") : ctx.failure());
  }
}
