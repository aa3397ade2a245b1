package io.micronet.shared.chaos;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The one seam of failure injection in an instance's request handling ({@code ActionDispatcher} asks it before
 * every action): with no failure on, a field read and nothing else. {@code error} fails a share of requests with a
 * 500, {@code latency} delays each request, {@code crash} is carried out by the instance itself (its consumer goes,
 * as if its JVM hung) and asks nothing of this switch. Lives in one instance; used on its event loop only.
 */
public final class FailureSwitch {

  private final Vertx vertx;
  private Failure active;

  public FailureSwitch(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The failure on now, or null (one that has run out counts as off). */
  public Failure active() {
    if (active != null && active.expired(System.currentTimeMillis())) {
      active = null;
    }
    return active;
  }

  public void set(Failure failure) {
    this.active = failure;
  }

  public void clear() {
    this.active = null;
  }

  /** Completes when the request may go on: at once, after the injected delay, or failed with an injected error. */
  public Future<Void> before() {
    Failure failure = active;
    if (failure == null) {
      return null;
    }
    if (failure.expired(System.currentTimeMillis())) {
      active = null;
      return null;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return switch (failure.mode()) {
      case ERROR -> random.nextDouble() < failure.rate()
        ? Future.failedFuture(new ServiceException(ErrorCode.INTERNAL_ERROR, "injected failure (error mode)"))
        : null;
      case LATENCY -> {
        long delay = failure.latencyMinMs() + (failure.latencyMaxMs() > failure.latencyMinMs()
          ? random.nextLong(failure.latencyMaxMs() - failure.latencyMinMs() + 1) : 0);
        Promise<Void> later = Promise.promise();
        vertx.setTimer(Math.max(1, delay), id -> later.complete());
        yield later.future();
      }
      case CRASH -> null;
    };
  }
}
