package io.micronet.gateway;

import io.micronet.shared.discovery.Failover;
import io.micronet.shared.discovery.Upstream;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.messaging.Replies;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.Json;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.Locale;
import java.util.Map;

/**
 * Sends one request to one instance through that instance's breaker. Client errors (4xx) are answers,
 * not failures: only server errors, timeouts and unreachable instances count against the breaker.
 */
public class UpstreamClient {

  static final String JSON = "application/json";

  private final Vertx vertx;
  private final WebClient webClient;
  private final long timeoutMs;
  private final GatewayFigures figures;

  public UpstreamClient(Vertx vertx, WebClient webClient, long timeoutMs) {
    this(vertx, webClient, timeoutMs, null);
  }

  /** {@code figures}: where each attempt is recorded (null: nowhere). */
  UpstreamClient(Vertx vertx, WebClient webClient, long timeoutMs, GatewayFigures figures) {
    this.vertx = vertx;
    this.webClient = webClient;
    this.timeoutMs = timeoutMs;
    this.figures = figures;
  }

  public Future<UpstreamReply> call(Upstream upstream, GatewayRequest request) {
    long started = System.nanoTime();
    Future<UpstreamReply> reply = upstream.breaker()
      .<UpstreamReply>execute(promise -> upstream.track(send(upstream, request)).onComplete(promise))
      .map(answer -> answer.from(upstream.instanceId()));
    if (figures == null) {
      return reply;
    }
    return reply.onComplete((answer, failure) -> figures.attempt(upstream, System.nanoTime() - started,
      failure == null ? answer.status() : statusOf(failure, upstream.service())));
  }

  /** The HTTP status a failed attempt ends with for the client (503 unreachable or circuit open, 504 timeout, a 5xx answer's own). */
  static int statusOf(Throwable failure, String service) {
    if (failure instanceof UpstreamFailure answered) {
      return answered.reply().status();
    }
    Throwable contract = Failover.toContractError(failure, service);
    return contract instanceof ServiceException known ? known.code().httpStatus() : ErrorCode.SERVICE_UNAVAILABLE.httpStatus();
  }

  private Future<UpstreamReply> send(Upstream upstream, GatewayRequest request) {
    return upstream.kind() == Upstream.Kind.EVENT_BUS ? overEventBus(upstream, request) : overHttp(upstream, request);
  }

  private Future<UpstreamReply> overEventBus(Upstream upstream, GatewayRequest request) {
    return vertx.eventBus().request(upstream.address(), request.envelope(), request.deliveryOptions(timeoutMs))
      .transform(ar -> ar.succeeded() ? Future.succeededFuture(answer(ar.result())) : failureOrAnswer(ar.cause()));
  }

  private static UpstreamReply answer(Message<Object> message) {
    String status = message.headers().get(Envelope.STATUS);
    Object body = message.body();
    Buffer buffer = body == null ? Buffer.buffer()
      : body instanceof Buffer encoded ? encoded
      : body instanceof JsonObject json ? json.toBuffer()
      : body instanceof JsonArray array ? array.toBuffer()
      : Json.encodeToBuffer(body);
    return new UpstreamReply(status(status), buffer, JSON, null);
  }

  /** The status a service's reply names (200 when none); a replier that names no HTTP status answered nothing sane. */
  private static int status(String header) {
    if (header == null) {
      return 200;
    }
    try {
      int status = Integer.parseInt(header);
      return status >= 200 && status < 600 ? status : ErrorCode.BAD_GATEWAY.httpStatus();
    } catch (NumberFormatException e) {
      return ErrorCode.BAD_GATEWAY.httpStatus();
    }
  }

  private static Future<UpstreamReply> failureOrAnswer(Throwable cause) {
    if (Replies.isAnswer(cause)) {
      ReplyException reply = (ReplyException) cause;
      UpstreamReply answer = inContractShape(new UpstreamReply(reply.failureCode(),
        Buffer.buffer(String.valueOf(reply.getMessage())), JSON, null));
      // a service's 503/504 reports trouble with what it depends on: an answer, its circuit stays closed
      return Replies.instanceFailed(answer.status()) ? Future.failedFuture(new UpstreamFailure(answer)) : Future.succeededFuture(answer);
    }
    return Future.failedFuture(cause);
  }

