package io.micronet.shared.messaging;

import io.micronet.shared.security.Caller;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/** An action request as a service sees it: path params, query, body and the caller, read from the envelope. */
public record ServiceRequest(String action, String requestId, String callerId, String callerRole,
                             String idempotencyKey, JsonObject params, JsonObject query, Object body,
                             String clientAddress, long deadline) {

  /** Time kept back from the caller's budget for the answer to travel back. */
  static final long REPLY_MARGIN_MS = 50;

  /** A request that names no client address and no deadline (built by a test or a caller outside the gateway). */
  public ServiceRequest(String action, String requestId, String callerId, String callerRole, String idempotencyKey,
                        JsonObject params, JsonObject query, Object body) {
    this(action, requestId, callerId, callerRole, idempotencyKey, params, query, body, null, 0);
  }

  /** A request with no deadline (a test, the gRPC face, recovery work). */
  public ServiceRequest(String action, String requestId, String callerId, String callerRole, String idempotencyKey,
                        JsonObject params, JsonObject query, Object body, String clientAddress) {
    this(action, requestId, callerId, callerRole, idempotencyKey, params, query, body, clientAddress, 0);
  }

  public static ServiceRequest from(Message<?> message) {
    JsonObject envelope = message.body() instanceof JsonObject json ? json : new JsonObject();
    return new ServiceRequest(
      message.headers().get(Envelope.ACTION),
      message.headers().get(Envelope.REQUEST_ID),
      message.headers().get(Envelope.CALLER_ID),
      message.headers().get(Envelope.CALLER_ROLE),
      message.headers().get(Envelope.IDEMPOTENCY_KEY),
      orEmpty(envelope.getJsonObject(Envelope.PARAMS)),
      orEmpty(envelope.getJsonObject(Envelope.QUERY)),
      envelope.getValue(Envelope.BODY),
      message.headers().get(Envelope.CLIENT_ADDRESS),
      deadline(message.headers().get(Envelope.TIME_BUDGET)));
  }

  /** The local time (epoch ms) after which the caller no longer waits; 0 when it did not say. */
  private static long deadline(String budget) {
    if (budget == null) {
      return 0;
    }
    try {
      return System.currentTimeMillis() + Math.max(0, Long.parseLong(budget) - REPLY_MARGIN_MS);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The caller has stopped waiting: work started now would answer nobody (and a write would surprise it). */
  public boolean expired() {
    return deadline != 0 && System.currentTimeMillis() >= deadline;
  }

  /** The same request for work that must be done even though the caller stopped waiting (undoing a step). */
  public ServiceRequest withoutDeadline() {
    return new ServiceRequest(action, requestId, callerId, callerRole, idempotencyKey, params, query, body, clientAddress, 0);
  }

  /** What is left of the caller's budget, capped at {@code atMost} (all of it when the caller set none). */
  public long remainingMillis(long atMost) {
    return deadline == 0 ? atMost : Math.max(1, Math.min(atMost, deadline - System.currentTimeMillis()));
  }

  /** The caller's id; 401 when the request carries no caller (the gateway lets no such request through). */
  public String requireCaller() {
    if (callerId == null) {
      throw new ServiceException(ErrorCode.UNAUTHORIZED, "a bearer token is required");
    }
    return callerId;
  }

  public boolean callerIsManager() {
    return callerId != null && Caller.MANAGER.equals(callerRole);
  }

  public String param(String name) {
    return params.getString(name);
  }

  public String queryParam(String name) {
    Object value = query.getValue(name);
    return value == null ? null : String.valueOf(value);
  }

  /** The body as an object, or 400 when the caller sent something else (an array, a number, nothing). */
  public JsonObject bodyObject() {
    if (body instanceof JsonObject json) {
      return json;
    }
    throw ServiceException.badRequest("the request body must be a JSON object");
  }

  private static JsonObject orEmpty(JsonObject json) {
    return json == null ? new JsonObject() : json;
  }
}
