package io.micronet.shared.service;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.discovery.InstanceRecords;
import io.micronet.shared.discovery.NodeIdentity;
import io.micronet.shared.discovery.RecordPublisher;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.security.TokenVerifier;
import io.micronet.shared.storage.Database;
import io.micronet.shared.storage.PurgeSchedule;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * What every event-bus service instance does the same way: listen on its own address, publish its
 * discovery record (and keep it fresh), verify every caller's token ({@link TokenVerifier}, with the cluster's
 * revocations), and on stop remove the record first, then let the requests already received finish before the
 * resources close. Subclasses only build their action table ({@link #actions()}: each action with who may run it).
 */
public abstract class ServiceVerticle extends VerticleBase {

  private static final long DRAIN_POLL_MS = 25;
  private static final long FIRST_PURGE_DELAY_MS = 30_000;

  protected MicronetConfig micronetConfig;
  private String instanceId;
  private ServiceDiscovery discovery;
  private RecordPublisher publisher;
  private ActionDispatcher dispatcher;
  private MessageConsumer<Object> consumer;
  private MessageConsumer<Object> readiness;
  private final List<PurgeSchedule> purges = new ArrayList<>();
  private Pool pool;
  private TokenVerifier verifier;

  /** The service name clients and the gateway use: {@code products}, {@code users} … */
  protected abstract String serviceName();

  /** Opens what the service needs (storage, clients) and returns its actions, built from {@link #actions()}. */
  protected abstract Future<ActionDispatcher> createActions();

  /** Closes what {@link #createActions()} opened; called after in-flight requests have drained. */
  protected Future<?> closeResources() {
    return Future.succeededFuture();
  }

  /**
   * Purges old rows with {@code purge} shortly after start (a random delay of 30 to 60 s, so that instances
   * started together do not purge together), then every {@code storage.purgeIntervalSeconds}; stopped with
   * the instance. Call it from {@link #createActions()}.
   */
  protected void purgePeriodically(String what, Supplier<Future<Long>> purge) {
    purges.add(new PurgeSchedule(vertx, what, micronetConfig.purgeIntervalMillis(), purge));
  }

  /** The service's SQL pool (embedded or PostgreSQL, from the config), opened once, closed after the drain. */
  protected Pool pool() {
    if (pool == null) {
      pool = Database.pool(vertx, micronetConfig);
    }
    return pool;
  }

  /** An empty action table whose callers are verified by this instance. */
  protected ActionDispatcher actions() {
    return new ActionDispatcher(serviceName(), verifier);
  }

  /** The node's token key (signing logins, minting this instance's service token) and the revocations. */
  protected TokenVerifier verifier() {
    return verifier;
  }

  @Override
  public Future<?> start() {
    micronetConfig = MicronetConfig.of(config());
    instanceId = serviceName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    String address = InstanceRecords.address(serviceName(), instanceId);
    discovery = ServiceDiscovery.create(vertx);
    long republishMs = micronetConfig.section("discovery").getLong("republishSeconds", 10L) * 1000;
    publisher = new RecordPublisher(vertx, discovery, republishMs);
    return TokenVerifier.start(vertx, micronetConfig)
      .compose(started -> {
        verifier = started;
        return createActions();
      })
      .compose(actions -> {
        dispatcher = actions;
        consumer = vertx.eventBus().consumer(address, actions);
        if (pool != null) {
          // a stateful instance tells this node's gateway whether it reaches its database (GET /health/ready)
          readiness = Readiness.answer(vertx, serviceName(), pool, micronetConfig.readinessTimeoutMs());
        }
        purges.forEach(purge -> purge.start(FIRST_PURGE_DELAY_MS + ThreadLocalRandom.current().nextLong(FIRST_PURGE_DELAY_MS)));
        // the record goes out only once the consumer is known cluster-wide
        return consumer.completion();
      })
      .compose(v -> publisher.publish(InstanceRecords.eventBusInstance(
        serviceName(), instanceId, NodeIdentity.nodeId(vertx), address, version())));
  }

  @Override
  public Future<?> stop() {
    long graceMs = micronetConfig.shutdownGraceMillis();
    purges.forEach(PurgeSchedule::stop);
    // a stopping instance is no longer ready
    Future<Void> unready = readiness == null ? Future.succeededFuture() : readiness.unregister();
    return unready.transform(v -> publisher.unpublish())
      .compose(v -> drain(System.currentTimeMillis() + graceMs))
      .compose(v -> consumer == null ? Future.succeededFuture() : consumer.unregister())
      .compose(v -> closeResources())
      .compose(v -> pool == null ? Future.succeededFuture() : pool.close())
      .eventually(() -> verifier == null ? Future.succeededFuture() : verifier.stop())
      .eventually(() -> {
        discovery.close();
        return Future.succeededFuture();
      });
  }

  /** This instance's discovery client (for calling other services, see {@link ServiceClient}); closed on stop. */
  protected ServiceDiscovery discovery() {
    return discovery;
  }

  public String instanceId() {
    return instanceId;
  }

  private Future<Void> drain(long deadline) {
    Promise<Void> drained = Promise.promise();
    poll(drained, deadline);
    return drained.future();
  }

  private void poll(Promise<Void> drained, long deadline) {
    if (dispatcher == null || dispatcher.inFlight() == 0 || System.currentTimeMillis() >= deadline) {
      drained.complete();
    } else {
      vertx.setTimer(DRAIN_POLL_MS, id -> poll(drained, deadline));
    }
  }

  private String version() {
    String version = getClass().getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
