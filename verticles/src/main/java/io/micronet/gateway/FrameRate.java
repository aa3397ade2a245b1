package io.micronet.gateway;

import java.util.function.LongSupplier;

/**
 * One socket's frame count in the current second: up to {@code perSecond} frames pass, more are refused, and from
 * {@code closeAt} on the socket is closed (a client that floods does not keep a socket to flood with). Fixed
 * one-second windows: simple, and enough to tell a person from a loop. Not thread-safe: one socket, one thread.
 */
final class FrameRate {

  enum Verdict { PASS, REFUSE, CLOSE }

  private final int perSecond;
  private final int closeAt;
  private final LongSupplier clockMs;
  private long windowStart = Long.MIN_VALUE;
  private int count;

  FrameRate(int perSecond, int closeAt, LongSupplier clockMs) {
    this.perSecond = perSecond;
    this.closeAt = closeAt;
    this.clockMs = clockMs;
  }

  FrameRate(BridgeSettings settings) {
    this(settings.framesPerSecond(), settings.closeAtFramesPerSecond(), System::currentTimeMillis);
  }

  /** Counts one frame and says what to do with it. */
  synchronized Verdict count() {
    long now = clockMs.getAsLong();
    if (windowStart == Long.MIN_VALUE || now - windowStart >= 1000) {
      windowStart = now;
      count = 0;
    }
    count++;
    if (count >= closeAt) {
      return Verdict.CLOSE;
    }
    return count > perSecond ? Verdict.REFUSE : Verdict.PASS;
  }
}
