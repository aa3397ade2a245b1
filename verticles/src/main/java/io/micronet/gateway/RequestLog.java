package io.micronet.gateway;

import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.regex.Pattern;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Gives every request an id (the caller's {@code X-Request-Id} when it is sane, a new one otherwise),
 * returns it on the response, and writes one JSON log line when the response ends (its {@code client} is the
 * address {@link ClientAddress} decided, so a client behind our proxy is logged as itself).
 */
final class RequestLog {

  static final String HEADER = "X-Request-Id";
  static final String REQUEST_ID = "requestId";
  static final String INSTANCE = "instance";

  private static final Logger LOG = LoggerFactory.getLogger("micronet.access");
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

  private RequestLog() {
  }

  static void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String requestId = given != null && SANE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
    long start = System.nanoTime();
    ctx.put(REQUEST_ID, requestId);
    ctx.response().putHeader(HEADER, requestId);
    ctx.addEndHandler(v -> LOG.info("request",
      kv("method", ctx.request().method().name()),
      kv("path", ctx.request().path()),
      kv("status", ctx.response().getStatusCode()),
      kv("durationMs", (System.nanoTime() - start) / 1_000_000.0),
      kv("instance", ctx.get(INSTANCE)),
      kv("requestId", requestId),
      kv("client", ClientAddress.of(ctx))));
    ctx.next();
  }
}
