package io.micronet.users;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hashing executor: its own threads, a bounded queue, an answer at once beyond it. */
@ExtendWith(VertxExtension.class)
class PasswordHasherTest {

  @Test
  void beyondTheQueueTheAnswerIs503AtOnceWithRetryAfter(Vertx vertx) {
    PasswordHasher hasher = new PasswordHasher(vertx, 1, 3);
    List<Future<String>> jobs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      jobs.add(hasher.hash("password-" + i));
    }
    // the refusals are already there: nothing waited for a thread
    List<Future<String>> refused = jobs.stream().filter(Future::failed).toList();
    assertEquals(5, refused.size(), "three jobs waiting or running at most");
    for (Future<String> job : refused) {
      ServiceException busy = (ServiceException) job.cause();
      assertEquals(ErrorCode.SERVICE_UNAVAILABLE, busy.code());
      assertEquals(new JsonObject().put("retryAfterSeconds", 1), busy.details());
      assertTrue(PasswordHasher.busy(busy));
    }
    Future.join(jobs).transform(ar -> Future.succeededFuture()).await();
    assertTrue(PasswordHasher.matches("password-0", jobs.get(0).result()));
    assertTrue(hasher.hash("password-9").await().startsWith("pbkdf2-sha256$"), "the queue has room again");
    hasher.close().await();
  }

  @Test
  void aJobThatCouldNotFinishWithinItsCallersTimeIsRefusedAtOnce(Vertx vertx) {
    PasswordHasher hasher = new PasswordHasher(vertx, 1, 32);
    String stored = hasher.hash("first-one").await();
    Future<String> running = hasher.hash("fills-the-only-thread");
    // a job takes tens of milliseconds at least, as the estimate now knows: behind another, one millisecond is too little
    Future<Boolean> hurried = hasher.verify("first-one", stored, 1);
    assertTrue(hurried.failed() && PasswordHasher.busy(hurried.cause()), "refused at once");
    assertTrue(hasher.verify("first-one", stored, 60_000).await(), "a patient caller waits its turn");
    running.await();
    hasher.close().await();
  }
}
