package io.micronet.shared.messaging;

/**
 * What travels with every action call besides its arguments: the request id (logs), the caller's token (the
 * receiving service verifies it), the client's Idempotency-Key, and the HTTP client's address as the gateway saw it.
 */
public record CallContext(String requestId, String token, String idempotencyKey, String clientAddress) {

  public CallContext withToken(String token) {
    return new CallContext(requestId, token, idempotencyKey, clientAddress);
  }
}
