package io.micronet.shared.messaging;

import io.micronet.shared.security.Caller;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * An action request as a service sees it: path params, query, body, and the caller the service verified from
 * the request's token (null: anonymous). Identity never comes from a header a sender writes.
 */
public record ServiceRequest(String action, String requestId, Caller caller, String idempotencyKey, JsonObject params,
                             JsonObject query, Object body, String clientAddress, long deadline) {

  /** Time kept back from the caller's budget for the answer to travel back. */
  static final long REPLY_MARGIN_MS = 50;

  /** A request built in-process (a test, the gRPC face after verifying its token): no client address, no deadline. */
  public ServiceRequest(String action, String requestId, String callerId, String callerRole, String idempotencyKey,
                        JsonObject params, JsonObject query, Object body) {
    this(action, requestId, callerId, callerRole, idempotencyKey, params, query, body, null);
  }

  /** As above, with the client's address. */
  public ServiceRequest(String action, String requestId, String callerId, String callerRole, String idempotencyKey,
                        JsonObject params, JsonObject query, Object body, String clientAddress) {
    this(action, requestId, callerId == null ? null : new Caller(callerId, null, callerRole), idempotencyKey, params, query,
      body, clientAddress, 0);
  }

  /** The request a message carries, on behalf of the caller verified from its token. */
  public static ServiceRequest from(Message<?> message, Caller verified) {
    JsonObject envelope = message.body() instanceof JsonObject json ? json : new JsonObject();
    return new ServiceRequest(
      message.headers().get(Envelope.ACTION),
      message.headers().get(Envelope.REQUEST_ID),
      verified,
      message.headers().get(Envelope.IDEMPOTENCY_KEY),
      orEmpty(envelope.getJsonObject(Envelope.PARAMS)),
      orEmpty(envelope.getJsonObject(Envelope.QUERY)),
      envelope.getValue(Envelope.BODY),
      message.headers().get(Envelope.CLIENT_ADDRESS),
      deadline(message.headers().get(Envelope.TIME_BUDGET)));
  }

  public String callerId() {
    return caller == null ? null : caller.id();
  }

  public String callerRole() {
    return caller == null ? null : caller.role();
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
    return new ServiceRequest(action, requestId, caller, idempotencyKey, params, query, body, clientAddress, 0);
  }

  /** What is left of the caller's budget, capped at {@code atMost} (all of it when the caller set none). */
  public long remainingMillis(long atMost) {
    return deadline == 0 ? atMost : Math.max(1, Math.min(atMost, deadline - System.currentTimeMillis()));
  }

  /** The caller's id; 401 when the request carries no caller (the gateway lets no such request through). */
  public String requireCaller() {
    if (caller == null) {
      throw new ServiceException(ErrorCode.UNAUTHORIZED, "a bearer token is required");
    }
    return caller.id();
  }

  public boolean callerIsManager() {
    return caller != null && caller.isManager();
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
