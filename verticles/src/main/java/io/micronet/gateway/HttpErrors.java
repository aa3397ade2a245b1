package io.micronet.gateway;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Writes the contract's error body; the only way the gateway answers with an error. */
final class HttpErrors {

  private HttpErrors() {
  }

  static void write(RoutingContext ctx, ServiceException error) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(error.code().httpStatus())
      .putHeader("Content-Type", UpstreamClient.JSON);
    if (error.code() == ErrorCode.UNAUTHORIZED) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    response.end(error.toJson().toBuffer());
  }

  static void write(RoutingContext ctx, ErrorCode code, String message) {
    write(ctx, new ServiceException(code, message));
  }
}
