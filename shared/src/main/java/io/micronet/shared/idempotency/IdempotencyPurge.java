package io.micronet.shared.idempotency;

import io.micronet.shared.storage.BatchDelete;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Deletes a service's expired {@code Idempotency-Key} rows (older than the key lifetime), a batch at a time.
 * An expired key is already treated as absent by {@link IdempotentWrites}; this only keeps the table from
 * growing. Safe on every instance at once: two purges at most delete the same rows twice.
 */
public class IdempotencyPurge {

  static final int BATCH = 1000;
  /** At most this many batches a run (a million rows); the next run goes on where this one stopped. */
  static final int MAX_BATCHES = 1000;

  private final Pool pool;
  private final String service;
  private final Duration ttl;
  private final Clock clock;

  IdempotencyPurge(Pool pool, String service, Duration ttl, Clock clock) {
    this.pool = pool;
    this.service = service;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The rows deleted. */
  public Future<Long> run() {
    return run(BATCH, MAX_BATCHES);
  }

  public Future<Long> run(int batch, int maxBatches) {
    String expired = "service = #{service} AND created_at < #{cutoff}";
    return BatchDelete.run(pool, "DELETE FROM idempotency_keys WHERE " + expired + " AND (caller, idem_key) IN "
        + "(SELECT caller, idem_key FROM idempotency_keys WHERE " + expired + " LIMIT #{batch})",
      Map.of("service", service, "cutoff", clock.millis() - ttl.toMillis()), batch, maxBatches);
  }

  /** What the log line calls these rows. */
  public String what() {
    return "idempotency keys of " + service;
  }
}
