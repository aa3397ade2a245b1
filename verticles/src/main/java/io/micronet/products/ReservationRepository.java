package io.micronet.products;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.storage.Migrations;
import io.micronet.shared.storage.SqlErrors;
import io.micronet.shared.validation.StockLine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Stock held for orders (a reservation's id is its order's id). A reservation takes every line in one
 * transaction — a conditional update per line, so stock never goes below zero — or nothing. A release
 * gives the stock back exactly once; a release that comes before its reservation leaves a tombstone, so
 * that a late reservation with the same id is refused instead of holding stock nobody will release.
 */
public class ReservationRepository {

  static final List<String> MIGRATION = List.of(
    "CREATE TABLE IF NOT EXISTS stock_reservations ("
      + "id VARCHAR(64) PRIMARY KEY, "
      + "status VARCHAR(16) NOT NULL, "
      + "items TEXT NOT NULL, "
      + "created_at BIGINT NOT NULL, "
      + "updated_at BIGINT NOT NULL)");

  private static final String RESERVED = "RESERVED";
  private static final String RELEASED = "RELEASED";

  private final Pool pool;

  public ReservationRepository(Pool pool) {
    this.pool = pool;
  }

  /** The purge ({@link ReservationPurge}) reads released rows by age. */
  static final List<String> PURGE_INDEX = List.of(
    "CREATE INDEX IF NOT EXISTS stock_reservations_settled ON stock_reservations (status, updated_at)");

  public Future<Void> migrate(Vertx vertx) {
    return Migrations.apply(vertx, pool, "stock_reservations", List.of(MIGRATION, PURGE_INDEX));
  }

  /**
   * Takes every line's quantity and answers the lines with the product's name and price at this moment.
   * The same id again answers the first reservation (a retried call); 409 OUT_OF_STOCK naming the short
   * lines, 422 naming lines whose product does not exist, 409 CONFLICT when the id was released.
   */
  public Future<JsonArray> reserve(String id, List<StockLine> lines, long now) {
    Map<String, Object> row = Map.of("id", id, "status", RESERVED, "now", now);
    return pool.withTransaction(conn -> SqlTemplate.forUpdate(conn, "INSERT INTO stock_reservations "
            + "(id, status, items, created_at, updated_at) VALUES (#{id}, #{status}, '[]', #{now}, #{now})")
          .execute(row)
          .compose(inserted -> takeEach(conn, lines, now))
          .compose(taken -> {
            JsonArray reserved = outcome(lines, taken);
            return SqlTemplate.forUpdate(conn, "UPDATE stock_reservations SET items = #{items} WHERE id = #{id}")
              .execute(Map.of("id", id, "items", reserved.encode()))
              .map(reserved);
          }))
      .recover(failure -> SqlErrors.isUniqueViolation(failure) ? existing(id) : Future.failedFuture(failure));
  }

  /** Gives the stock back if it is still held; the ids of the products whose stock changed. */
  public Future<List<String>> release(String id, long now) {
    Map<String, Object> row = Map.of("id", id, "reserved", RESERVED, "released", RELEASED, "now", now);
    return pool.<List<String>>withTransaction(conn -> releaseHeld(conn, row)
        .compose(changed -> changed != null ? Future.succeededFuture(changed) : SqlTemplate.forUpdate(conn,
              "INSERT INTO stock_reservations (id, status, items, created_at, updated_at) "
              // the cast: PostgreSQL must deduce one type for #{id}, here and in the comparison below
              + "SELECT CAST(#{id} AS VARCHAR(64)), #{released}, '[]', #{now}, #{now} WHERE NOT EXISTS "
              + "(SELECT 1 FROM stock_reservations WHERE id = #{id})")
            .execute(row)
            // not there for the update but there for the insert: a reservation of this id (or a release) committed
            // in between, as each statement sees what is committed when it starts; the update again sees which
            .compose(inserted -> inserted.rowCount() == 1 ? Future.succeededFuture(List.<String>of())
              : releaseHeld(conn, row).map(again -> again == null ? List.<String>of() : again))))
      // a reservation or release of this id committed meanwhile: released already, or just tombstoned
      .recover(failure -> SqlErrors.isUniqueViolation(failure) ? release(id, now) : Future.failedFuture(failure));
  }

  /** The held reservation marked released and its stock given back (the products changed), or null when none was held. */
  private Future<List<String>> releaseHeld(SqlConnection conn, Map<String, Object> row) {
    return SqlTemplate.forUpdate(conn, "UPDATE stock_reservations "
        + "SET status = #{released}, updated_at = #{now} WHERE id = #{id} AND status = #{reserved}")
      .execute(row)
      .compose(updated -> updated.rowCount() == 1
        ? giveBack(conn, (String) row.get("id"), (Long) row.get("now"))
        : Future.succeededFuture(null));
  }

