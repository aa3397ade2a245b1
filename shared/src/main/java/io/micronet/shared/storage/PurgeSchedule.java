package io.micronet.shared.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Runs a purge of old rows shortly after start, then every {@code intervalMs}, one run at a time (the next run
 * is scheduled when the last one ended), and logs how many rows went. A failed run is logged and tried
 * again at the next interval: nothing that a purge leaves behind is wrong, only kept longer.
 */
public final class PurgeSchedule {

  private static final Logger LOG = LoggerFactory.getLogger(PurgeSchedule.class);

  private final Vertx vertx;
  private final String what;
  private final Supplier<Future<Long>> purge;
  private final long intervalMs;
  private long timer = -1;
  private boolean stopped;

  /** {@code what} names the rows in the log line: {@code idempotency keys of orders}, … */
  public PurgeSchedule(Vertx vertx, String what, long intervalMs, Supplier<Future<Long>> purge) {
    this.vertx = vertx;
    this.what = what;
    this.intervalMs = intervalMs;
    this.purge = purge;
  }

  /** The first run after {@code firstDelayMs}: soon, but not in the middle of a node's start. */
  public void start(long firstDelayMs) {
    timer = vertx.setTimer(Math.max(1, firstDelayMs), id -> runOnce());
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  private void runOnce() {
    if (stopped) {
      return;
    }
    purge.get()
      .onSuccess(deleted -> LOG.info("purged old rows", kv("what", what), kv("rows", deleted)))
      .onFailure(e -> LOG.warn("purge failed, will retry", kv("what", what), kv("reason", String.valueOf(e.getMessage()))))
      .onComplete(done -> {
        if (!stopped) {
          timer = vertx.setTimer(intervalMs, id -> runOnce());
        }
      });
  }
}
