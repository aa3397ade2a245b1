package io.micronet.it;

import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a product's stock in PostgreSQL over and over (one query after the other) while purchases run, until stopped:
 * the lowest stock ever seen (a purchase burst must never drive it below 0).
 */
final class StockSampler {

  private final Pool pg;
  private final String productId;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger lowest = new AtomicInteger(Integer.MAX_VALUE);
  private final AtomicInteger samples = new AtomicInteger();
  private final Promise<Void> done = Promise.promise();

  StockSampler(Pool pg, String productId) {
    this.pg = pg;
    this.productId = productId;
  }

  void start() {
    next();
  }

  private void next() {
    pg.preparedQuery("SELECT stock FROM products WHERE id = $1").execute(Tuple.of(productId)).onComplete(ar -> {
      if (ar.succeeded() && ar.result().iterator().hasNext()) {
        lowest.accumulateAndGet(ar.result().iterator().next().getInteger(0), Math::min);
        samples.incrementAndGet();
      }
      if (running.get()) {
        next();
      } else {
        done.tryComplete();
      }
    });
  }

  void stop() {
    running.set(false);
    done.future().timeout(30, TimeUnit.SECONDS).await();
  }

  int lowest() {
    return lowest.get();
  }

  int samples() {
    return samples.get();
  }
}
