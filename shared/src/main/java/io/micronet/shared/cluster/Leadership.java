package io.micronet.shared.cluster;

import io.micronet.shared.discovery.MergeWatch;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * An election through a cluster-wide lock, for what must run once per cluster (the monitor's rounds, the
 * reconciler, retention jobs): every candidate tries the lock {@code micronet.leader.<role>} every
 * {@code pollMillis}; the one holding it leads until it stops (it releases the lock) or its node dies (Hazelcast
 * releases a dead member's locks: another candidate takes over on its next try). Each try waits only a few
 * milliseconds, so standing by costs next to nothing.
 */
public final class Leadership {

  public static final long DEFAULT_POLL_MS = 1000;
  private static final long TRY_MS = 10;
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final Vertx vertx;
  private final String role;
  private final long pollMillis;
  private final Handler<Boolean> onChange;
  private final Promise<Boolean> firstTry = Promise.promise();
  private Lock lock;
  private long timer = -1;
  private boolean trying;
  private boolean stopped;
  private MergeWatch merges;

  private Leadership(Vertx vertx, String role, long pollMillis, Handler<Boolean> onChange) {
    this.vertx = vertx;
    this.role = role;
    this.pollMillis = pollMillis;
    this.onChange = onChange;
  }

  /**
   * Stands as a candidate for {@code role}; {@code onChange} hears {@code true} when this candidate becomes the
   * leader (on the caller's context). Call from a verticle's start; {@link #stop()} from its stop.
   */
  public static Leadership stand(Vertx vertx, String role, long pollMillis, Handler<Boolean> onChange) {
    Leadership leadership = new Leadership(vertx, role, pollMillis, onChange);
    leadership.tryNow();
    leadership.timer = vertx.setPeriodic(pollMillis, id -> leadership.tryNow());
    leadership.merges = MergeWatch.onMerged(vertx, v -> leadership.abdicateAfterMerge());
    return leadership;
  }

  public static String lockName(String role) {
    return "micronet.leader." + role;
  }

  public boolean isLeader() {
    return lock != null;
  }

  public String role() {
    return role;
  }

  /** Tries for the lock now (e.g. after a member left), unless a try is under way or this candidate leads. */
  public void tryNow() {
    if (stopped || trying || lock != null) {
      return;
    }
    trying = true;
    vertx.sharedData().getLockWithTimeout(lockName(role), TRY_MS).onComplete(ar -> {
      trying = false;
      if (ar.failed()) {
        firstTry.tryComplete(false);
        return; // someone else leads
      }
      if (stopped) {
        ar.result().release();
        firstTry.tryComplete(false);
        return;
      }
      lock = ar.result();
      LOG.info("elected", kv("role", role));
      onChange.handle(true);
      firstTry.tryComplete(true);
    });
  }

  /**
   * Completes once the first try for the lock has been decided (true: this candidate leads, its {@code onChange}
   * has run): a node that must know whether it leads before it calls itself started waits for this.
   */
  public Future<Boolean> firstTry() {
    return firstTry.future();
  }

  /**
   * This node's half merged back into the cluster after a partition: both halves elected a leader while split, and
   * the lock this candidate took lives on only in the map its half threw away. It stops leading without releasing
   * (a release would unlock the other half's leader, whose lock is the one the merged cluster holds) and stands
   * again: it leads again only if nobody in the merged cluster does.
   */
  void abdicateAfterMerge() {
    if (lock == null || stopped) {
      return;
    }
    lock = null;
    LOG.warn("stepped down after the cluster merged: the other half's leader leads", kv("role", role));
    onChange.handle(false);
    tryNow();
  }

  /** Steps down (releasing the lock, so another candidate takes over at its next try) and stops trying. */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    if (merges != null) {
      merges.cancel();
    }
    if (lock != null) {
      Lock held = lock;
      lock = null; // before the release: a waiting candidate may be handed the lock at once
      held.release();
      LOG.info("stepped down", kv("role", role));
      onChange.handle(false);
    }
    return Future.succeededFuture();
  }

  long pollMillis() {
    return pollMillis;
  }
}
