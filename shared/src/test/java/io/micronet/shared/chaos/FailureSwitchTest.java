package io.micronet.shared.chaos;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class FailureSwitchTest {

  @Test
  void withNothingOnRequestsPassUntouched(Vertx vertx) {
    FailureSwitch failures = new FailureSwitch(vertx);
    assertNull(failures.before());
    assertNull(failures.active());
  }

  @Test
  void errorModeFailsEveryRequestAtRateOneWithA500(Vertx vertx) {
    FailureSwitch failures = new FailureSwitch(vertx);
    failures.set(new Failure(Failure.Mode.ERROR, 1.0, 0, 0, null, System.currentTimeMillis() + 60_000, "ann"));
    for (int i = 0; i < 20; i++) {
      Future<Void> gate = failures.before();
      assertTrue(gate.failed());
      assertEquals(ErrorCode.INTERNAL_ERROR, ((ServiceException) gate.cause()).code());
    }
  }

  @Test
  void errorModeAtHalfFailsSomeAndPassesSome(Vertx vertx) {
    FailureSwitch failures = new FailureSwitch(vertx);
    failures.set(new Failure(Failure.Mode.ERROR, 0.5, 0, 0, null, System.currentTimeMillis() + 60_000, "ann"));
    int failed = 0;
    for (int i = 0; i < 1000; i++) {
      Future<Void> gate = failures.before();
      failed += gate != null && gate.failed() ? 1 : 0;
    }
    assertTrue(failed > 300 && failed < 700, "about half failed: " + failed);
  }

  @Test
  void latencyModeDelaysAtLeastTheInjectedTime(Vertx vertx, VertxTestContext context) {
    FailureSwitch failures = new FailureSwitch(vertx);
    failures.set(new Failure(Failure.Mode.LATENCY, 1.0, 150, 150, null, System.currentTimeMillis() + 60_000, "ann"));
    long started = System.nanoTime();
    failures.before().onComplete(context.succeeding(v -> context.verify(() -> {
      assertTrue((System.nanoTime() - started) / 1_000_000 >= 149);
      context.completeNow();
    })));
  }

  @Test
  void anExpiredFailureIsOff(Vertx vertx) {
    FailureSwitch failures = new FailureSwitch(vertx);
    failures.set(new Failure(Failure.Mode.ERROR, 1.0, 0, 0, null, System.currentTimeMillis() - 1, "ann"));
    assertNull(failures.before());
    assertNull(failures.active());
  }
}
