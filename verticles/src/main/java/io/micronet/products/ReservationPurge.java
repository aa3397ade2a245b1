package io.micronet.products;

import io.micronet.shared.storage.BatchDelete;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Deletes settled stock reservations: rows {@code RELEASED} (stock given back, or a tombstone left by a release
 * that came first) longer ago than the retention period, a batch at a time. The rule, and why it is safe:
 * <ul>
 *   <li>A {@code RESERVED} row is never purged. It is the stock an order holds: pending ones are placed or
 *   released by the orders saga, and a placed order can be cancelled at any time, which gives back exactly
 *   what this row holds. Without it the cancel would return nothing. Held rows leave only through a release.</li>
 *   <li>A {@code RELEASED} row only makes a repeated release a no-op and refuses a late reservation under the
 *   same order id. Without the row a repeated release still gives nothing back (it writes a new tombstone);
 *   only a reservation arriving after the purge could take stock again — and a reservation is sent once, by an
 *   order placement that gives up within seconds (its caller's time budget; the services refuse requests whose
 *   budget ran out), while abandoned placements are cleaned up after {@code services.orders.recoverAfterSeconds}.
 *   The retention ({@code services.products.reservationRetentionHours}, 7 days by default, at least an hour and
 *   ten times the recovery delay) is far beyond both.</li>
 * </ul>
 */
public class ReservationPurge {

  static final int BATCH = 1000;
  /** At most this many batches a run; the next run goes on where this one stopped. */
  static final int MAX_BATCHES = 1000;

  private final Pool pool;
  private final Duration retention;
  private final Clock clock;

  public ReservationPurge(Pool pool, Duration retention, Clock clock) {
    this.pool = pool;
    this.retention = retention;
    this.clock = clock;
  }

  /** The rows deleted. */
  public Future<Long> run() {
    return run(BATCH, MAX_BATCHES);
  }

  Future<Long> run(int batch, int maxBatches) {
    String settled = "status = 'RELEASED' AND updated_at < #{cutoff}";
    return BatchDelete.run(pool, "DELETE FROM stock_reservations WHERE " + settled + " AND id IN "
        + "(SELECT id FROM stock_reservations WHERE " + settled + " LIMIT #{batch})",
      Map.of("cutoff", clock.millis() - retention.toMillis()), batch, maxBatches);
  }
}
