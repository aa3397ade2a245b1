package io.micronet.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import java.time.Duration;

/**
 * A token bucket per client (Bucket4j): {@code burst} requests at once, refilled at
 * {@code requestsPerSecond}. Idle clients' buckets expire so the map stays bounded.
 */
public class RateLimiter {

  /** Whether the request may go on, and if not, how many whole seconds until it may. */
  public record Decision(boolean allowed, long remaining, long retryAfterSeconds) {
  }

  private final Cache<String, Bucket> buckets;
  private final long requestsPerSecond;
  private final long burst;

  public RateLimiter(long requestsPerSecond, long burst) {
    this.requestsPerSecond = requestsPerSecond;
    this.burst = burst;
    this.buckets = Caffeine.newBuilder()
      .expireAfterAccess(Duration.ofMinutes(10))
      .maximumSize(100_000)
      .executor(Runnable::run)
      .build();
  }

  public Decision tryAcquire(String client) {
    Bucket bucket = buckets.get(client, key -> newBucket());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return new Decision(true, probe.getRemainingTokens(), 0);
    }
    long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    return new Decision(false, 0, seconds);
  }

  private Bucket newBucket() {
    return Bucket.builder()
      .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(requestsPerSecond, Duration.ofSeconds(1)).build())
      .build();
  }
}
