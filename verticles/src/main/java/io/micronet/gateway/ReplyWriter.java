package io.micronet.gateway;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.security.Caller;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Writes what a service answered (status, body, Retry-After) or what went wrong (the contract's error via
 * {@link HttpErrors}); nothing unexpected reaches a client but a generic error, logged here with the request id.
 */
final class ReplyWriter {

  private static final Logger LOG = LoggerFactory.getLogger(ReplyWriter.class);
  private static final long MAX_RETRY_AFTER_SECONDS = 86_400;
  static final String INSTANCE_HEADER = "X-MicroNet-Instance";
  private static final String NAME_INSTANCE = "micronet.nameInstance";

  private ReplyWriter() {
  }

  /**
   * A manager's answers name the instance that served them ({@link #INSTANCE_HEADER}): the one-click test and an
   * operator's curl see where a call went; other callers learn nothing of the topology.
   */
  static Future<Caller> nameInstanceTo(RoutingContext ctx, Caller caller) {
    if (caller != null && caller.isManager()) {
      ctx.put(NAME_INSTANCE, true);
    }
    return Future.succeededFuture(caller);
  }

  static void write(RoutingContext ctx, UpstreamReply reply) {
    ctx.put(RequestLog.INSTANCE, reply.instanceId());
    if (ctx.response().closed() || ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(reply.status());
    if (reply.instanceId() != null && Boolean.TRUE.equals(ctx.get(NAME_INSTANCE))) {
      ctx.response().putHeader(INSTANCE_HEADER, reply.instanceId());
    }
    Long retryAfter = reply.status() >= 400 ? retryAfterSeconds(reply) : null;
    if (reply.status() == 429 || retryAfter != null) {
      ctx.response().putHeader("Retry-After", Long.toString(retryAfter == null ? 1 : retryAfter));
    }
    if (reply.status() == 204) {
      ctx.response().end();
    } else {
      ctx.response().putHeader("Content-Type", reply.contentType()).end(reply.body());
    }
  }

  /**
   * The wait a service names in {@code error.details.retryAfterSeconds} (a 429, or a 503 from a full queue), at
   * least 1 s and at most a day (a plain HTTP upstream's word is passed on within reason); null when it names none.
   */
  private static Long retryAfterSeconds(UpstreamReply reply) {
    try {
      JsonObject details = new JsonObject(reply.body()).getJsonObject("error").getJsonObject("details");
      Long seconds = details == null ? null : details.getLong("retryAfterSeconds");
      return seconds == null ? null : Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, seconds));
    } catch (RuntimeException e) {
      return null;
    }
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", UpstreamClient.JSON).end(body.toBuffer());
  }

  static void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof UpstreamFailure upstream) {
      write(ctx, upstream.reply());
    } else if (failure instanceof ServiceException known) {
      HttpErrors.write(ctx, known);
    } else {
      LOG.error("gateway failure", kv("requestId", ctx.get(RequestLog.REQUEST_ID)), kv("path", ctx.request().path()), failure);
      HttpErrors.write(ctx, ErrorCode.INTERNAL_ERROR, "the gateway failed to handle the request");
    }
  }
}
