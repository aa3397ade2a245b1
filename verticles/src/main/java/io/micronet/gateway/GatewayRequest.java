package io.micronet.gateway;

import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.security.Caller;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * A request on its way to a service: the action (for event-bus services) or the path below the
 * service (for HTTP services), the parsed parts, who is calling and from which address.
 */
public record GatewayRequest(HttpMethod method, String service, String action, String pathBelowService,
                             JsonObject params, JsonObject query, Object jsonBody, Buffer rawBody, String contentType,
                             String requestId, Caller caller, String idempotencyKey, String clientAddress) {

  /** Safe to send twice: a read, or a write the caller made idempotent with a key. */
  public boolean idempotent() {
    return method == HttpMethod.GET || method == HttpMethod.HEAD || idempotencyKey != null;
  }

  JsonObject envelope() {
    return new JsonObject().put(Envelope.PARAMS, params).put(Envelope.QUERY, query).put(Envelope.BODY, jsonBody);
  }

  DeliveryOptions deliveryOptions(long timeoutMs) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs)
      .addHeader(Envelope.ACTION, action)
      .addHeader(Envelope.TIME_BUDGET, Long.toString(timeoutMs))
      .addHeader(Envelope.REQUEST_ID, requestId);
    if (caller != null) {
      options.addHeader(Envelope.CALLER_ID, caller.id()).addHeader(Envelope.CALLER_ROLE, caller.role());
    }
    if (idempotencyKey != null) {
      options.addHeader(Envelope.IDEMPOTENCY_KEY, idempotencyKey);
    }
    if (clientAddress != null) {
      options.addHeader(Envelope.CLIENT_ADDRESS, clientAddress);
    }
    return options;
  }
}
