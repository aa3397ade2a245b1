package io.micronet.shared.messaging;

import io.micronet.shared.chaos.FailureSwitch;
import io.micronet.shared.metrics.RequestFigures;
import io.micronet.shared.security.Access;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The event-bus side of a service: its action table (each action with who may run it), checked here for every
 * message against the caller verified from the message's token, whatever the gateway already checked. Picks
 * the handler named by the {@link Envelope#ACTION} header, replies with its result, and turns every failure
 * into a contract error. Unexpected exceptions are logged here with the request id and reach the caller only as
 * a generic INTERNAL_ERROR.
 */
public class ActionDispatcher implements Handler<Message<Object>> {

  private static final Logger LOG = LoggerFactory.getLogger(ActionDispatcher.class);

  private record Action(Access access, BiFunction<ServiceRequest, String, Future<ServiceResponse>> handler) {
  }

  private final String service;
  private final TokenVerifier verifier;
  private final Map<String, Action> actions = new HashMap<>();
  private FailureSwitch failures;
  private RequestFigures figures;
  private int inFlight;

  public ActionDispatcher(String service, TokenVerifier verifier) {
    this.service = service;
    this.verifier = verifier;
  }

  /** Adds an action that callers admitted by {@code access} may run. */
  public ActionDispatcher on(String action, Access access, Function<ServiceRequest, Future<ServiceResponse>> handler) {
    actions.put(action, new Action(access, (request, token) -> handler.apply(request)));
    return this;
  }

  /**
   * Adds an action that acts on the caller's behalf: its handler also gets the caller's verified token, to call other
   * services as that caller (they apply their own rules to it), never to be logged or stored.
   */
  public ActionDispatcher onBehalf(String action, Access access, BiFunction<ServiceRequest, String, Future<ServiceResponse>> handler) {
    actions.put(action, new Action(access, handler));
    return this;
  }

  /** Every action passes {@code failures} first (failure injection: the one seam, see {@link FailureSwitch}). */
  public ActionDispatcher guardedBy(FailureSwitch failures) {
    this.failures = failures;
    return this;
  }

  /** Every action run is measured into {@code figures} (latency and outcome). */
  public ActionDispatcher measuredBy(RequestFigures figures) {
    this.figures = figures;
    return this;
  }

  /** Requests received and not yet answered: a stopping instance waits for this to reach zero. */
  public int inFlight() {
    return inFlight;
  }

  @Override
  public void handle(Message<Object> message) {
    String name = message.headers().get(Envelope.ACTION);
    Action action = name == null ? null : actions.get(name);
    if (action == null) {
      message.fail(ErrorCode.NOT_FOUND.httpStatus(),
        new ServiceException(ErrorCode.NOT_FOUND, service + " has no action '" + name + "'").toJson().encode());
      return;
    }
    inFlight++;
    caller(message).onComplete(verified -> {
      inFlight--;
      if (verified.failed()) {
        failWith(message, verified.cause() instanceof ServiceException known ? known
          : new ServiceException(ErrorCode.UNAUTHORIZED, "the token is invalid or expired"));
      } else if (!action.access().admits(verified.result())) {
        failWith(message, action.access().refusal(verified.result()));
      } else {
        run(message, action, ServiceRequest.from(message, verified.result()));
      }
    });
  }

  /** The caller the message's token names (null when it has none: anonymous); a bad token fails (401). */
  private Future<Caller> caller(Message<Object> message) {
    String token = Envelope.bearerToken(message.headers().get(Envelope.AUTHORIZATION));
    return token == null ? Future.succeededFuture() : verifier.verify(token);
  }

  private void run(Message<Object> message, Action action, ServiceRequest request) {
    if (request.expired()) {
      // queued longer than the caller waits: doing it now could only surprise the caller
      failWith(message, new ServiceException(ErrorCode.UPSTREAM_TIMEOUT,
        "the request waited longer than its caller would; it was not carried out"));
      return;
    }
    inFlight++;
    long started = System.nanoTime();
    Future<Void> gate = failures == null ? null : failures.before();
    String token = Envelope.bearerToken(message.headers().get(Envelope.AUTHORIZATION));
    Future<ServiceResponse> result = gate == null ? invoke(action, request, token) : gate.compose(v -> invoke(action, request, token));
    result.onComplete(ar -> {
      inFlight--;
      if (figures != null) {
        figures.record(System.nanoTime() - started, ar.succeeded() ? ar.result().status()
          : ar.cause() instanceof ServiceException known ? known.code().httpStatus() : 500);
      }
      if (ar.succeeded()) {
        reply(message, ar.result());
      } else {
        fail(message, request, ar.cause());
      }
    });
  }

  private static Future<ServiceResponse> invoke(Action action, ServiceRequest request, String token) {
    try {
      return action.handler().apply(request, token);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static void reply(Message<Object> message, ServiceResponse response) {
    DeliveryOptions options = new DeliveryOptions();
    if (response.status() != 200) {
      options.addHeader(Envelope.STATUS, Integer.toString(response.status()));
    }
    // encoded here, once: a JsonObject crossing the cluster would be re-parsed on the way (decimals as doubles)
    Object body = response.body();
    message.reply(body instanceof JsonObject || body instanceof JsonArray ? Json.encodeToBuffer(body) : body, options);
  }

  private void fail(Message<Object> message, ServiceRequest request, Throwable cause) {
    ServiceException error;
    if (cause instanceof ServiceException known) {
      error = known;
    } else {
      LOG.error("action failed", kv("service", service), kv("action", request.action()),
        kv("requestId", request.requestId()), cause);
      error = new ServiceException(ErrorCode.INTERNAL_ERROR, "the " + service + " service failed to handle the request");
    }
    failWith(message, error);
  }

  private static void failWith(Message<Object> message, ServiceException error) {
    message.fail(error.code().httpStatus(), error.toJson().encode());
  }
}
