package io.micronet.users;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Failed logins per username and per client address, over a sliding window, kept by one service instance
 * (its event loop only: no locking). A key with too many recent failures is refused until the oldest ages out.
 * An address gets a higher limit than a username: one address can be a whole office behind NAT, and a few
 * colleagues' typos must not lock it out, while guessing many accounts from it is still cut short.
 */
final class LoginThrottle {

  /** Beyond this many keys, the ones without a recent failure are dropped (a flood of names cannot fill memory). */
  private static final int PRUNE_ABOVE = 10_000;

  private final int maxPerUser;
  private final int maxPerAddress;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Long>> failures = new HashMap<>();

  LoginThrottle(int maxPerUser, int maxPerAddress, Duration window, Clock clock) {
    this.maxPerUser = maxPerUser;
    this.maxPerAddress = maxPerAddress;
    this.window = window;
    this.clock = clock;
  }

  /** Seconds until another attempt is allowed for this username and address; 0 when it is allowed now. */
  long retryAfterSeconds(String username, String address) {
    return Math.max(retryAfter(userKey(username), maxPerUser),
      address == null ? 0 : retryAfter(addressKey(address), maxPerAddress));
  }

  void failed(String username, String address) {
    if (failures.size() > PRUNE_ABOVE) {
      failures.values().removeIf(times -> recent(times).isEmpty());
    }
    long now = clock.millis();
    failures.computeIfAbsent(userKey(username), k -> new ArrayDeque<>()).addLast(now);
    if (address != null) {
      failures.computeIfAbsent(addressKey(address), k -> new ArrayDeque<>()).addLast(now);
    }
  }

  /** A correct password clears the username's failures (the address keeps its own). */
  void succeeded(String username) {
    failures.remove(userKey(username));
  }

  private long retryAfter(String key, int maxFailures) {
    Deque<Long> times = failures.get(key);
    if (times == null || recent(times).size() < maxFailures) {
      return 0;
    }
    // allowed again once enough failures have aged out to leave fewer than the maximum
    long pivot = times.stream().skip(times.size() - maxFailures).findFirst().orElse(clock.millis());
    long waitMs = pivot + window.toMillis() - clock.millis();
    return Math.max(1, (waitMs + 999) / 1000);
  }

  /** Drops the failures older than the window and returns what is left. */
  private Deque<Long> recent(Deque<Long> times) {
    long oldest = clock.millis() - window.toMillis();
    while (!times.isEmpty() && times.peekFirst() <= oldest) {
      times.removeFirst();
    }
    return times;
  }

  private static String userKey(String username) {
    return "user:" + username.toLowerCase(Locale.ROOT);
  }

  private static String addressKey(String address) {
    return "address:" + address;
  }
}
