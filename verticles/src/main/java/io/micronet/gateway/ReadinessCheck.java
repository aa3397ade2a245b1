package io.micronet.gateway;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.config.ServiceDefinition;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.service.Readiness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code GET /health/ready}: 200 when every stateful service instance running on this node reaches its database, else
 * 503 (the contract's error) naming each one that does not. A service the node may run but the reconciler placed
 * elsewhere is reported, not held against the node. Only this node is asked: a load balancer in front of this
 * gateway wants to know whether <em>this</em> node can serve.
 */
final class ReadinessCheck {

  private final Vertx vertx;
  private final List<String> services;
  private final long timeoutMs;

  ReadinessCheck(Vertx vertx, MicronetConfig config) {
    this.vertx = vertx;
    // the stateful services of the definitions that this node lists, in the definitions' order
    this.services = config.definitions().all().stream().filter(d -> d.stateful() && config.verticles().contains(d.name()))
      .map(ServiceDefinition::name).toList();
    this.timeoutMs = config.readinessTimeoutMs();
  }

  void handle(RoutingContext ctx) {
    Readiness.check(vertx, services, timeoutMs).onSuccess(checks -> {
      JsonObject body = new JsonObject();
      checks.forEach(body::put);
      String down = checks.entrySet().stream().filter(check -> check.getValue().startsWith("DOWN"))
        .map(ReadinessCheck::describe).collect(Collectors.joining("; "));
      if (down.isEmpty()) {
        ctx.response().putHeader("Content-Type", UpstreamClient.JSON)
          .end(new JsonObject().put("status", Readiness.UP).put("checks", body).toBuffer());
      } else {
        HttpErrors.write(ctx, new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "not ready: " + down,
          new JsonObject().put("checks", body)));
      }
    });
  }

  /** {@code products DOWN (the database is unreachable: …)} */
  private static String describe(Map.Entry<String, String> check) {
    String reason = check.getValue().startsWith("DOWN: ") ? check.getValue().substring("DOWN: ".length()) : check.getValue();
    return check.getKey() + " DOWN (" + reason + ")";
  }
}
