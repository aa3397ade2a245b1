package io.micronet.shared.security;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Per user, the time before which its tokens no longer count ("not before", epoch ms): set when a user is
 * deleted or its role or password changes. The truth is a cluster-wide map (entries expire once every token
 * they could refuse has expired); each holder keeps a local copy, so checking a token reads no map: the copy
 * is loaded at start, updated when a revocation is announced on {@link #ANNOUNCE_ADDRESS} (the announcement
 * only names the user: the value is read from the map, never from the message) and re-read periodically in
 * case an announcement was missed.
 */
public final class Revocations {

  public static final String MAP = "micronet.token-revocations";
  public static final String ANNOUNCE_ADDRESS = "micronet.security.revoked";
  private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);

  private final Vertx vertx;
  private final long retentionMs;
  private final Map<String, Long> notBefore = new HashMap<>();
  private MessageConsumer<Object> announcements;
  private long refreshTimer = -1;

  /** @param retentionMs how long a revocation matters: the longest token lifetime plus the clock-skew leeway */
  public Revocations(Vertx vertx, long retentionMs) {
    this.vertx = vertx;
    this.retentionMs = retentionMs;
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

  /** Whether a token of {@code userId} issued at {@code issuedAtMs} has been revoked since. */
  public boolean revoked(String userId, long issuedAtMs) {
    Long since = notBefore.get(userId);
    return since != null && issuedAtMs < since;
  }

  /** Ends every token of {@code userId} issued before {@code atMs}, cluster-wide; completes once the map holds it. */
  public Future<Void> revoke(String userId, long atMs) {
    notBefore.merge(userId, atMs, Math::max);
    return map()
      .compose(map -> map.get(userId).compose(current ->
        current != null && current >= atMs ? Future.<Void>succeededFuture() : map.put(userId, atMs, retentionMs)))
      .onSuccess(v -> vertx.eventBus().publish(ANNOUNCE_ADDRESS, userId));
  }

  private void refresh(String userId) {
    map().compose(map -> map.get(userId))
      .onSuccess(since -> {
        if (since != null) {
          notBefore.merge(userId, since, Math::max);
        }
      })
      .onFailure(e -> LOG.warn("revocation lookup failed", kv("reason", e.getMessage())));
  }

  private Future<Void> reload() {
    long oldest = System.currentTimeMillis() - retentionMs;
    return map().compose(AsyncMap::entries)
      .onSuccess(entries -> {
        notBefore.values().removeIf(since -> since < oldest);
        entries.forEach((userId, since) -> notBefore.merge(userId, since, Math::max));
      })
      .onFailure(e -> LOG.warn("revocations reload failed", kv("reason", e.getMessage())))
      .mapEmpty();
  }

  private Future<AsyncMap<String, Long>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }
}
