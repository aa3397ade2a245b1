package io.micronet.shared.storage;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.HashMap;
import java.util.Map;

/**
 * Deletes many rows as a series of short statements, each removing at most {@code batch} rows in its own
 * transaction, so that a purge never holds locks for long nor blocks the writes of the service behind it.
 * The statement names its limit {@code #{batch}} (PostgreSQL has no {@code DELETE … LIMIT}: the rows are picked
 * by a sub-select with {@code LIMIT #{batch}}, which H2 runs the same way).
 */
public final class BatchDelete {

  private BatchDelete() {
  }

  /** Runs {@code sql} until a batch removes fewer than {@code batch} rows, or {@code maxBatches} ran; the rows removed. */
  public static Future<Long> run(Pool pool, String sql, Map<String, Object> params, int batch, int maxBatches) {
    Map<String, Object> withBatch = new HashMap<>(params);
    withBatch.put("batch", batch);
    return next(pool, sql, withBatch, batch, maxBatches, 0L);
  }

  private static Future<Long> next(Pool pool, String sql, Map<String, Object> params, int batch, int batchesLeft, long deleted) {
    if (batchesLeft == 0) {
      return Future.succeededFuture(deleted);
    }
    return SqlTemplate.forUpdate(pool, sql).execute(params).compose(result -> {
      long total = deleted + result.rowCount();
      return result.rowCount() < batch ? Future.succeededFuture(total)
        : next(pool, sql, params, batch, batchesLeft - 1, total);
    });
  }
}
