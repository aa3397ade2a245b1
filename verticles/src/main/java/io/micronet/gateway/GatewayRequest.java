package io.micronet.gateway;

import io.micronet.shared.messaging.CallContext;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.security.Caller;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * A request on its way to a service: the action (for event-bus services) or the path below the service (for
 * HTTP services), the parsed parts, the caller the gateway verified, and what travels with the call
 * ({@link CallContext}: request id, the caller's own token, Idempotency-Key, client address).
 */
public record GatewayRequest(HttpMethod method, String service, String action, String pathBelowService,
                             JsonObject params, JsonObject query, Object jsonBody, Buffer rawBody, String contentType,
                             Caller caller, CallContext context) {

  /** Safe to send twice: a read, or a write the caller made idempotent with a key. */
  public boolean idempotent() {
    return method == HttpMethod.GET || method == HttpMethod.HEAD || context.idempotencyKey() != null;
  }

  public String requestId() {
    return context.requestId();
  }

  public String idempotencyKey() {
    return context.idempotencyKey();
  }

  JsonObject envelope() {
    return Envelope.body(params, query, jsonBody);
  }

  DeliveryOptions deliveryOptions(long timeoutMs) {
    return Envelope.options(action, context, timeoutMs);
  }
}
