package io.micronet.shared.service;

import io.micronet.shared.chaos.Failure;
import io.micronet.shared.chaos.FailureControl;
import io.micronet.shared.chaos.FailureSwitch;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.discovery.InstanceRecords;
import io.micronet.shared.discovery.NodeIdentity;
import io.micronet.shared.discovery.RecordPublisher;
import io.micronet.shared.events.ActivityEvent;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.metrics.RequestFigures;
import io.micronet.shared.security.Access;
import io.micronet.shared.security.TokenVerifier;
import io.micronet.shared.storage.Database;
import io.micronet.shared.storage.PurgeSchedule;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.servicediscovery.Record;
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

  /** The action every instance answers for the health monitor (managers and services only). */
  public static final String HEALTH_ACTION = "health";

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
  private FailureSwitch failures;
  private RequestFigures figures;
  private MessageConsumer<Object> failureControl;
  private long sampleTimer = -1;
  private long failureEndTimer = -1;
  private boolean crashed;
  private String address;
  private String nodeId;

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

  /** An action table whose callers are verified by this instance, with the {@code health} action every instance has. */
  protected ActionDispatcher actions() {
    return new ActionDispatcher(serviceName(), verifier).on(HEALTH_ACTION, Access.OPERATOR, request -> health());
  }

  /** The registry of this node's metrics ({@code /metrics}), or null where metrics are off (some tests). */
  protected MeterRegistry meterRegistry() {
    return BackendRegistries.getDefaultNow();
  }

  /** The node's token key (signing logins, minting this instance's service token) and the revocations. */
  protected TokenVerifier verifier() {
    return verifier;
  }

  @Override
  public Future<?> start() {
    micronetConfig = MicronetConfig.of(config());
    instanceId = serviceName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    address = InstanceRecords.address(serviceName(), instanceId);
    nodeId = NodeIdentity.nodeId(vertx);
    discovery = ServiceDiscovery.create(vertx);
    long republishMs = micronetConfig.section("discovery").getLong("republishSeconds", 10L) * 1000;
    publisher = new RecordPublisher(vertx, discovery, republishMs);
    failures = new FailureSwitch(vertx);
    figures = new RequestFigures(meterRegistry(), "service", serviceName(), instanceId, nodeId);
    return TokenVerifier.start(vertx, micronetConfig)
      .compose(started -> {
        verifier = started;
        return createActions();
      })
      .compose(actions -> {
        dispatcher = actions.guardedBy(failures).measuredBy(figures);
        consumer = vertx.eventBus().consumer(address, actions);
        if (pool != null) {
          // a stateful instance tells this node's gateway whether it reaches its database (GET /health/ready)
          readiness = Readiness.answer(vertx, serviceName(), pool, micronetConfig.readinessTimeoutMs());
        }
        purges.forEach(purge -> purge.start(FIRST_PURGE_DELAY_MS + ThreadLocalRandom.current().nextLong(FIRST_PURGE_DELAY_MS)));
        if (micronetConfig.chaosEnabled()) {
          failureControl = vertx.eventBus().consumer(FailureControl.address(serviceName()), new ActionDispatcher(serviceName(), verifier)
            .on(FailureControl.INJECT, Access.OPERATOR, this::inject)
            .on(FailureControl.RECOVER, Access.OPERATOR, this::recover));
        }
        long sampleMs = micronetConfig.metricsSampleMillis();
        sampleTimer = vertx.setPeriodic(sampleMs, id -> Feeds.publish(vertx, Feeds.METRIC_SAMPLES, figures.sample()));
        // the record goes out only once the consumer is known cluster-wide
        return consumer.completion();
      })
      .compose(v -> {
        Record record = InstanceRecords.eventBusInstance(serviceName(), instanceId, nodeId, address, version());
        record.getMetadata().mergeIn(recordMetadata());
        return publisher.publish(record);
      })
      .onSuccess(v -> Feeds.activity(vertx, ActivityEvent.of("system", ActivityEvent.Kind.LIFECYCLE, serviceName(), instanceId, nodeId,
        instanceId + " started")));
  }

  @Override
  public Future<?> stop() {
    long graceMs = micronetConfig.shutdownGraceMillis();
    purges.forEach(PurgeSchedule::stop);
    vertx.cancelTimer(sampleTimer);
    vertx.cancelTimer(failureEndTimer);
    // a stopping instance is no longer ready
    Future<Void> unready = readiness == null ? Future.succeededFuture() : readiness.unregister();
    Future<Void> control = failureControl == null ? Future.succeededFuture() : failureControl.unregister();
    return Future.join(unready, control).transform(v -> publisher.unpublish())
      .compose(v -> drain(System.currentTimeMillis() + graceMs))
      .compose(v -> consumer == null || crashed ? Future.succeededFuture() : consumer.unregister())
      .compose(v -> closeResources())
      .compose(v -> pool == null ? Future.succeededFuture() : pool.close())
      .eventually(() -> verifier == null ? Future.succeededFuture() : verifier.stop())
      .eventually(() -> {
        if (figures != null) {
          figures.close();
        }
        discovery.close();
        if (instanceId != null && address != null) {
          Feeds.activity(vertx, ActivityEvent.of("system", ActivityEvent.Kind.LIFECYCLE, serviceName(), instanceId, nodeId,
            instanceId + " stopped"));
        }
        return Future.succeededFuture();
      });
  }

  /** {@code health}: this instance answers (and, when it keeps data, whether its database does). */
  private Future<ServiceResponse> health() {
    JsonObject answer = new JsonObject().put("status", Readiness.UP).put("service", serviceName()).put("instanceId", instanceId)
      .put("node", nodeId);
    Failure failure = failures.active();
    if (failure != null) {
      answer.put("failure", failure.toJson());
    }
    if (pool == null) {
      return Future.succeededFuture(ServiceResponse.ok(answer));
    }
    return Readiness.probe(serviceName(), pool, micronetConfig.readinessTimeoutMs())
      .map(up -> answer.put("database", new JsonObject().put("status", up)))
      .recover(e -> Future.succeededFuture(answer.put("database", new JsonObject().put("status", "DOWN").put("reason", e.getMessage()))))
      .map(ServiceResponse::ok);
  }

  /** {@code inject}: a failure for this service's instances (published to all of them; each keeps what targets it). */
  private Future<ServiceResponse> inject(ServiceRequest request) {
    Failure failure = Failure.fromJson(request.bodyObject());
    if (failure == null) {
      return Future.failedFuture(new ServiceException(ErrorCode.VALIDATION_FAILED, "not a failure"));
    }
    if (!failure.targets(instanceId)) {
      return Future.succeededFuture(ServiceResponse.ok(new JsonObject().put("applied", false)));
    }
    endFailure(false, null);
    failures.set(failure);
    if (failure.mode() == Failure.Mode.CRASH && !crashed) {
      // as if the JVM hung: the record stays, nothing answers
      crashed = true;
      consumer.unregister();
    }
    failureEndTimer = vertx.setTimer(Math.max(1, failure.untilMillis() - System.currentTimeMillis()), id -> endFailure(true, "system"));
    Feeds.activity(vertx, ActivityEvent.of(failure.actor(), ActivityEvent.Kind.FAILURE, serviceName(), instanceId, nodeId,
      "failure injected on " + instanceId + ": " + failure.describe()));
    return Future.succeededFuture(ServiceResponse.ok(new JsonObject().put("applied", true)));
  }

  /** {@code recover}: ends this instance's failure now. */
  private Future<ServiceResponse> recover(ServiceRequest request) {
    boolean had = failures.active() != null || crashed;
    Object actor = request.bodyObject().getValue("actor");
    endFailure(had, actor instanceof String name && !name.isBlank() ? name : "system");
    return Future.succeededFuture(ServiceResponse.ok(new JsonObject().put("recovered", had)));
  }

  private void endFailure(boolean announce, String actor) {
    vertx.cancelTimer(failureEndTimer);
    failures.clear();
    if (crashed) {
      crashed = false;
      consumer = vertx.eventBus().consumer(address, dispatcher);
    }
    if (announce) {
      Feeds.activity(vertx, ActivityEvent.of(actor, ActivityEvent.Kind.FAILURE, serviceName(), instanceId, nodeId,
        "failure on " + instanceId + " ended" + ("system".equals(actor) ? "" : " (recovered by " + actor + ")")
          + "; it answers normally again"));
    }
  }

  /** What this instance's discovery record carries besides the standard fields (a node agent: its node and instances). */
  protected JsonObject recordMetadata() {
    return new JsonObject();
  }

  /** Writes the record again with {@link #recordMetadata()} as it is now (call after what it describes changed). */
  protected Future<Void> republishRecord() {
    return publisher == null ? Future.succeededFuture() : publisher.updateMetadata(recordMetadata());
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
