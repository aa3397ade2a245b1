package io.micronet.shared.discovery;

import java.util.function.LongConsumer;

/**
 * A warning written at most once per interval, telling how many occurrences it stands for: a flood of bad
 * records (forged, or simply too many) must not become a flood of log lines. Not thread-safe: one per owner.
 */
final class ThrottledWarning {

  private final long intervalMillis;
  private long lastMillis = Long.MIN_VALUE;
  private long occurrences;

  ThrottledWarning(long intervalMillis) {
    this.intervalMillis = intervalMillis;
  }

  /** Counts one occurrence; calls {@code log} with the count since the last warning when one is due. */
  void warn(LongConsumer log) {
    occurrences++;
    long now = System.currentTimeMillis();
    if (lastMillis == Long.MIN_VALUE || now - lastMillis >= intervalMillis) {
      lastMillis = now;
      long count = occurrences;
      occurrences = 0;
      log.accept(count);
    }
  }
}
