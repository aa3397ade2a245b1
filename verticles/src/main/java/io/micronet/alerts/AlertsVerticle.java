package io.micronet.alerts;

import io.micronet.alerts.delivery.Delivery;
import io.micronet.shared.cluster.Leadership;
import io.micronet.shared.config.ServiceDefinition;
import io.micronet.shared.events.ActivityEvent;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.service.ServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static io.micronet.shared.security.Access.MANAGER;

/**
 * Wiring only: the alerts service (scope node). Every instance answers the REST actions from the database
 * ({@link AlertsService}, and {@link Delivery}'s channels and dead-letter queue) and keeps {@link Detection} fed from
 * the metrics, samples, health, breaker and signal feeds; the one elected for the role {@code alerts} evaluates
 * ({@link AlertsLeader}) every {@code services.alerts.evaluateMs} and delivers what the engine leaves in the outbox.
 */
public class AlertsVerticle extends ServiceVerticle {

  public static final String SERVICE = "alerts";
  public static final String ROLE = "alerts";

  private final Clock clock;
  private Delivery delivery;
  private Leadership leadership;
  private AlertsLeader leader;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private long tickTimer = -1;

  public AlertsVerticle() {
    this(Clock.systemUTC());
  }

  /** With the clock it goes by. */
  public AlertsVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  protected String serviceName() {
    return SERVICE;
  }

  @Override
  protected Future<ActionDispatcher> createActions() {
    JsonObject settings = micronetConfig.section("services").getJsonObject(SERVICE, new JsonObject());
    AlertEngine.Timing timing = new AlertEngine.Timing(Duration.ofSeconds(settings.getLong("groupWaitSeconds", 10L)),
      Duration.ofSeconds(settings.getLong("groupIntervalSeconds", 60L)), Duration.ofSeconds(settings.getLong("repeatIntervalSeconds", 14_400L)));
    long evaluateMs = Math.max(100, settings.getLong("evaluateMs", 1000L));
    Instant now = clock.instant();
    List<Rule> defaults;
    try {
      defaults = RuleInput.defaults(settings.getJsonArray("defaultRules", new JsonArray()), now);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Map<String, List<String>> dependencies = new HashMap<>();
    for (ServiceDefinition definition : micronetConfig.definitions().all()) {
      dependencies.put(definition.name(), definition.dependencies());
    }
    AlertRepository repository = new AlertRepository(pool());
    Announcer announcer = new FeedAnnouncer();
    AlertsService service = new AlertsService(repository, announcer, clock);
    Detection detection = new Detection();
    AlertEngine engine = new AlertEngine(timing, dependencies, () -> UUID.randomUUID().toString());
    return repository.migrate(vertx)
      .compose(v -> Delivery.start(vertx, pool(), micronetConfig, () -> leader != null && leader.isLeading(), meterRegistry()))
      .compose(started -> {
        delivery = started;
        purgePeriodically("alert deliveries", delivery::purge);
        leader = new AlertsLeader(repository, delivery.outbox(), engine, detection, announcer, clock);
        return repository.insertDefaultsOnce(defaults, now);
      }).compose(v -> {
        listen(Feeds.METRICS, body -> detection.onMetrics(body, clock.millis()));
        listen(Feeds.METRIC_SAMPLES, body -> detection.onSample(body, clock.millis()));
        listen(Feeds.HEALTH, body -> detection.onHealth(body, clock.millis()));
        listen(Feeds.BREAKERS, body -> detection.onBreaker(body, clock.millis()));
        listen(Feeds.SIGNALS, body -> detection.onSignal(body, clock.millis()));
        listen(AlertsService.CHANGED, leader::onChanged);
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
      }).map(v -> {
        leadership = Leadership.stand(vertx, ROLE, micronetConfig.section("node").getLong("leaderPollMs", Leadership.DEFAULT_POLL_MS),
          leading -> {
            leader.leading(leading);
            delivery.leadershipChanged(leading);
          });
        tickTimer = vertx.setPeriodic(evaluateMs, id -> leader.tick());
        return delivery.addActions(actions())
          .on("list", MANAGER, service::list)
          .on("get", MANAGER, service::get)
          .on("ack", MANAGER, service::ack)
          .on("rules.list", MANAGER, service::listRules)
          .on("rules.get", MANAGER, service::getRule)
          .on("rules.create", MANAGER, service::createRule)
          .on("rules.update", MANAGER, service::updateRule)
          .on("rules.delete", MANAGER, service::deleteRule)
          .on("silences.list", MANAGER, service::listSilences)
          .on("silence", MANAGER, service::silence)
          .on("silences.delete", MANAGER, service::deleteSilence);
      });
  }

  private void listen(String address, Consumer<Object> handler) {
    consumers.add(vertx.eventBus().consumer(address, message -> handler.accept(message.body())));
  }

  @Override
  protected Future<?> closeResources() {
    vertx.cancelTimer(tickTimer);
    List<Future<Void>> closing = new ArrayList<>();
    consumers.forEach(c -> closing.add(c.unregister()));
    // delivery first: the sends under way record their outcome while this instance still holds the role
    return Future.join(closing)
      .eventually(() -> delivery == null ? Future.succeededFuture() : delivery.stop())
      .eventually(() -> leadership == null ? Future.succeededFuture() : leadership.stop());
  }

  /** The feeds, for real. */
  private final class FeedAnnouncer implements Announcer {
    @Override
    public void feed(JsonObject event) {
      Feeds.publish(vertx, Feeds.ALERTS, event);
    }

    @Override
    public void activity(String actor, String service, String text) {
      Feeds.activity(vertx, ActivityEvent.of(actor, ActivityEvent.Kind.ALERT, service, null, null, text));
    }

    @Override
    public void changed(JsonObject change) {
      vertx.eventBus().publish(AlertsService.CHANGED, change);
    }
  }
}