  private Future<List<String>> giveBack(SqlConnection conn, String id, long now) {
    return SqlTemplate.forQuery(conn, "SELECT items FROM stock_reservations WHERE id = #{id}")
      .execute(Map.of("id", id))
      .compose(rows -> {
        // rows in product-id order, as a reservation takes them: a release and a reservation never wait in a cycle
        List<JsonObject> lines = new JsonArray(rows.iterator().next().getString("items")).stream()
          .map(JsonObject.class::cast).sorted(Comparator.comparing(line -> line.getString("productId"))).toList();
        Future<Void> chain = Future.succeededFuture();
        List<String> changed = new ArrayList<>();
        for (JsonObject line : lines) {
          changed.add(line.getString("productId"));
          chain = chain.compose(v -> SqlTemplate.forUpdate(conn, "UPDATE products SET stock = stock + #{quantity}, "
              + "updated_at = #{now} WHERE id = #{id}")
            .execute(Map.of("id", line.getString("productId"), "quantity", line.getInteger("quantity"), "now", now))
            .mapEmpty());
        }
        return chain.map(changed);
      });
  }

  /** Each line taken or not, in product-id order so that two orders never wait on each other's rows in a cycle. */
  private static Future<Map<String, Taken>> takeEach(SqlConnection conn, List<StockLine> lines, long now) {
    Map<String, Taken> taken = new java.util.HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (StockLine line : lines.stream().sorted(Comparator.comparing(StockLine::productId)).toList()) {
      chain = chain.compose(v -> take(conn, line, now)).map(result -> {
        taken.put(line.productId(), result);
        return null;
      });
    }
    return chain.map(taken);
  }

  private static Future<Taken> take(SqlConnection conn, StockLine line, long now) {
    Map<String, Object> params = Map.of("id", line.productId(), "quantity", line.quantity(), "now", now);
    return SqlTemplate.forUpdate(conn, "UPDATE products SET stock = stock - #{quantity}, updated_at = #{now} "
        + "WHERE id = #{id} AND stock >= #{quantity}")
      .execute(params)
      .compose(updated -> SqlTemplate.forQuery(conn, "SELECT name, price_cents, stock FROM products WHERE id = #{id}")
        .execute(params)
        .map(rows -> {
          if (rows.size() == 0) {
            return new Taken(false, false, null, 0, 0);
          }
          Row product = rows.iterator().next();
          return new Taken(updated.rowCount() == 1, true, product.getString("name"), product.getLong("price_cents"),
            product.getInteger("stock"));
        }));
  }

  /** The reserved lines, in the caller's order; or the failure naming every line that could not be. */
  private static JsonArray outcome(List<StockLine> lines, Map<String, Taken> taken) {
    JsonObject missing = new JsonObject();
    JsonArray short_ = new JsonArray();
    JsonArray reserved = new JsonArray();
    for (int i = 0; i < lines.size(); i++) {
      StockLine line = lines.get(i);
      Taken result = taken.get(line.productId());
      if (!result.exists()) {
        missing.put("items[" + i + "].productId", "product " + line.productId() + " does not exist");
      } else if (!result.taken()) {
        short_.add(new JsonObject().put("productId", line.productId()).put("name", result.name())
          .put("requested", line.quantity()).put("available", result.stock()));
      } else {
        reserved.add(line.toJson().put("name", result.name()).put("priceCents", result.priceCents()));
      }
    }
    if (!missing.isEmpty()) {
      throw ServiceException.invalid(missing);
    }
    if (!short_.isEmpty()) {
      throw new ServiceException(ErrorCode.OUT_OF_STOCK, "not enough stock for " + short_.size()
        + (short_.size() == 1 ? " line" : " lines") + "; nothing was reserved", new JsonObject().put("items", short_));
    }
    return reserved;
  }

  private Future<JsonArray> existing(String id) {
    return SqlTemplate.forQuery(pool, "SELECT status, items FROM stock_reservations WHERE id = #{id}")
      .execute(Map.of("id", id))
      .map(rows -> {
        Row row = rows.iterator().next();
        if (!RESERVED.equals(row.getString("status"))) {
          throw new ServiceException(ErrorCode.CONFLICT, "reservation " + id + " was released");
        }
        return new JsonArray(row.getString("items"));
      });
  }

  private record Taken(boolean taken, boolean exists, String name, long priceCents, int stock) {
  }
}
