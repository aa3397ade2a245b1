package io.micronet.activity;

import io.micronet.shared.cluster.Leadership;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.service.ServiceVerticle;
import io.micronet.shared.storage.PurgeSchedule;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

import static io.micronet.shared.security.Access.MANAGER;
import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Wiring only: the instance elected for the role {@code activity} stores the activity feed ({@link ActivityStore}),
 * flushing its queue every {@link #FLUSH_MS} (or at once when a batch is full) and pruning old events; every instance
 * answers {@code list} (managers) from the database. A standby that takes over also writes the events it heard in
 * the last half minute, so what was published while no instance led (a hand-over, a partition) is not lost.
 */
public class ActivityVerticle extends ServiceVerticle {

  public static final String SERVICE = "activity";
  static final long FLUSH_MS = 500;
  private static final long FIRST_PRUNE_MS = 30_000;
  private static final Logger LOG = LoggerFactory.getLogger(ActivityVerticle.class);

  private final Clock clock;
  private Leadership leadership;
  private MessageConsumer<Object> feed;
  private PurgeSchedule pruning;
  private ActivityStore store;
  private long flushTimer = -1;

  public ActivityVerticle() {
    this(Clock.systemUTC());
  }

  /** With the clock its retention goes by (tests move it). */
  public ActivityVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  protected String serviceName() {
    return SERVICE;
  }

  @Override
  protected Future<ActionDispatcher> createActions() {
    JsonObject settings = micronetConfig.section("activity");
    ActivityRepository repository = new ActivityRepository(pool());
    return repository.migrate(vertx).compose(v -> {
      store = new ActivityStore(repository, clock, () -> leadership != null && leadership.isLeader(),
        settings.getInteger("maxEvents", 100_000), Duration.ofDays(settings.getLong("retentionDays", 30L)));
      leadership = Leadership.stand(vertx, SERVICE, Leadership.DEFAULT_POLL_MS, leading -> {
        if (leading && store.tookOver() > 0) {
          flush();
        }
      });
      feed = vertx.eventBus().consumer(Feeds.ACTIVITY, message -> {
        if (store.onEvent(message.body()) && store.queued() >= ActivityStore.BATCH) {
          flush();
        }
      });
      flushTimer = vertx.setPeriodic(FLUSH_MS, id -> flush());
      pruning = new PurgeSchedule(vertx, "activity events", micronetConfig.purgeIntervalMillis(),
        () -> leadership.isLeader() ? store.prune() : Future.succeededFuture(0L));
      pruning.start(Math.min(FIRST_PRUNE_MS, micronetConfig.purgeIntervalMillis()));
      return feed.completion();
    }).map(v -> actions().on("list", MANAGER, store::list));
  }

  private Future<Integer> flush() {
    return store.flush().onFailure(e -> LOG.warn("activity events not stored", kv("reason", String.valueOf(e.getMessage()))));
  }

  @Override
  protected Future<?> closeResources() {
    vertx.cancelTimer(flushTimer);
    if (pruning != null) {
      pruning.stop();
    }
    Future<Void> unregistered = feed == null ? Future.succeededFuture() : feed.unregister();
    // what is queued is written before the pool closes
    return unregistered.compose(v -> store == null ? Future.succeededFuture() : store.flush())
      .eventually(() -> leadership == null ? Future.succeededFuture() : leadership.stop());
  }
}