  /** A plain HTTP service's answer: client errors are answers; any server error fails the call (for the breaker). */
  private static Future<UpstreamReply> classify(UpstreamReply reply) {
    UpstreamReply answer = inContractShape(reply);
    return answer.status() >= 500 ? Future.failedFuture(new UpstreamFailure(answer)) : Future.succeededFuture(answer);
  }

  /**
   * An error whose body is not the contract's error JSON (an HTML page, a stack trace, an odd status from a
   * plain HTTP service) is replaced by one: callers only ever see the contract's error model.
   */
  static UpstreamReply inContractShape(UpstreamReply reply) {
    if (reply.status() < 400 || isContractError(reply.body())) {
      return reply;
    }
    ErrorCode code = ErrorCode.forStatus(reply.status());
    if (reply.status() >= 500 && code != ErrorCode.SERVICE_UNAVAILABLE && code != ErrorCode.UPSTREAM_TIMEOUT) {
      code = ErrorCode.BAD_GATEWAY;
    }
    Buffer body = new ServiceException(code, "the upstream service failed with status " + reply.status()).toJson().toBuffer();
    return new UpstreamReply(code.httpStatus(), body, JSON, reply.instanceId());
  }

  private static boolean isContractError(Buffer body) {
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      return error != null && error.getValue("code") instanceof String && error.getValue("message") instanceof String;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Future<UpstreamReply> overHttp(Upstream upstream, GatewayRequest request) {
    HttpRequest<Buffer> http = webClient.request(request.method(), upstream.port(), upstream.host(),
        upstream.root() + request.pathBelowService())
      .timeout(timeoutMs)
      .putHeader(Envelope.REQUEST_ID, request.requestId());
    for (Map.Entry<String, Object> param : request.query()) {
      http.addQueryParam(param.getKey(), String.valueOf(param.getValue()));
    }
    if (request.caller() != null) {
      // for a plain HTTP service behind the gateway (it trusts the gateway, which verified the token; conf lists it)
      http.putHeader("x-caller-id", request.caller().id()).putHeader("x-caller-role", request.caller().role());
    }
    if (request.idempotencyKey() != null) {
      http.putHeader("Idempotency-Key", request.idempotencyKey());
    }
    Future<HttpResponse<Buffer>> sent;
    if (request.rawBody() != null && request.rawBody().length() > 0) {
      if (request.contentType() != null) {
        http.putHeader("Content-Type", request.contentType());
      }
      sent = http.sendBuffer(request.rawBody());
    } else {
      sent = http.send();
    }
    return sent.compose(response -> classify(onlyJson(new UpstreamReply(response.statusCode(),
      response.body() == null ? Buffer.buffer() : response.body(), response.headers().get("Content-Type"), null))));
  }

  /**
   * What a plain HTTP service answers reaches the client only as JSON: a body of another type (an HTML page, a
   * script, something with no type at all) would be served from the gateway's own origin. Such an answer becomes
   * a 502 contract error; an error status keeps its status and gets the contract's body ({@link #inContractShape}).
   */
  static UpstreamReply onlyJson(UpstreamReply reply) {
    if (reply.status() >= 300 && reply.status() < 400) {
      // redirects are not followed (the gateway goes only where its conf says) and not passed on either
      Buffer body = new ServiceException(ErrorCode.BAD_GATEWAY, "the upstream service answered with a redirect").toJson().toBuffer();
      return new UpstreamReply(ErrorCode.BAD_GATEWAY.httpStatus(), body, JSON, reply.instanceId());
    }
    if (reply.body().length() == 0 || isJson(reply.contentType())) {
      return new UpstreamReply(reply.status(), reply.body(), isJson(reply.contentType()) ? reply.contentType() : JSON,
        reply.instanceId());
    }
    if (reply.status() >= 400) {
      // not JSON, so not the contract's error shape either: inContractShape replaces the body, keeping the status
      return new UpstreamReply(reply.status(), reply.body(), JSON, reply.instanceId());
    }
    Buffer body = new ServiceException(ErrorCode.BAD_GATEWAY, "the upstream service answered with "
      + (reply.contentType() == null ? "no content type" : "a body that is not JSON")).toJson().toBuffer();
    return new UpstreamReply(ErrorCode.BAD_GATEWAY.httpStatus(), body, JSON, reply.instanceId());
  }

  /** {@code application/json} or a {@code +json} type, parameters (charset) aside. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return type.equals(JSON) || type.startsWith("application/") && type.endsWith("+json");
  }
}
