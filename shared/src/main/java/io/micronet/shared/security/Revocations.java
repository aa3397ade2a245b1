package io.micronet.shared.security;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Per user, the lowest token version that still counts: raised when a user is deleted (to {@link #DELETED}) or its
 * role or password changes (the users service raises the user's version in the same transaction as the change).
 * A token names the version it was issued with, so a login racing the change — it read the old row, signs after
 * the revocation — is refused all the same, and node clocks play no part.
 * <p>
 * The truth is a cluster-wide map whose values are signed with the cluster's key ({@code <version>.<HMAC>}): open
 * source Hazelcast lets anyone who reaches its member port write a map, and an unsigned value would let them lock a
 * user out (or, removed, let a revoked token back in on a node that starts later). Entries expire once every token
 * they could refuse has expired. Each holder keeps a local copy, so checking a token reads no map: loaded at start,
 * updated when a revocation is announced on {@link #ANNOUNCE_ADDRESS} (the announcement only names the user: the
 * value is read from the map and its signature checked), and re-read periodically in case one was missed.
 */
public final class Revocations {

  public static final String MAP = "micronet.token-revocations";
  public static final String ANNOUNCE_ADDRESS = "micronet.security.revoked";
  /** The lowest version of a deleted user: none of its tokens counts. */
  public static final long DELETED = Long.MAX_VALUE;
  /** Beyond the token lifetime: a login that raced a change signs after the revocation, up to its hashing wait later. */
  static final long LOGIN_MARGIN_MS = 5 * 60_000;
  private static final String LOCK_PREFIX = "micronet.token-revocation.";
  private static final long LOCK_TIMEOUT_MS = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);

  private final Vertx vertx;
  private final Tokens tokens;
  private final long retentionMs;
  private final Map<String, Long> lowestVersion = new HashMap<>();
  /** When each local entry was last raised: dropped a retention later, once the map's own entry has expired too. */
  private final Map<String, Long> raisedAt = new HashMap<>();
  /** What the cluster map is known to hold (written or read back), as opposed to what this copy refuses already. */
  private final Map<String, Long> inMap = new HashMap<>();
  private MessageConsumer<Object> announcements;
  private long refreshTimer = -1;

  /** @param retentionMs how long a revocation matters: see {@link #retentionMs(long, int)} */
  public Revocations(Vertx vertx, Tokens tokens, long retentionMs) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.retentionMs = retentionMs;
  }

  /** How long a revocation matters: the token lifetime, the clock-skew leeway, and a racing login's wait. */
  public static long retentionMs(long tokenTtlSeconds, int clockSkewSeconds) {
    return (tokenTtlSeconds + clockSkewSeconds) * 1000L + LOGIN_MARGIN_MS;
  }

  public Future<Void> start(long refreshMs) {
    announcements = vertx.eventBus().consumer(ANNOUNCE_ADDRESS, message -> {
      if (message.body() instanceof String userId) {
        refresh(userId);
      }
    });
    refreshTimer = vertx.setPeriodic(refreshMs, id -> reload());
    return announcements.completion().compose(v -> reload());
  }

  public Future<Void> stop() {
    vertx.cancelTimer(refreshTimer);
    return announcements == null ? Future.succeededFuture() : announcements.unregister();
  }

  /** Whether a token of {@code userId} issued with {@code version} no longer counts. */
  public boolean revoked(String userId, long version) {
    Long lowest = lowestVersion.get(userId);
    return lowest != null && version < lowest;
  }

  /** Whether the cluster map is known to refuse every token of {@code userId} below {@code version} already. */
  public boolean knows(String userId, long version) {
    Long held = inMap.get(userId);
    return held != null && held >= version;
  }

  /**
   * From now on only tokens of {@code userId} with at least {@code version} count, cluster-wide; completes once the
   * map holds it. The map keeps the highest version: two revocations of one user racing (two users instances) are
   * read and written under a cluster-wide lock of that user, so the lower can never overwrite the higher.
   */
  public Future<Void> revoke(String userId, long version) {
    raise(userId, version);
    return vertx.sharedData().getLockWithTimeout(LOCK_PREFIX + userId, LOCK_TIMEOUT_MS)
      .compose(lock -> map()
        .compose(map -> map.get(userId).compose(current -> {
          Long known = verified(userId, current);
          return known != null && known >= version ? Future.<Void>succeededFuture() : map.put(userId, signed(userId, version), retentionMs);
        }))
        .onSuccess(written -> inMap.merge(userId, version, Math::max))
        .eventually(() -> {
          lock.release();
          return Future.succeededFuture();
        }))
      .onSuccess(v -> vertx.eventBus().publish(ANNOUNCE_ADDRESS, userId));
  }

  private void refresh(String userId) {
    map().compose(map -> map.get(userId))
      .onSuccess(value -> {
        if (!remember(userId, value)) {
          LOG.warn("a token revocation in the cluster map is not signed with the cluster's key: ignored", kv("userId", userId));
        }
      })
      .onFailure(e -> LOG.warn("revocation lookup failed", kv("reason", e.getMessage())));
  }

  private Future<Void> reload() {
    long expired = System.currentTimeMillis() - retentionMs;
    return map().compose(AsyncMap::entries)
      .onSuccess(entries -> {
        raisedAt.entrySet().removeIf(raised -> {
          boolean old = raised.getValue() < expired && !entries.containsKey(raised.getKey());
          if (old) {
            lowestVersion.remove(raised.getKey());
            inMap.remove(raised.getKey());
          }
          return old;
        });
        int ignored = 0;
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) entries).entrySet()) {
          if (!(entry.getKey() instanceof String userId) || !remember(userId, entry.getValue())) {
            ignored++;
          }
        }
        if (ignored > 0) {
          LOG.warn("token revocations in the cluster map not signed with the cluster's key: ignored", kv("count", ignored));
        }
      })
      .onFailure(e -> LOG.warn("revocations reload failed", kv("reason", e.getMessage())))
      .mapEmpty();
  }

  /** Takes a map value in if it is signed with our key; false when it is not. */
  private boolean remember(String userId, Object value) {
    if (value instanceof String text && knows(userId, namedVersion(text))) {
      // nothing new to learn: the periodic re-read of an unchanged map computes no signature
      return true;
    }
    Long version = verified(userId, value);
    if (version != null) {
      raise(userId, version);
      inMap.merge(userId, version, Math::max);
    }
    return version != null || value == null;
  }

  private void raise(String userId, long version) {
    Long before = lowestVersion.get(userId);
    if (before == null || version > before) {
      lowestVersion.put(userId, version);
      raisedAt.put(userId, System.currentTimeMillis());
    }
  }

  private String signed(String userId, long version) {
    return version + "." + tokens.mac("revocation:" + userId + ":" + version);
  }

  /** The version a value's text names (unchecked); {@code Long.MAX_VALUE} when it names none, so nothing is skipped on it. */
  private static long namedVersion(String value) {
    int dot = value.indexOf('.');
    try {
      return dot <= 0 ? Long.MAX_VALUE : Long.parseLong(value.substring(0, dot));
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The version a map value names, or null when it is absent, not a string, or not signed with our key. */
  private Long verified(String userId, Object raw) {
    if (!(raw instanceof String value)) {
      return null;
    }
    int dot = value.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    try {
      long version = Long.parseLong(value.substring(0, dot));
      byte[] expected = tokens.mac("revocation:" + userId + ":" + version).getBytes(StandardCharsets.UTF_8);
      return MessageDigest.isEqual(expected, value.substring(dot + 1).getBytes(StandardCharsets.UTF_8)) ? version : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Values are read as anything: whoever reaches Hazelcast's port can put junk there, and junk is ignored. */
  private Future<AsyncMap<String, Object>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }
}
