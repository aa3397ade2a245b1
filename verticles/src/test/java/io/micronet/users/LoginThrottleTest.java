package io.micronet.users;

import io.micronet.storage.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The login throttle's rules alone, on a clock the test moves. */
class LoginThrottleTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final LoginThrottle throttle = new LoginThrottle(5, 50, Duration.ofMinutes(15), Duration.ofMinutes(15), clock);

  @Test
  void afterTheFreeFailuresEachFurtherOneDoublesTheWaitUpToTheCap() {
    fail("manager", "203.0.113.9", 5);
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      long wait = throttle.retryAfterSeconds("manager", "203.0.113.9");
      waits.add(wait);
      clock.advance(Duration.ofSeconds(wait));
      assertEquals(0, throttle.retryAfterSeconds("manager", "203.0.113.9"), "allowed once the wait is over");
      throttle.reserve("manager", "203.0.113.9");
    }
    assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L, 900L, 900L, 900L, 900L), waits);
  }

  @Test
  void noUsernameIsLockedAcrossAddresses() {
    fail("manager", "203.0.113.9", 40);
    assertEquals(0, throttle.retryAfterSeconds("manager", "10.0.0.7"), "its owner, elsewhere, is not locked out");
    assertEquals(0, throttle.retryAfterSeconds("MANAGER", "10.0.0.7"));
    assertEquals(0, throttle.retryAfterSeconds("alice", "203.0.113.9"), "the guesser's address may still try other names");
    assertTrue(throttle.retryAfterSeconds("Manager", "203.0.113.9") > 0, "usernames are compared ignoring case");
  }

  @Test
  void anAddressHasACeilingOverAllNamesWithinTheWindow() {
    for (int i = 0; i < 50; i++) {
      throttle.reserve("name" + i, "198.51.100.1");
      clock.advance(Duration.ofSeconds(1));
    }
    assertEquals(15 * 60 - 50, throttle.retryAfterSeconds("someone-new", "198.51.100.1"));
    assertEquals(0, throttle.retryAfterSeconds("someone-new", "198.51.100.2"));
    clock.advance(Duration.ofMinutes(15));
    assertEquals(0, throttle.retryAfterSeconds("someone-new", "198.51.100.1"));
  }

  @Test
  void aReservedAttemptCountsUntilGivenBackAndSuccessClearsThePair() {
    List<LoginThrottle.Attempt> inFlight = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      assertEquals(0, throttle.retryAfterSeconds("bob", "192.0.2.1"));
      inFlight.add(throttle.reserve("bob", "192.0.2.1"));
    }
    assertEquals(1, throttle.retryAfterSeconds("bob", "192.0.2.1"), "five checks under way hold the sixth back");
    throttle.giveBack(inFlight.get(4));
    assertEquals(0, throttle.retryAfterSeconds("bob", "192.0.2.1"), "a check that never ran counts for nothing");
    throttle.reserve("bob", "192.0.2.1");
    throttle.succeeded(inFlight.get(0));
    assertEquals(0, throttle.retryAfterSeconds("bob", "192.0.2.1"));
    fail("bob", "192.0.2.1", 4);
    assertEquals(0, throttle.retryAfterSeconds("bob", "192.0.2.1"), "the pair started afresh: four are free");
  }

  @Test
  void aPairIsForgottenAWindowAfterItsLastWait() {
    fail("carol", "192.0.2.5", 6);
    assertEquals(2, throttle.retryAfterSeconds("carol", "192.0.2.5"));
    clock.advance(Duration.ofMinutes(15).plusSeconds(2));
    throttle.reserve("carol", "192.0.2.5");
    assertEquals(0, throttle.retryAfterSeconds("carol", "192.0.2.5"), "one failure after a quiet window is a first one");
  }

  private void fail(String username, String address, int times) {
    for (int i = 0; i < times; i++) {
      throttle.reserve(username, address);
    }
  }
}
