package io.micronet.activity;

import io.micronet.shared.events.ActivityEvent;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The activity service's logic, without a network. While this instance leads ({@code leading}), events from the feed
 * are queued (a standby keeps the last ones for a take-over: {@link #tookOver}) ({@link #onEvent}: nothing that publishes ever waits) and written in batches ({@link #flush}, one at a
 * time); the queue is bounded ({@link #MAX_QUEUED}: past it the oldest queued event is dropped and counted). A batch
 * the database refuses is written event by event, so one bad event cannot take its neighbours along. Also the
 * {@code list} action and the pruning ({@link #prune}: older than the retention, beyond the newest {@code maxEvents}).
 */
final class ActivityStore {

  static final int BATCH = 200;
  static final int MAX_QUEUED = 10_000;
  /** What a standby heard this recently is written when it takes over (the leader it replaces may not have). */
  static final long HANDOVER_MS = 30_000;
  static final int MAX_HEARD = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(ActivityStore.class);

  private final ActivityRepository repository;
  private final Clock clock;
  private final BooleanSupplier leading;
  private final int maxEvents;
  private final Duration retention;
  private final ArrayDeque<ActivityEvent> queue = new ArrayDeque<>();
  private final ArrayDeque<Heard> heard = new ArrayDeque<>();
  private boolean flushing;
  private long dropped;

  ActivityStore(ActivityRepository repository, Clock clock, BooleanSupplier leading, int maxEvents, Duration retention) {
    this.repository = repository;
    this.clock = clock;
    this.leading = leading;
    this.maxEvents = maxEvents;
    this.retention = retention;
  }

  /**
   * A message of the activity feed: a well-formed event is queued when this instance leads; a standby keeps it for
   * {@link #HANDOVER_MS} in case it takes over (see {@link #tookOver}). Junk is ignored. True when queued.
   */
  boolean onEvent(Object body) {
    ActivityEvent event = body instanceof JsonObject json ? ActivityEvent.fromJson(json) : null;
    if (event == null) {
      return false;
    }
    if (!leading.getAsBoolean()) {
      remember(clean(event));
      return false;
    }
    enqueue(clean(event));
    return true;
  }

  /**
   * This instance leads now. Events published while the old leader was gone or before any was elected reached no
   * writer, but every standby heard them: what it heard in the last {@link #HANDOVER_MS} is queued too (an event the
   * old leader did store is skipped by its id). The events queued.
   */
  int tookOver() {
    long since = clock.millis() - HANDOVER_MS;
    int taken = 0;
    for (Heard one : heard) {
      if (one.atMs() >= since) {
        enqueue(one.event());
        taken++;
      }
    }
    heard.clear();
    return taken;
  }

  private void remember(ActivityEvent event) {
    long now = clock.millis();
    while (!heard.isEmpty() && (heard.size() >= MAX_HEARD || heard.peekFirst().atMs() < now - HANDOVER_MS)) {
      heard.pollFirst();
    }
    heard.addLast(new Heard(event, now));
  }

  private void enqueue(ActivityEvent event) {
    if (queue.size() >= MAX_QUEUED) {
      queue.pollFirst();
      dropped++;
    }
    queue.addLast(event);
  }

  private record Heard(ActivityEvent event, long atMs) {
  }

  int queued() {
    return queue.size();
  }

  long dropped() {
    return dropped;
  }

  /** Writes what is queued, a batch at a time, unless a flush is already under way; the events written. */
  Future<Integer> flush() {
    if (flushing || queue.isEmpty()) {
      return Future.succeededFuture(0);
    }
    flushing = true;
    // whatever goes wrong (even a throw while a batch is built), the next flush runs: the store never stays stuck
    return Future.succeededFuture().compose(v -> next(0)).eventually(() -> {
      flushing = false;
      return Future.succeededFuture();
    });
  }

  private Future<Integer> next(int written) {
    if (queue.isEmpty()) {
      return Future.succeededFuture(written);
    }
    List<ActivityEvent> batch = new ArrayList<>(Math.min(BATCH, queue.size()));
    while (batch.size() < BATCH && !queue.isEmpty()) {
      batch.add(queue.pollFirst());
    }
    return repository.insert(batch)
      .recover(e -> oneByOne(batch))
      .compose(v -> next(written + batch.size()));
  }

  /** A refused batch, event by event: what the database refuses is logged and dropped. */
  private Future<Void> oneByOne(List<ActivityEvent> batch) {
    Future<Void> chain = Future.succeededFuture();
    for (ActivityEvent event : batch) {
      chain = chain.compose(v -> repository.insert(List.of(event)).recover(e -> {
        LOG.warn("activity event not stored", kv("id", event.id()), kv("reason", String.valueOf(e.getMessage())));
        return Future.succeededFuture();
      }));
    }
    return chain;
  }

  /** {@code list}: a page of stored events, newest first, filtered by kind and service. */
  Future<ServiceResponse> list(ServiceRequest request) {
    ActivityQuery query = ActivityQuery.parse(request);
    return repository.list(query).map(page -> ServiceResponse.ok(page.toJson(ActivityEvent::toJson)));
  }

  /** Removes events older than the retention, then all but the newest {@code maxEvents}; the rows removed. */
  Future<Long> prune() {
    long before = clock.millis() - retention.toMillis();
    return repository.deleteOlderThan(before)
      .compose(old -> repository.keepNewest(maxEvents).map(extra -> old + extra));
  }

  /** Text a person reads and a database stores: no control characters (PostgreSQL cannot store U+0000), no half surrogate pairs. */
  static ActivityEvent clean(ActivityEvent event) {
    return new ActivityEvent(event.id(), event.time(), clean(event.actor()), event.kind(), clean(event.service()),
      clean(event.instance()), clean(event.node()), clean(event.text()));
  }

  static String clean(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
      boolean bad = Character.isISOControl(c) || !pair && Character.isSurrogate(c);
      if (bad && out == null) {
        out = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (out != null) {
        out.append(bad ? ' ' : c);
        if (pair) {
          out.append(text.charAt(++i));
        }
      } else if (pair) {
        i++;
      }
    }
    return out == null ? text : out.toString();
  }
}
