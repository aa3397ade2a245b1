package io.micronet.users;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Failed logins, kept by one service instance (its event loop only: no locking), under two rules:
 * <ul>
 *   <li>per username <em>and</em> client address: {@code freeFailures} failures are free; each one after that
 *   makes that address wait before its next try for that username, twice as long each time (1 s, 2 s, 4 s …
 *   up to {@code maxDelay}). There is no lock on a username across addresses, so a stranger guessing from
 *   elsewhere cannot lock its owner out;</li>
 *   <li>per address: {@code maxPerAddress} failures within {@code window} (many names guessed from one place), then
 *   that address waits until the oldest ages out. High, since one address can be a whole office behind NAT.</li>
 * </ul>
 * An attempt is counted as a failure when it is {@link #reserve reserved}, before its hash is computed, and
 * given back once it succeeds: N guesses sent at once cannot all be tried. A (username, address) pair is
 * forgotten once its last wait and then a whole window have passed without a failure. Memory stays small:
 * every counted failure took a slot of the bounded hashing executor, which allows only so many per second.
 */
final class LoginThrottle {

  static final Duration FIRST_DELAY = Duration.ofSeconds(1);
  /** Beyond this many entries, the forgotten ones are dropped. */
  private static final int PRUNE_ABOVE = 10_000;
  /** An address used when a request carries none (a caller on the event bus itself). */
  private static final String NO_ADDRESS = "-";

  private final int freeFailures;
  private final int maxPerAddress;
  private final Duration window;
  private final Duration maxDelay;
  private final Clock clock;
  private final Map<String, Pair> pairs = new HashMap<>();
  private final Map<String, Deque<Long>> addresses = new HashMap<>();

  /** What one (username, address) pair has failed: how often, and when last. */
  private static final class Pair {
    int failures;
    long lastFailure;
  }

  /** A login attempt counted as a failure until it is {@link #succeeded} or {@link #giveBack given back}. */
  record Attempt(String pairKey, String address, long at) {
  }

  LoginThrottle(int freeFailures, int maxPerAddress, Duration window, Duration maxDelay, Clock clock) {
    this.freeFailures = freeFailures;
    this.maxPerAddress = maxPerAddress;
    this.window = window;
    this.maxDelay = maxDelay;
    this.clock = clock;
  }

  /** Seconds until this address may try this username again; 0 when it may now. */
  long retryAfterSeconds(String username, String address) {
    long now = clock.millis();
    Pair pair = pairs.get(pairKey(username, address));
    long pairWait = pair == null ? 0 : pair.lastFailure + delayMillis(pair.failures) - now;
    long addressWait = addressWaitMillis(addressOf(address), now);
    return seconds(Math.max(pairWait, addressWait));
  }

  /** Counts an attempt as failed now, before its password is checked; call only when {@link #retryAfterSeconds} is 0. */
  Attempt reserve(String username, String address) {
    long now = clock.millis();
    if (pairs.size() + addresses.size() > PRUNE_ABOVE) {
      prune(now);
    }
    String key = pairKey(username, address);
    Pair pair = pairs.computeIfAbsent(key, k -> new Pair());
    if (forgotten(pair, now)) {
      pair.failures = 0;
    }
    pair.failures++;
    pair.lastFailure = now;
    addresses.computeIfAbsent(addressOf(address), k -> new ArrayDeque<>()).addLast(now);
    return new Attempt(key, addressOf(address), now);
  }

  /** The password was right: the attempt was no failure, and the pair starts afresh. */
  void succeeded(Attempt attempt) {
    pairs.remove(attempt.pairKey());
    giveBackToAddress(attempt);
  }

  /** The attempt was never checked (the hasher was busy, the database failed): it counts for nothing. */
  void giveBack(Attempt attempt) {
    Pair pair = pairs.get(attempt.pairKey());
    if (pair != null && pair.failures > 0 && --pair.failures == 0) {
      pairs.remove(attempt.pairKey());
    }
    giveBackToAddress(attempt);
  }

  /** 0 for the free failures, then 1 s, 2 s, 4 s … capped. */
  private long delayMillis(int failures) {
    if (failures < freeFailures) {
      return 0;
    }
    int doublings = Math.min(failures - freeFailures, 40);
    return Math.min(maxDelay.toMillis(), FIRST_DELAY.toMillis() << doublings);
  }

  private boolean forgotten(Pair pair, long now) {
    return now >= pair.lastFailure + delayMillis(pair.failures) + window.toMillis();
  }

  private long addressWaitMillis(String address, long now) {
    Deque<Long> times = addresses.get(address);
    if (times == null || recent(times, now).size() < maxPerAddress) {
      return 0;
    }
    // allowed again once enough failures have aged out to leave fewer than the maximum
    long pivot = times.stream().skip(times.size() - maxPerAddress).findFirst().orElse(now);
    return pivot + window.toMillis() - now;
  }

  private void giveBackToAddress(Attempt attempt) {
    Deque<Long> times = addresses.get(attempt.address());
    if (times != null) {
      times.removeLastOccurrence(attempt.at());
      if (times.isEmpty()) {
        addresses.remove(attempt.address());
      }
    }
  }

  /** Drops the failures older than the window and returns what is left. */
  private Deque<Long> recent(Deque<Long> times, long now) {
    long oldest = now - window.toMillis();
    while (!times.isEmpty() && times.peekFirst() <= oldest) {
      times.removeFirst();
    }
    return times;
  }

  private void prune(long now) {
    pairs.values().removeIf(pair -> forgotten(pair, now));
    addresses.values().removeIf(times -> recent(times, now).isEmpty());
  }

  private static long seconds(long millis) {
    return millis <= 0 ? 0 : Math.max(1, (millis + 999) / 1000);
  }

  private static String addressOf(String address) {
    return address == null || address.isBlank() ? NO_ADDRESS : address;
  }

  private static String pairKey(String username, String address) {
    return username.toLowerCase(Locale.ROOT) + "\n" + addressOf(address);
  }
}
