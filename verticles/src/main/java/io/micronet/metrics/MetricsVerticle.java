package io.micronet.metrics;

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
 * Wiring only: every instance keeps the latest samples of the feed ({@link MetricsService}); the one elected for the
 * role {@code metrics} publishes the snapshot every {@link #SNAPSHOT_MS} on {@link Feeds#METRICS}, writes the history
 * every 10 s and runs the retention job. Actions {@code latest} and {@code history} (managers).
 */
public class MetricsVerticle extends ServiceVerticle {

  public static final String SERVICE = "metrics";
  static final long SNAPSHOT_MS = 2_000;
  private static final long FIRST_RETENTION_MS = 30_000;
  private static final Logger LOG = LoggerFactory.getLogger(MetricsVerticle.class);

  private final Clock clock;
  private Leadership leadership;
  private MessageConsumer<Object> samples;
  private PurgeSchedule retention;
  private long snapshotTimer = -1;
  private long historyTimer = -1;

  public MetricsVerticle() {
    this(Clock.systemUTC());
  }

  /** With the clock its history and retention go by (tests move it). */
  public MetricsVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  protected String serviceName() {
    return SERVICE;
  }

  @Override
  protected Future<ActionDispatcher> createActions() {
    JsonObject history = micronetConfig.section("metrics").getJsonObject("history", new JsonObject());
    MetricsRepository repository = new MetricsRepository(pool());
    // a source silent for five samples (and at least 10 s) has gone: its instance stopped or its node left
    MetricsBoard board = new MetricsBoard(Math.max(10_000, 5 * micronetConfig.metricsSampleMillis()));
    MetricsService service = new MetricsService(board, repository, clock,
      Duration.ofHours(history.getLong("rawHours", 24L)), Duration.ofDays(history.getLong("rollupDays", 7L)));
    return repository.migrate(vertx).compose(v -> {
      samples = vertx.eventBus().consumer(Feeds.METRIC_SAMPLES, message -> service.onSample(message.body()));
      leadership = Leadership.stand(vertx, SERVICE, Leadership.DEFAULT_POLL_MS, leading -> { });
      snapshotTimer = vertx.setPeriodic(SNAPSHOT_MS, id -> {
        if (leadership.isLeader()) {
          Feeds.publish(vertx, Feeds.METRICS, service.snapshot());
        }
      });
      historyTimer = vertx.setPeriodic(MetricsService.HISTORY_STEP_MS, id -> service.historyStep(leadership.isLeader())
        .onFailure(e -> LOG.warn("metrics history not written", kv("reason", String.valueOf(e.getMessage())))));
      retention = new PurgeSchedule(vertx, "metrics history (rolled up, dropped)", micronetConfig.purgeIntervalMillis(),
        () -> leadership.isLeader() ? service.retention() : Future.succeededFuture(0L));
      retention.start(Math.min(FIRST_RETENTION_MS, micronetConfig.purgeIntervalMillis()));
      return samples.completion();
    }).map(v -> actions()
      .on("latest", MANAGER, service::latest)
      .on("history", MANAGER, service::history));
  }

  @Override
  protected Future<?> closeResources() {
    vertx.cancelTimer(snapshotTimer);
    vertx.cancelTimer(historyTimer);
    if (retention != null) {
      retention.stop();
    }
    Future<Void> unregistered = samples == null ? Future.succeededFuture() : samples.unregister();
    return unregistered.eventually(() -> leadership == null ? Future.succeededFuture() : leadership.stop());
  }
}
