package io.micronet.demo;

import io.micronet.shared.config.ServiceDefinition;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.security.Access;
import io.micronet.shared.service.ServiceClient;
import io.micronet.shared.service.ServiceIdentity;
import io.micronet.shared.service.ServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A service of the demo topology (type {@code simulated}): its name is the definition it was deployed as
 * ({@link ServiceDefinition#DEPLOYED_AS}), its dependencies and behaviour that definition's ({@link SimulatedWork}).
 * It calls its dependencies over the event bus through a {@link ServiceClient} (discovery and a breaker per
 * instance, like every service), and answers the action {@value #WORK}.
 */
public class SimulatedServiceVerticle extends ServiceVerticle {

  public static final String TYPE = "simulated";
  public static final String WORK = "work";

  private ServiceClient client;

  @Override
  protected String serviceName() {
    String name = config().getString(ServiceDefinition.DEPLOYED_AS);
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a simulated service needs the definition it runs as in its deployment config ("
        + ServiceDefinition.DEPLOYED_AS + ")");
    }
    return name;
  }

  @Override
  protected Future<ActionDispatcher> createActions() {
    ServiceDefinition definition = micronetConfig.definitions().get(serviceName());
    SimulatedWork.Settings settings;
    try {
      settings = SimulatedWork.Settings.from(definition.settings() == null ? new JsonObject() : definition.settings(), serviceName());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Future<Void> started = Future.succeededFuture();
    if (!definition.dependencies().isEmpty()) {
      client = new ServiceClient(vertx, discovery(), micronetConfig, meterRegistry(), instanceId(),
        new HashSet<>(definition.dependencies()), new ServiceIdentity(verifier().tokens(), instanceId()));
      started = client.start();
    }
    SimulatedWork work = new SimulatedWork(serviceName(), definition.dependencies(), settings,
      (dependency, origin) -> client.request(dependency, WORK, new JsonObject(), origin, true),
      this::after, () -> ThreadLocalRandom.current().nextDouble());
    return started.map(v -> actions().on(WORK, Access.OPERATOR, work::work));
  }

  @Override
  protected Future<?> closeResources() {
    return client == null ? Future.succeededFuture() : client.stop();
  }

  private Future<Void> after(long millis) {
    if (millis <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> later = Promise.promise();
    vertx.setTimer(millis, id -> later.complete());
    return later.future();
  }
}
