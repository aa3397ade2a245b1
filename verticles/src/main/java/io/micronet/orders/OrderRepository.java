package io.micronet.orders;

import io.micronet.shared.storage.Migrations;
import io.micronet.shared.storage.Page;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The orders table. One SQL text for H2 and PostgreSQL; every value goes through template parameters. */
public class OrderRepository {

  static final List<List<String>> MIGRATIONS = List.of(List.of(
    "CREATE TABLE IF NOT EXISTS orders ("
      + "id VARCHAR(36) PRIMARY KEY, "
      + "user_id VARCHAR(200) NOT NULL, "
      + "status VARCHAR(16) NOT NULL, "
      + "items TEXT NOT NULL, "
      + "total_cents BIGINT NOT NULL CHECK (total_cents >= 0), "
      + "idem_key VARCHAR(200), "
      // a cancelled order's stock given back to the products service (retried until it is)
      + "stock_returned BOOLEAN NOT NULL, "
      + "created_at BIGINT NOT NULL, "
      + "updated_at BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS orders_user ON orders (user_id, created_at)",
    "CREATE INDEX IF NOT EXISTS orders_status ON orders (status, updated_at)"));

  private static final String COLUMNS = "id, user_id, status, items, total_cents, idem_key, created_at, updated_at";

  private final Pool pool;

  public OrderRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> migrate(Vertx vertx) {
    return Migrations.apply(vertx, pool, "orders", MIGRATIONS);
  }

  /** Records a pending order, with {@code alsoInTransaction} (the claim of its idempotency key) committed with it. */
  public Future<Void> insertPending(Order order, Function<SqlConnection, Future<Void>> alsoInTransaction) {
    return pool.withTransaction(conn -> alsoInTransaction.apply(conn)
      .compose(v -> SqlTemplate.forUpdate(conn, "INSERT INTO orders (" + COLUMNS + ", stock_returned) VALUES (#{id}, "
          + "#{userId}, #{status}, #{items}, #{total}, #{key}, #{createdAt}, #{updatedAt}, FALSE)")
        .execute(params(order)))
      .mapEmpty());
  }

  /**
   * Turns the pending order into the placed one, with {@code alsoInTransaction} (storing the idempotent answer);
   * false when it is no longer pending (its placement was given up meanwhile).
   */
  public Future<Boolean> place(Order placed, Function<SqlConnection, Future<?>> alsoInTransaction) {
    return pool.withTransaction(conn -> SqlTemplate.forUpdate(conn, "UPDATE orders SET status = #{status}, "
          + "items = #{items}, total_cents = #{total}, updated_at = #{updatedAt} WHERE id = #{id} AND status = 'PENDING'")
        .execute(params(placed))
        .compose(updated -> updated.rowCount() == 1
          ? alsoInTransaction.apply(conn).map(true)
          : Future.succeededFuture(false)));
  }

  /**
   * Fences a pending order off: from now on it can never be placed. False when it is not pending (placed
   * already, or someone else abandoned it first: then the undoing is theirs).
   */
  public Future<Boolean> abandon(String id, long now) {
    return SqlTemplate.forUpdate(pool, "UPDATE orders SET status = 'ABANDONED', updated_at = #{now} "
        + "WHERE id = #{id} AND status = 'PENDING'")
      .execute(Map.of("id", id, "now", now))
      .map(updated -> updated.rowCount() == 1);
  }

  /**
   * Deletes an abandoned order (its stock is released) with {@code alsoInTransaction} (giving up its key claim),
   * once: whoever deletes the row does it.
   */
  public Future<Void> dropAbandoned(String id, Function<SqlConnection, Future<Void>> alsoInTransaction) {
    return pool.withTransaction(conn -> SqlTemplate.forUpdate(conn, "DELETE FROM orders WHERE id = #{id} AND status = 'ABANDONED'")
      .execute(Map.of("id", id))
      .compose(deleted -> deleted.rowCount() == 1 ? alsoInTransaction.apply(conn) : Future.succeededFuture()));
  }

  /** Cancels a placed order, in the caller's transaction; false when it is not (any more) placed. Its stock is still to be returned. */
  public Future<Boolean> cancel(SqlConnection conn, String id, long now) {
    return SqlTemplate.forUpdate(conn, "UPDATE orders SET status = 'CANCELLED', stock_returned = FALSE, "
        + "updated_at = #{now} WHERE id = #{id} AND status = 'PLACED'")
      .execute(Map.of("id", id, "now", now))
      .map(updated -> updated.rowCount() == 1);
  }

  public Future<Void> stockReturned(String id) {
    return SqlTemplate.forUpdate(pool, "UPDATE orders SET stock_returned = TRUE WHERE id = #{id}")
      .execute(Map.of("id", id))
      .mapEmpty();
  }

  public Future<Optional<Order>> find(String id) {
    return SqlTemplate.forQuery(pool, "SELECT " + COLUMNS + " FROM orders WHERE id = #{id}")
      .execute(Map.of("id", id))
      .map(rows -> orders(rows).stream().findFirst());
  }

  /** Pending and abandoned orders untouched since {@code before}, and cancelled ones whose stock is not back yet. */
  public Future<List<Order>> unfinished(long before, int limit) {
    return SqlTemplate.forQuery(pool, "SELECT " + COLUMNS + " FROM orders WHERE updated_at < #{before} AND "
        + "(status IN ('PENDING', 'ABANDONED') OR (status = 'CANCELLED' AND stock_returned = FALSE)) ORDER BY updated_at LIMIT #{limit}")
      .execute(Map.of("before", before, "limit", limit))
      .map(OrderRepository::orders);
  }

  /**
   * What recovery left unfinished past the recovery time ({@code before}): {@code pending}, orders still PENDING, and
   * {@code backlog}, every unfinished order (pending, abandoned, cancelled without its stock back).
   */
  public Future<long[]> unfinishedCounts(long before) {
    return SqlTemplate.forQuery(pool, "SELECT COALESCE(SUM(CASE WHEN status = 'PENDING' THEN 1 ELSE 0 END), 0) AS pending, "
        + "COUNT(*) AS backlog FROM orders WHERE updated_at < #{before} AND "
        + "(status IN ('PENDING', 'ABANDONED') OR (status = 'CANCELLED' AND stock_returned = FALSE))")
      .execute(Map.of("before", before))
      .map(rows -> {
        var row = rows.iterator().next();
        return new long[] {((Number) row.getValue("pending")).longValue(), ((Number) row.getValue("backlog")).longValue()};
      });
  }

  public Future<Page<Order>> list(OrderQuery query) {
    Map<String, Object> params = new HashMap<>();
    String where = query.where(params);
    return Page.read(pool, COLUMNS, "orders", where, "created_at DESC, id ASC", params, query.page(), query.size(), Order::fromRow);
  }

  private static List<Order> orders(RowSet<Row> rows) {
    List<Order> orders = new ArrayList<>(rows.size());
    for (Row row : rows) {
      orders.add(Order.fromRow(row));
    }
    return orders;
  }

  private static Map<String, Object> params(Order order) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", order.id());
    params.put("userId", order.userId());
    params.put("status", order.status());
    params.put("items", order.storedItems());
    params.put("total", order.totalCents());
    params.put("key", order.idempotencyKey());
    params.put("createdAt", order.createdAt());
    params.put("updatedAt", order.updatedAt());
    return params;
  }
}
