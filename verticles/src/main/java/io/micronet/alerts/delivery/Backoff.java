package io.micronet.alerts.delivery;

import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter: before attempt n+1 wait a uniform random time in
 * [0, min(max, base × factor^(n-1))] — spread out, so receivers that come back are not hit by every sender at once.
 * A receiver's Retry-After (429, 503) is honoured up to {@code max}.
 */
final class Backoff {

  private final long baseMs;
  private final double factor;
  private final long maxMs;
  /** bound → a uniform random value in [0, bound] (tests fix it). */
  private final LongUnaryOperator random;

  Backoff(long baseMs, double factor, long maxMs, LongUnaryOperator random) {
    this.baseMs = baseMs;
    this.factor = factor;
    this.maxMs = maxMs;
    this.random = random;
  }

  static Backoff of(DeliverySettings settings) {
    return new Backoff(settings.baseDelayMs(), settings.factor(), settings.maxDelayMs(),
      bound -> java.util.concurrent.ThreadLocalRandom.current().nextLong(bound + 1));
  }

  /** The cap after {@code attempts} failed attempts (1 = after the first). */
  long cap(int attempts) {
    double cap = baseMs * Math.pow(factor, Math.max(0, attempts - 1));
    return (long) Math.min(maxMs, cap);
  }

  /** The wait after {@code attempts} failed attempts; {@code retryAfterMs} (≥ 0) when the receiver asked. */
  long delay(int attempts, long retryAfterMs) {
    long jittered = random.applyAsLong(cap(attempts));
    return retryAfterMs > 0 ? Math.max(jittered, Math.min(retryAfterMs, maxMs)) : jittered;
  }
}
