package io.micronet.tools;

import io.vertx.grpc.common.GrpcStatus;

/** A gRPC call the server answered with a status other than OK: the status and the server's message. */
public final class GrpcCallException extends RuntimeException {

  private final GrpcStatus status;

  public GrpcCallException(GrpcStatus status, String message) {
    super(status.name() + (message == null || message.isEmpty() ? "" : ": " + message), null, false, false);
    this.status = status;
  }

  public GrpcStatus status() {
    return status;
  }
}
