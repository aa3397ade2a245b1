package io.micronet.shared.messaging;

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
import java.util.function.Function;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The event-bus side of a service: picks the handler named by the {@link Envelope#ACTION} header,
 * replies with its result, and turns every failure into a contract error. Unexpected exceptions are
 * logged here with the request id and reach the caller only as a generic INTERNAL_ERROR.
 */
public class ActionDispatcher implements Handler<Message<Object>> {

  private static final Logger LOG = LoggerFactory.getLogger(ActionDispatcher.class);

  private final String service;
  private final Map<String, Function<ServiceRequest, Future<ServiceResponse>>> actions = new HashMap<>();
  private int inFlight;

  public ActionDispatcher(String service) {
    this.service = service;
  }

  public ActionDispatcher on(String action, Function<ServiceRequest, Future<ServiceResponse>> handler) {
    actions.put(action, handler);
    return this;
  }

  /** Requests received and not yet answered: a stopping instance waits for this to reach zero. */
  public int inFlight() {
    return inFlight;
  }

  @Override
  public void handle(Message<Object> message) {
    ServiceRequest request = ServiceRequest.from(message);
    Function<ServiceRequest, Future<ServiceResponse>> handler = actions.get(request.action());
    if (handler == null) {
      message.fail(ErrorCode.NOT_FOUND.httpStatus(),
        new ServiceException(ErrorCode.NOT_FOUND, service + " has no action '" + request.action() + "'").toJson().encode());
      return;
    }
    if (request.expired()) {
      // queued longer than the caller waits: doing it now could only surprise the caller
      message.fail(ErrorCode.UPSTREAM_TIMEOUT.httpStatus(), new ServiceException(ErrorCode.UPSTREAM_TIMEOUT,
        "the request waited longer than its caller would; it was not carried out").toJson().encode());
      return;
    }
    inFlight++;
    Future<ServiceResponse> result;
    try {
      result = handler.apply(request);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      inFlight--;
      if (ar.succeeded()) {
        reply(message, ar.result());
      } else {
        fail(message, request, ar.cause());
      }
    });
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
    message.fail(error.code().httpStatus(), error.toJson().encode());
  }
}
