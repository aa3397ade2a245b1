package io.micronet.products;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.vertx.core.buffer.Buffer;

import java.time.Duration;
import java.util.Optional;

/**
 * Products read by id, kept for a short time. Every write evicts its product here and, through the
 * verticle, on every other products instance of the cluster. A read that started before an eviction
 * is not cached (the generation moved on), so an older row can never overwrite a newer eviction.
 * Entries are kept as encoded JSON: a hit is answered without building or encoding anything.
 */
final class ProductCache {

  private final Cache<String, Buffer> products;
  private final boolean enabled;
  private long generation;

  ProductCache(Duration ttl, long maxEntries) {
    this.enabled = !ttl.isZero() && !ttl.isNegative();
    this.products = Caffeine.newBuilder()
      .expireAfterWrite(enabled ? ttl : Duration.ofMillis(1))
      .maximumSize(maxEntries)
      .executor(Runnable::run)
      .build();
  }

  Optional<Buffer> get(String id) {
    return enabled ? Optional.ofNullable(products.getIfPresent(id)) : Optional.empty();
  }

  /** Taken before a database read: the read may be cached only if nothing was evicted meanwhile. */
  long generation() {
    return generation;
  }

  void putIfUnchangedSince(long readGeneration, Product product) {
    if (enabled && readGeneration == generation) {
      products.put(product.id(), product.toJson().toBuffer());
    }
  }

  void evict(String id) {
    generation++;
    products.invalidate(id);
  }
}
