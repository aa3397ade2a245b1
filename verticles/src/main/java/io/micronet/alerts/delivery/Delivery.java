package io.micronet.alerts.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronet.alerts.NotificationOutbox;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.security.Access;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Reliable notification delivery, wired: the durable outbox the engine enqueues into, the dispatcher that sends
 * while this instance leads, and the REST actions for channels and the dead-letter queue. The alerts verticle
 * starts it from {@code createActions()} with its pool and its leadership, adds {@link #addActions} to its action
 * table, calls {@link #leadershipChanged} from its leadership callback and {@link #stop()} from {@code closeResources()}:
 * <pre>{@code
 * // createActions()
 * return Delivery.start(vertx, pool(), micronetConfig, () -> leadership != null && leadership.isLeader(), meterRegistry())
 *   .compose(d -> { delivery = d; purgePeriodically("alert deliveries", d::purge);
 *     ... engine built with d.outbox() ...;
 *     leadership = Leadership.stand(vertx, SERVICE, pollMs, leading -> { ...; delivery.leadershipChanged(leading); });
 *     return Future.succeededFuture(); })
 *   .map(v -> delivery.addActions(actions().on("list", MANAGER, ...)...));
 * // closeResources(): delivery.stop() before leadership.stop() (the pool is closed after it by ServiceVerticle)
 * }</pre>
 */
public final class Delivery {

  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

  private final DurableOutbox outbox;
  private final Dispatcher dispatcher;
  private final ChannelActions channelActions;
  private final DeadLetters deadLetters;
  private final Sender sender;
  private final DeliveryMetrics metrics;
  private final OutboxRepository rows;
  private final Clock clock;
  private final int retentionDays;

  private Delivery(Vertx vertx, Pool pool, DeliverySettings settings, BooleanSupplier leading, MeterRegistry registry, Clock clock,
                   Sender.Resolver resolver) {
    this.rows = new OutboxRepository(pool);
    this.clock = clock;
    this.retentionDays = settings.retentionDays();
    Channels channels = new Channels(new ChannelRepository(pool), settings);
    this.metrics = new DeliveryMetrics(registry);
    this.sender = resolver == null ? new Sender(vertx, settings, clock) : new Sender(vertx, settings, clock, resolver);
    this.dispatcher = new Dispatcher(vertx, rows, channels, sender, Backoff.of(settings), settings, leading, metrics, clock);
    this.outbox = new DurableOutbox(rows, channels, clock, dispatcher::wake);
    this.channelActions = new ChannelActions(channels, settings, clock);
    this.deadLetters = new DeadLetters(rows, clock, dispatcher::wake);
  }

  /**
   * Migrates the delivery tables and starts the dispatcher. {@code leading}: whether this instance leads now (only the
   * leader sends); {@code registry}: the node's metrics (null: kept in memory only). Fails when the configured
   * default webhook is unusable (not http(s), credentials in it, a forbidden literal target) — without showing it.
   */
  public static Future<Delivery> start(Vertx vertx, Pool pool, MicronetConfig config, BooleanSupplier leading, MeterRegistry registry) {
    return start(vertx, pool, DeliverySettings.from(config), leading, registry, Clock.systemUTC());
  }

  /** As above, with the settings and clock given (tests). */
  public static Future<Delivery> start(Vertx vertx, Pool pool, DeliverySettings settings, BooleanSupplier leading, MeterRegistry registry,
                                       Clock clock) {
    return start(vertx, pool, settings, leading, registry, clock, null);
  }

  /** As above, resolving host names with {@code resolver} (tests: a name that resolves to loopback). */
  static Future<Delivery> start(Vertx vertx, Pool pool, DeliverySettings settings, BooleanSupplier leading, MeterRegistry registry,
                                Clock clock, Sender.Resolver resolver) {
    if (settings.webhookUrl() != null) {
      try {
        TargetUrl.parse(settings.webhookUrl(), settings.allowPrivateTargets());
      } catch (TargetUrl.Invalid e) {
        return Future.failedFuture(new IllegalArgumentException("MICRONET_ALERT_WEBHOOK_URL (services.alerts.webhook.url) " + e.getMessage()));
      }
    }
    return DeliverySchema.migrate(vertx, pool).map(v -> {
      Delivery delivery = new Delivery(vertx, pool, settings, leading, registry, clock, resolver);
      delivery.dispatcher.start();
      LOG.info("alert delivery started", kv("defaultWebhook", settings.webhookUrl() != null),
        kv("allowPrivateTargets", settings.allowPrivateTargets()), kv("maxAttempts", settings.maxAttempts()));
      return delivery;
    });
  }

  /** Where the engine leaves notifications. */
  public NotificationOutbox outbox() {
    return outbox;
  }

  /** The REST actions, name → handler; every one is for managers ({@link Access#MANAGER}). */
  public Map<String, Function<ServiceRequest, Future<ServiceResponse>>> actions() {
    Map<String, Function<ServiceRequest, Future<ServiceResponse>>> actions = new LinkedHashMap<>();
    actions.put("dlq.list", deadLetters::list);
    actions.put("dlq.replay", deadLetters::replay);
    actions.put("channels.list", channelActions::list);
    actions.put("channels.create", channelActions::create);
    actions.put("channels.update", channelActions::update);
    actions.put("channels.delete", channelActions::delete);
    return actions;
  }

  /** Adds {@link #actions()} to {@code table}, each for managers. */
  public ActionDispatcher addActions(ActionDispatcher table) {
    actions().forEach((name, handler) -> table.on(name, Access.MANAGER, handler));
    return table;
  }

  /** Call from the leadership callback: on gaining it, the pending rows are resumed at once (not at the next poll). */
  public void leadershipChanged(boolean leading) {
    if (leading) {
      dispatcher.wake();
    }
  }

  /**
   * Removes delivered rows older than {@code services.alerts.delivery.retentionDays} (30) and their notifications;
   * dead ones stay. For {@code purgePeriodically("alert deliveries", delivery::purge)} (the purge schedule of the
   * verticle: any instance may run it).
   */
  public Future<Long> purge() {
    return rows.purgeDelivered(clock.millis() - java.time.Duration.ofDays(retentionDays).toMillis());
  }

  /** One dispatcher pass now (tests). */
  Future<Integer> pollNow() {
    return dispatcher.poll();
  }

  OutboxRepository rows() {
    return rows;
  }

  DeliveryMetrics metrics() {
    return metrics;
  }

  /** Stops sending; waits for the sends under way to record their outcome (bounded by one call's timeout). */
  public Future<Void> stop() {
    return dispatcher.stop().eventually(() -> {
      sender.close();
      metrics.close();
      return Future.succeededFuture();
    });
  }
}
