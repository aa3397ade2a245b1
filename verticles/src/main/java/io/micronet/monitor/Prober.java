package io.micronet.monitor;

import io.micronet.shared.chaos.Failure;
import io.micronet.shared.discovery.Failover;
import io.micronet.shared.discovery.Upstream;
import io.micronet.shared.health.InstanceCheck;
import io.micronet.shared.messaging.CallContext;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.messaging.Replies;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.service.ServiceIdentity;
import io.micronet.shared.service.ServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.UUID;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * One health check of one instance: the {@code health} action with the monitor's service token and the service's
 * short timeout (event-bus services), or a GET of its root (plain HTTP services: any answer below 500 is UP). Never
 * fails: every outcome is an {@link InstanceCheck}. Checks go straight to the instance, not through a breaker: a
 * failed instance is checked again every round, and its recovery seen at once.
 */
final class Prober {

  private static final Logger LOG = LoggerFactory.getLogger(Prober.class);

  private final Vertx vertx;
  private final WebClient web;
  private final ServiceIdentity identity;

  Prober(Vertx vertx, WebClient web, ServiceIdentity identity) {
    this.vertx = vertx;
    this.web = web;
    this.identity = identity;
  }

  Future<InstanceCheck> check(Upstream instance, long timeoutMs) {
    Future<InstanceCheck> check = instance.kind() == Upstream.Kind.HTTP ? http(instance, timeoutMs) : eventBus(instance, timeoutMs);
    return check.otherwise(e -> InstanceCheck.noAnswer("check failed (" + logged(instance, e) + ")"));
  }

  private Future<InstanceCheck> eventBus(Upstream instance, long timeoutMs) {
    CallContext context = new CallContext("health-" + UUID.randomUUID(), identity.token(), null, null);
    return vertx.eventBus().request(instance.address(), Envelope.body(new JsonObject(), new JsonObject(), null),
        Envelope.options(ServiceVerticle.HEALTH_ACTION, context, timeoutMs))
      .map(reply -> read(reply.body()))
      .otherwise(failure -> {
        if (Replies.isAnswer(failure)) {
          ReplyException reply = (ReplyException) failure;
          return InstanceCheck.failing(ServiceException.fromReply(reply.failureCode(), reply.getMessage()).getMessage());
        }
        return Failover.notDelivered(failure) ? InstanceCheck.noAnswer("not answering: nothing listens at its address")
          : InstanceCheck.noAnswer("no answer within " + timeoutMs + " ms");
      });
  }

  /** The {@code health} answer: UP, with its database's status (stateful services) and the failure injected, if any. */
  static InstanceCheck read(Object body) {
    Object decoded = body instanceof Buffer encoded ? Json.decodeValue(encoded) : body;
    if (!(decoded instanceof JsonObject answer) || !"UP".equals(answer.getValue("status"))) {
      return InstanceCheck.failing("unexpected health answer");
    }
    if (answer.getValue("database") instanceof JsonObject database && "DOWN".equals(database.getValue("status"))) {
      return InstanceCheck.databaseDown(database.getValue("reason") instanceof String reason ? reason : null);
    }
    if (answer.getValue("failure") instanceof JsonObject injected) {
      Failure failure = Failure.fromJson(injected);
      if (failure != null) {
        return InstanceCheck.upWithInjectedFailure(failure.describe());
      }
    }
    return InstanceCheck.up();
  }

  private Future<InstanceCheck> http(Upstream instance, long timeoutMs) {
    String path = instance.root().isEmpty() ? "/" : instance.root();
    return web.get(instance.port(), instance.host(), path).timeout(timeoutMs).send()
      .map(response -> response.statusCode() < 500 ? InstanceCheck.up() : InstanceCheck.failing("HTTP " + response.statusCode()))
      .otherwise(e -> String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("timeout")
        ? InstanceCheck.noAnswer("no answer within " + timeoutMs + " ms")
        : InstanceCheck.noAnswer("unreachable: " + (e instanceof ConnectException ? "connection refused"
          : e instanceof UnknownHostException ? "unknown host" : "connection failed") + " (" + logged(instance, e) + ")"));
  }

  /**
   * The reason goes to /status and the feeds, which anyone may read: the driver's own words (naming hosts and ports of
   * the cluster's network) go to this node's log only.
   */
  private static String logged(Upstream instance, Throwable e) {
    LOG.warn("health check failed", kv("service", instance.service()), kv("instance", instance.instanceId()),
      kv("reason", String.valueOf(e.getMessage())));
    return "see the leading monitor's log";
  }
}
