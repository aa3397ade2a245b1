package io.micronet.gateway;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers every gateway response carries, so that a browser never sniffs a JSON answer into a page, never frames
 * ours, never runs a script that is not the gateway's own file, and tells no other site where its user came from.
 * The policy allows what the pages here need: swagger-ui on /docs (its bundle and stylesheet from /webjars, its
 * inline SVG images as data: URLs) and the status page, whose scripts and styles are files of their own.
 */
final class SecurityHeaders {

  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    + "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

  private SecurityHeaders() {
  }

  static void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    response.putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
      .putHeader("X-Frame-Options", "DENY")
      .putHeader("Referrer-Policy", "no-referrer");
    ctx.next();
  }
}
