package io.micronet.products;

import io.micronet.shared.storage.Migrations;
import io.micronet.shared.storage.SqlErrors;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.storage.Page;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The catalog table. One SQL text for H2 and PostgreSQL; every value goes through template parameters. */
public class ProductRepository {

  static final List<List<String>> MIGRATIONS = List.of(
    List.of(
      "CREATE TABLE IF NOT EXISTS products ("
        + "id VARCHAR(36) PRIMARY KEY, "
        + "name VARCHAR(200) NOT NULL, "
        + "name_key VARCHAR(200) NOT NULL, "
        + "description VARCHAR(2000) NOT NULL, "
        + "category VARCHAR(100) NOT NULL, "
        + "price_cents BIGINT NOT NULL CHECK (price_cents >= 0), "
        + "stock INTEGER NOT NULL CHECK (stock >= 0), "
        + "created_at BIGINT NOT NULL, "
        + "updated_at BIGINT NOT NULL)",
      "CREATE UNIQUE INDEX IF NOT EXISTS products_name_key ON products (name_key)",
      "CREATE INDEX IF NOT EXISTS products_category ON products (category)",
      "CREATE INDEX IF NOT EXISTS products_price ON products (price_cents)"));

  private static final String COLUMNS = "id, name, description, category, price_cents, stock, created_at, updated_at";

  private final Pool pool;

  public ProductRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> migrate(Vertx vertx) {
    return Migrations.apply(vertx, pool, "products", MIGRATIONS);
  }

  public Future<Product> insert(Product product) {
    return pool.withTransaction(conn -> insert(conn, product));
  }

  /** The write methods that take a connection run inside the caller's transaction (see IdempotentWrites). */
  public Future<Product> insert(SqlConnection conn, Product product) {
    return SqlTemplate.forUpdate(conn, "INSERT INTO products (" + COLUMNS + ", name_key) VALUES "
        + "(#{id}, #{name}, #{description}, #{category}, #{price}, #{stock}, #{createdAt}, #{updatedAt}, #{nameKey})")
      .execute(params(product))
      .map(product)
      .recover(ProductRepository::duplicateName);
  }

  public Future<Optional<Product>> find(String id) {
    return find(pool, id, false);
  }

  /** Applies the given fields to the product in one transaction; empty when it does not exist. */
  public Future<Optional<Product>> update(String id, ProductFields fields, long now) {
    return pool.withTransaction(conn -> update(conn, id, fields, now));
  }

  public Future<Optional<Product>> update(SqlConnection conn, String id, ProductFields fields, long now) {
    return find(conn, id, true).compose(found -> {
        if (found.isEmpty()) {
          return Future.succeededFuture(Optional.<Product>empty());
        }
        Product old = found.get();
        Product changed = new Product(id,
          fields.name() != null ? fields.name() : old.name(),
          fields.description() != null ? fields.description() : old.description(),
          fields.category() != null ? fields.category() : old.category(),
          fields.priceCents() != null ? fields.priceCents() : old.priceCents(),
          fields.stock() != null ? fields.stock() : old.stock(),
          old.createdAt(), now);
        return SqlTemplate.forUpdate(conn, "UPDATE products SET name = #{name}, name_key = #{nameKey}, "
            + "description = #{description}, category = #{category}, price_cents = #{price}, stock = #{stock}, "
            + "updated_at = #{updatedAt} WHERE id = #{id}")
          .execute(params(changed))
          .map(Optional.of(changed));
      })
      .recover(ProductRepository::duplicateName);
  }

  public Future<Boolean> delete(String id) {
    return pool.withTransaction(conn -> delete(conn, id));
  }

  public Future<Boolean> delete(SqlConnection conn, String id) {
    return SqlTemplate.forUpdate(conn, "DELETE FROM products WHERE id = #{id}")
      .execute(Map.of("id", id))
      .map(result -> result.rowCount() == 1);
  }

  /**
   * Adds {@code delta} to the stock in one conditional statement, so concurrent changes can never take
   * it below zero (or past the maximum). Empty when the product does not exist; 409 when the change does not fit.
   */
  public Future<Optional<Product>> adjustStock(String id, int delta, long now) {
    return pool.withTransaction(conn -> adjustStock(conn, id, delta, now));
  }

  public Future<Optional<Product>> adjustStock(SqlConnection conn, String id, int delta, long now) {
    return SqlTemplate.forUpdate(conn, "UPDATE products SET stock = stock + #{delta}, "
          + "updated_at = #{now} WHERE id = #{id} AND stock + #{delta} >= 0 AND stock + #{delta} <= #{max}")
        .execute(Map.of("id", id, "delta", delta, "now", now, "max", ProductValidator.STOCK_MAX))
        .compose(result -> find(conn, id, false).compose(found -> {
          if (result.rowCount() == 0 && found.isPresent()) {
            int stock = found.get().stock();
            return Future.failedFuture(new ServiceException(ErrorCode.CONFLICT, "stock of " + id + " is " + stock
              + ": a change of " + delta + " would make it " + (delta < 0 ? "negative" : "exceed " + ProductValidator.STOCK_MAX)));
          }
          return Future.succeededFuture(found);
        }));
  }

  public Future<Page<Product>> list(ProductQuery query) {
    Map<String, Object> params = new HashMap<>();
    String where = query.where(params);
    return Page.read(pool, COLUMNS, "products", where, query.sort().orderBy + ", id ASC", params, query.page(), query.size(), Product::fromRow);
  }

  private static Future<Optional<Product>> find(SqlClient client, String id, boolean forUpdate) {
    return SqlTemplate.forQuery(client, "SELECT " + COLUMNS + " FROM products WHERE id = #{id}" + (forUpdate ? " FOR UPDATE" : ""))
      .execute(Map.of("id", id))
      .map(rows -> products(rows).stream().findFirst());
  }

  private static List<Product> products(RowSet<Row> rows) {
    List<Product> products = new java.util.ArrayList<>(rows.size());
    for (Row row : rows) {
      products.add(Product.fromRow(row));
    }
    return products;
  }

  private static Map<String, Object> params(Product product) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", product.id());
    params.put("name", product.name());
    params.put("nameKey", nameKey(product.name()));
    params.put("description", product.description());
    params.put("category", product.category());
    params.put("price", product.priceCents());
    params.put("stock", product.stock());
    params.put("createdAt", product.createdAt());
    params.put("updatedAt", product.updatedAt());
    return params;
  }

  /** Names are unique regardless of case and surrounding blanks. */
  static String nameKey(String name) {
    return name.strip().toLowerCase(java.util.Locale.ROOT);
  }

  private static <T> Future<T> duplicateName(Throwable failure) {
    if (SqlErrors.isUniqueViolation(failure)) {
      return Future.failedFuture(new ServiceException(ErrorCode.CONFLICT, "a product with this name already exists"));
    }
    return Future.failedFuture(failure);
  }
}
