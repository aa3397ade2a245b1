package io.micronet.gateway;

import io.micronet.shared.messaging.ErrorCode;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Which web pages may open the gateway's sockets (the event-bus bridge, the ChatOps WebSocket): a page of the
 * gateway's own origin or of one the conf lists ({@code http.corsOrigins}). A request without an Origin header
 * comes from no browser page (a terminal tool, a test) and is let through: the token decides for it. Browsers
 * always send Origin on WebSocket and cross-origin XHR requests, so another site's page cannot ride a user's
 * session here.
 */
final class OriginCheck {

  private static final Logger LOG = LoggerFactory.getLogger(OriginCheck.class);

  private final List<String> allowed;

  OriginCheck(List<String> configured) {
    this.allowed = configured.stream().map(OriginCheck::normalize).toList();
  }

  /** Whether a request with this Origin (null: none), addressed as {@code scheme://host}, may go on. */
  boolean admits(String origin, String scheme, String host) {
    if (origin == null) {
      return true;
    }
    String given = normalize(origin);
    return host != null && given.equals(normalize(scheme + "://" + host)) || allowed.contains(given);
  }

  /** The route handler: 403 with the contract's error for a page of a foreign origin. */
  void handle(RoutingContext ctx) {
    if (admits(ctx.request().getHeader("Origin"), ctx.request().scheme(), ctx.request().getHeader("Host"))) {
      ctx.next();
      return;
    }
    LOG.debug("socket refused: foreign origin", kv("client", ClientAddress.of(ctx)), kv("origin", ctx.request().getHeader("Origin")));
    HttpErrors.write(ctx, ErrorCode.FORBIDDEN, "this origin may not open the gateway's sockets");
  }

  private static String normalize(String origin) {
    String lower = origin.strip().toLowerCase(Locale.ROOT);
    return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
  }
}
