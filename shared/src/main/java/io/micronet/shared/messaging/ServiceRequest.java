package io.micronet.shared.messaging;

import io.micronet.shared.security.Caller;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/** An action request as a service sees it: path params, query, body and the caller, read from the envelope. */
public record ServiceRequest(String action, String requestId, String callerId, String callerRole,
                             String idempotencyKey, JsonObject params, JsonObject query, Object body,
                             String clientAddress) {

  /** A request that names no client address (built by a test or a caller outside the gateway). */
  public ServiceRequest(String action, String requestId, String callerId, String callerRole, String idempotencyKey,
                        JsonObject params, JsonObject query, Object body) {
    this(action, requestId, callerId, callerRole, idempotencyKey, params, query, body, null);
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
      message.headers().get(Envelope.CLIENT_ADDRESS));
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
