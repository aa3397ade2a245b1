package io.micronet.alerts.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Sends the outbox's due rows, only while this instance leads ({@code leading}): every poll, and at once when woken
 * (a notification queued, a replay, leadership gained). Nothing is kept in memory that the database does not have:
 * a new leader's first poll finds what the old one left pending — rows it never tried, rows waiting for a retry,
 * and rows it was sending when it died (due again once their lease ends). A row is marked delivered right after
 * its 2xx, and only a pending row can be: a delivered row is never sent again.
 */
class Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  /** How far past the call's own timeout a taken row stays taken (the result's write, a slow event loop). */
  static final long LEASE_MARGIN_MS = 5_000;
  private static final long COUNT_EVERY_MS = 5_000;

  private final Vertx vertx;
  private final OutboxRepository outbox;
  private final Channels channels;
  private final Sender sender;
  private final Backoff backoff;
  private final DeliverySettings settings;
  private final BooleanSupplier leading;
  private final DeliveryMetrics metrics;
  private final Clock clock;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean polling = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private volatile boolean stopped;
  private volatile long countedAt;
  private long timer = -1;

  Dispatcher(Vertx vertx, OutboxRepository outbox, Channels channels, Sender sender, Backoff backoff, DeliverySettings settings,
             BooleanSupplier leading, DeliveryMetrics metrics, Clock clock) {
    this.vertx = vertx;
    this.outbox = outbox;
    this.channels = channels;
    this.sender = sender;
    this.backoff = backoff;
    this.settings = settings;
    this.leading = leading;
    this.metrics = metrics;
    this.clock = clock;
  }

  void start() {
    timer = vertx.setPeriodic(settings.pollMs(), id -> tick());
  }

  private void tick() {
    if (clock.millis() - countedAt >= COUNT_EVERY_MS) {
      countedAt = clock.millis();
      outbox.counts().onSuccess(metrics::rows);
    }
    poll();
  }

  /** Polls now (a notification was queued, a replay, leadership gained); a poll under way polls again after. */
  void wake() {
    if (!stopped) {
      vertx.runOnContext(v -> poll());
    }
  }

  /** One pass: takes the due rows (up to the batch, less those in flight) and starts sending them; the rows taken. */
  Future<Integer> poll() {
    if (stopped || !leading.getAsBoolean()) {
      return Future.succeededFuture(0);
    }
    if (!polling.compareAndSet(false, true)) {
      again.set(true);
      return Future.succeededFuture(0);
    }
    int room = settings.batch() - inFlight.size();
    Future<Integer> pass = room <= 0 ? Future.succeededFuture(0) : outbox.due(clock.millis(), room + inFlight.size())
      .compose(rows -> {
        List<Future<Boolean>> taken = new ArrayList<>();
        for (DeliveryRow row : rows) {
          if (!inFlight.contains(row.id()) && taken.size() < room) {
            taken.add(take(row));
          }
        }
        return Future.join(taken).map(v -> (int) taken.stream().filter(f -> f.succeeded() && f.result()).count());
      });
    return pass.onComplete(done -> {
      polling.set(false);
      if (done.failed()) {
        LOG.warn("alert deliveries not read", kv("reason", String.valueOf(done.cause().getMessage())));
      }
      if (again.getAndSet(false)) {
        wake();
      }
    });
  }

  private Future<Boolean> take(DeliveryRow row) {
    long now = clock.millis();
    return outbox.claim(row, now, now + settings.timeoutMs() + LEASE_MARGIN_MS).map(claimed -> {
      if (claimed && inFlight.add(row.id())) {
        deliver(row).onComplete(done -> {
          inFlight.remove(row.id());
          if (done.failed()) {
            // the outcome was not written: the lease ends and the row is tried again
            LOG.warn("alert delivery outcome not stored", kv("delivery", row.id()), kv("reason", String.valueOf(done.cause().getMessage())));
          }
        });
      }
      return claimed;
    });
  }

  private Future<Void> deliver(DeliveryRow row) {
    int attempts = row.attempts() + 1;
    return channels.find(row.channelId())
      .compose(channel -> {
        if (channel == null) {
          return Future.succeededFuture(Outcome.permanent("the channel no longer exists"));
        }
        if (channel.kind() == Channel.Kind.FEED) {
          return Future.succeededFuture(Outcome.delivered());
        }
        if (!channel.enabled()) {
          return Future.succeededFuture(Outcome.permanent("the channel is disabled"));
        }
        return sender.send(channel, new JsonObject(row.body()));
      })
      .compose(outcome -> record(row, attempts, outcome));
  }

  private Future<Void> record(DeliveryRow row, int attempts, Outcome outcome) {
    long now = clock.millis();
    String kind = row.channelKind();
    switch (outcome.kind()) {
      case DELIVERED -> {
        metrics.count(kind, "delivered");
        LOG.info("alert notification delivered", kv("notification", row.notificationId()), kv("channel", row.channelName()),
          kv("attempts", attempts));
        return outbox.delivered(row.id(), now);
      }
      case PERMANENT -> {
        metrics.count(kind, "permanent_failure");
        return giveUp(row, attempts, now, outcome.error(), "permanent");
      }
      default -> {
        metrics.count(kind, "transient_failure");
        if (attempts >= settings.maxAttempts()) {
          return giveUp(row, attempts, now, outcome.error(), "transient");
        }
        long delay = backoff.delay(attempts, outcome.retryAfterMs());
        LOG.info("alert notification not delivered, will retry", kv("notification", row.notificationId()),
          kv("channel", row.channelName()), kv("attempts", attempts), kv("retryInMs", delay), kv("reason", outcome.error()));
        return outbox.retryAt(row.id(), now, now + delay, outcome.error());
      }
    }
  }

  private Future<Void> giveUp(DeliveryRow row, int attempts, long now, String error, String failureKind) {
    metrics.count(row.channelKind(), "dead");
    LOG.warn("alert notification moved to the dead-letter queue", kv("notification", row.notificationId()),
      kv("channel", row.channelName()), kv("delivery", row.id()), kv("attempts", attempts), kv("failure", failureKind),
      kv("reason", error));
    return outbox.dead(row.id(), now, error, failureKind);
  }

  /** Rows being sent right now (tests). */
  int inFlight() {
    return inFlight.size();
  }

  /** Stops polling and waits (at most one call's timeout) for the sends under way to record their outcome. */
  Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    Promise<Void> drained = Promise.promise();
    long deadline = System.currentTimeMillis() + settings.timeoutMs() + 1_000;
    awaitDrain(drained, deadline);
    return drained.future();
  }

  private void awaitDrain(Promise<Void> drained, long deadline) {
    if (inFlight.isEmpty() || System.currentTimeMillis() >= deadline) {
      drained.complete();
    } else {
      vertx.setTimer(25, id -> awaitDrain(drained, deadline));
    }
  }
}
