package io.micronet.products;

import io.micronet.shared.storage.Page;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.storage.Database;
import io.micronet.storage.TestDatabases;
import io.micronet.storage.TestDatabases.Engine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.micronet.storage.TestDatabases.await;
import static io.micronet.storage.TestDatabases.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The catalog repository against both engines it supports, those of {@link TestDatabases}. The PostgreSQL
 * database is shared with other tests: every row written here has a name starting with this run's
 * {@link #PREFIX}, filters are scoped to this run's categories, and only those rows are deleted at the end.
 */
@ExtendWith(VertxExtension.class)
class ProductRepositoryTest {

  static final String PREFIX = "rt" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private static final AtomicInteger SEQ = new AtomicInteger();

  @TempDir
  static Path tempDir;

  private static Vertx vertx;
  private static TestDatabases databases;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    databases = new TestDatabases(vertx, tempDir, pool -> await(new ProductRepository(pool).migrate(vertx)));
  }

  @AfterAll
  static void stop() {
    try {
      databases.close(ProductRepositoryTest::deleteRows);
    } finally {
      await(vertx.close());
    }
  }

  // ---- schema -----------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Engine.class)
  void migratingAgainIsHarmless(Engine engine) {
    ProductRepository repository = repository(engine);
    Product product = await(repository.insert(product("Migrated", "migrations", 100, 1)));

    await(repository.migrate(vertx));
    await(Future.all(repository.migrate(vertx), repository.migrate(vertx)));

    assertEquals(Optional.of(product), await(repository.find(product.id())), "the data is untouched");
    long versions = await(SqlTemplate.forQuery(databases.pool(engine),
        "SELECT COUNT(*) AS n FROM schema_migrations WHERE service = #{service}")
      .execute(Map.of("service", "products"))
      .map(rows -> ((Number) rows.iterator().next().getValue(0)).longValue()));
    assertEquals(ProductRepository.MIGRATIONS.size(), versions, "each version recorded once");
  }

  @Test
  void instancesMigratingAFreshEmbeddedDatabaseTogetherAllStart() {
    // what a node does with services.products.instances > 1 on a new data dir: each instance has its own pool
    // and migrates at the same moment; every one of them must start
    for (int round = 0; round < 5; round++) {
      Path dataDir = tempDir.resolve("fresh-" + SEQ.incrementAndGet());
      List<Pool> pools = new ArrayList<>();
      try {
        List<Future<?>> migrations = new ArrayList<>();
        for (int instance = 0; instance < 3; instance++) {
          Pool pool = Database.pool(vertx, config(Engine.H2, dataDir, 2));
          pools.add(pool);
          migrations.add(new ProductRepository(pool).migrate(vertx));
        }
        await(Future.join(migrations).otherwiseEmpty());
        for (int instance = 0; instance < migrations.size(); instance++) {
          Future<?> migration = migrations.get(instance);
          assertTrue(migration.succeeded(), "round " + round + ", instance " + instance + ": " + migration.cause());
        }
        ProductRepository repository = new ProductRepository(pools.get(0));
        Product product = await(repository.insert(product("Fresh", "fresh", 1, 1)));
        assertEquals(Optional.of(product), await(new ProductRepository(pools.get(2)).find(product.id())));
      } finally {
        pools.forEach(pool -> await(pool.close()));
      }
    }
  }

  // ---- single products --------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Engine.class)
  void insertFindUpdateDelete(Engine engine) {
    ProductRepository repository = repository(engine);
    Product product = product("Lamp", "crud", 4_999, 7);

    assertEquals(product, await(repository.insert(product)));
    assertEquals(Optional.of(product), await(repository.find(product.id())));

    long later = product.updatedAt() + 1_000;
    Product updated = await(repository.update(product.id(),
      new ProductFields(null, "a brighter lamp", null, 5_250L, null), later)).orElseThrow();
    Product expected = new Product(product.id(), product.name(), "a brighter lamp", product.category(), 5_250L,
      product.stock(), product.createdAt(), later);
    assertEquals(expected, updated);
    assertEquals(Optional.of(expected), await(repository.find(product.id())));

    Product renamed = await(repository.update(product.id(),
      new ProductFields(product.name() + " XL", null, "lighting-" + PREFIX, null, 0), later + 1)).orElseThrow();
    assertEquals(product.name() + " XL", renamed.name());
    assertEquals("lighting-" + PREFIX, renamed.category());
    assertEquals(0, renamed.stock());
    assertEquals("a brighter lamp", renamed.description());
    assertEquals(5_250L, renamed.priceCents());

    assertTrue(await(repository.delete(product.id())));
    assertEquals(Optional.empty(), await(repository.find(product.id())));
    assertFalse(await(repository.delete(product.id())), "a second delete finds nothing");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void missingProductsAreEmptyNotErrors(Engine engine) {
    ProductRepository repository = repository(engine);
    String missing = UUID.randomUUID().toString();
    assertEquals(Optional.empty(), await(repository.find(missing)));
    assertEquals(Optional.empty(), await(repository.update(missing, new ProductFields(null, "x", null, null, null), 1L)));
    assertEquals(Optional.empty(), await(repository.adjustStock(missing, 1, 1L)));
    assertEquals(Optional.empty(), await(repository.adjustStock(missing, -1, 1L)));
    assertFalse(await(repository.delete(missing)));
    // ids are caller text: odd ones are just unknown
    for (String odd : List.of("", "x".repeat(300), "' OR '1'='1", "%", "caf\u00e9")) {
      assertEquals(Optional.empty(), await(repository.find(odd)), "find " + odd);
      assertFalse(await(repository.delete(odd)), "delete " + odd);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void namesAreUniqueIgnoringCaseAndBlanks(Engine engine) {
    ProductRepository repository = repository(engine);
    Product first = await(repository.insert(product("Mug", "dupes", 500, 1)));

    for (String twin : List.of(first.name(), first.name().toUpperCase(), first.name().toLowerCase(), "  " + first.name() + " ")) {
      assertConflict(repository.insert(product(null, "dupes", 1, 1, twin)));
    }
    Product second = await(repository.insert(product("Cup", "dupes", 300, 1)));
    assertConflict(repository.update(second.id(), new ProductFields(first.name().toUpperCase(), null, null, null, null), 2L));
    assertEquals(Optional.of(second), await(repository.find(second.id())), "a refused rename changes nothing");

    // the product itself may change the case of its own name
    Product recased = await(repository.update(first.id(), new ProductFields(first.name().toUpperCase(), null, null, null, null),
      first.updatedAt() + 1)).orElseThrow();
    assertEquals(first.name().toUpperCase(), recased.name());
    // and once deleted, the name is free again
    assertTrue(await(repository.delete(first.id())));
    await(repository.insert(product(null, "dupes", 1, 1, first.name())));
  }

  // ---- listing ----------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Engine.class)
  void listFiltersSortsPagesAndCounts(Engine engine) {
    ProductRepository repository = repository(engine);
    String category = "list-" + SEQ.incrementAndGet();
    String tag = "t" + SEQ.incrementAndGet();
    Product a = await(repository.insert(product(null, category, 350, 10, PREFIX + "Apple Juice " + tag, "fresh pressed")));
    Product b = await(repository.insert(product(null, category, 725, 0, PREFIX + "banana bread " + tag, "homemade loaf")));
    Product c = await(repository.insert(product(null, category, 1500, 7, PREFIX + "Cherry Pie " + tag, "with APPLE slices")));
    Product d = await(repository.insert(product(null, category, 1200, 3, PREFIX + "dates " + tag, "50% off_today")));
    Product e = await(repository.insert(product(null, category, 99, 25, PREFIX + "Elderflower " + tag, "")));

    assertPage(repository, q("category", category), List.of(a, b, c, d, e), 5);
    assertPage(repository, q("category", category, "sort", "name"), List.of(a, b, c, d, e), 5);
    assertPage(repository, q("category", category, "sort", "-name"), List.of(e, d, c, b, a), 5);
    assertPage(repository, q("category", category, "sort", "price"), List.of(e, a, b, d, c), 5);
    assertPage(repository, q("category", category, "sort", "-price"), List.of(c, d, b, a, e), 5);
    assertPage(repository, q("category", category, "sort", "stock"), List.of(b, d, c, a, e), 5);
    assertPage(repository, q("category", category, "sort", "-stock"), List.of(e, a, c, d, b), 5);

    assertPage(repository, q("category", category, "q", "aPPle"), List.of(a, c), 2);
    assertPage(repository, q("q", PREFIX + "Apple Juice " + tag), List.of(a), 1);
    assertPage(repository, q("category", category, "q", "%"), List.of(d), 1);
    assertPage(repository, q("category", category, "q", "_"), List.of(d), 1);
    assertPage(repository, q("category", category, "q", "o_f"), List.of(), 0);
    assertPage(repository, q("category", category, "minPrice", "3.5", "maxPrice", "12"), List.of(a, b, d), 3);
    assertPage(repository, q("category", category, "minPrice", "7.25"), List.of(b, c, d), 3);
    assertPage(repository, q("category", category, "maxPrice", "0.99"), List.of(e), 1);
    assertPage(repository, q("category", category, "inStock", "true"), List.of(a, c, d, e), 4);
    assertPage(repository, q("category", category, "inStock", "false"), List.of(b), 1);
    assertPage(repository, q("category", category, "inStock", "true", "maxPrice", "12", "sort", "-price"), List.of(d, a, e), 3);
    assertPage(repository, q("category", "no-such-category"), List.of(), 0);

    assertPage(repository, q("category", category, "size", "2"), List.of(a, b), 5);
    assertPage(repository, q("category", category, "size", "2", "page", "1"), List.of(c, d), 5);
    assertPage(repository, q("category", category, "size", "2", "page", "2"), List.of(e), 5);
    assertPage(repository, q("category", category, "size", "2", "page", "3"), List.of(), 5);
    assertPage(repository, q("category", category, "size", "2", "page", "4999"), List.of(), 5);
    assertPage(repository, q("category", category, "size", "3", "page", "1", "sort", "-stock"), List.of(d, b), 5);

    Page<Product> page = await(repository.list(query(q("category", PREFIX + category, "size", "2", "page", "1"))));
    assertEquals(1, page.page());
    assertEquals(2, page.size());
  }

  // ---- stock ------------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Engine.class)
  void stockNeverGoesBelowZero(Engine engine) {
    ProductRepository repository = repository(engine);
    Product product = await(repository.insert(product("Rope", "stock", 1_000, 3)));

    assertConflict(repository.adjustStock(product.id(), -5, 10L));
    assertEquals(3, stockOf(repository, product.id()), "a refused change leaves the stock alone");
    Product emptied = await(repository.adjustStock(product.id(), -3, product.updatedAt() + 5)).orElseThrow();
    assertEquals(0, emptied.stock());
    assertEquals(product.updatedAt() + 5, emptied.updatedAt());
    assertConflict(repository.adjustStock(product.id(), -1, 10L));
    assertEquals(0, stockOf(repository, product.id()));
    assertEquals(4, await(repository.adjustStock(product.id(), 4, 20L)).orElseThrow().stock());
    assertEquals(4, stockOf(repository, product.id()));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void twentyConcurrentDecrementsOfTenLeaveExactlyZero(Engine engine, VertxTestContext test) {
    ProductRepository repository = repository(engine);
    Product product = await(repository.insert(product("Lantern", "stock", 2_000, 10)));
    AtomicInteger succeeded = new AtomicInteger();
    AtomicInteger conflicts = new AtomicInteger();
    Checkpoint all = test.checkpoint(20);
    List<Future<?>> attempts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      attempts.add(repository.adjustStock(product.id(), -1, System.currentTimeMillis()).andThen(ar -> {
        if (ar.succeeded()) {
          succeeded.incrementAndGet();
        } else if (ar.cause() instanceof ServiceException se && se.code() == ErrorCode.CONFLICT) {
          conflicts.incrementAndGet();
        } else {
          test.failNow(new AssertionError("not a conflict: " + ar.cause(), ar.cause()));
        }
        all.flag();
      }));
    }
    Future.join(attempts).onComplete(done -> repository.find(product.id()).onComplete(test.succeeding(found -> test.verify(() -> {
      assertEquals(10, succeeded.get(), "exactly the stock was taken");
      assertEquals(10, conflicts.get(), "every other attempt was refused");
      assertEquals(0, found.orElseThrow().stock());
      test.completeNow();
    }))));
  }

  // ---- durability -------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Engine.class)
  void everyAcknowledgedWriteSurvivesReopening(Engine engine) {
    // one connection, so that transactional and plain statements share it the way they do in a busy pool
    Path dataDir = tempDir.resolve("durable-" + SEQ.incrementAndGet());
    Pool first = Database.pool(vertx, config(engine, dataDir, 1));
    Product a;
    Product b;
    Product c;
    try {
      ProductRepository repository = new ProductRepository(first);
      await(repository.migrate(vertx));
      a = await(repository.insert(product("Durable A", "durable", 100, 5)));
      c = await(repository.insert(product("Durable C", "durable", 300, 5)));
      a = await(repository.update(a.id(), new ProductFields(null, "updated in a transaction", null, null, null), a.updatedAt() + 1))
        .orElseThrow();
      a = await(repository.adjustStock(a.id(), -2, a.updatedAt() + 1)).orElseThrow();
      b = await(repository.insert(product("Durable B", "durable", 200, 5)));
      assertTrue(await(repository.delete(c.id())));
    } finally {
      await(first.close());
    }

    Pool second = Database.pool(vertx, config(engine, dataDir, 2));
    try {
      ProductRepository reopened = new ProductRepository(second);
      await(reopened.migrate(vertx));
      assertEquals(Optional.of(a), await(reopened.find(a.id())), "the updated product");
      assertEquals(Optional.of(b), await(reopened.find(b.id())), "the product inserted after a transaction");
      assertEquals(Optional.empty(), await(reopened.find(c.id())), "the deleted product");
    } finally {
      deleteRows(second);
      await(second.close());
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aStatementOutsideATransactionIsCommittedAtOnce(Engine engine) {
    ProductRepository repository = repository(engine);
    Pool pool = databases.pool(engine);
    SqlConnection first = await(pool.getConnection());
    SqlConnection second = await(pool.getConnection());
    try {
      // a transaction on the first connection, then a plain statement on the same connection ...
      Product seed = await(repository.insert(product("Seed", "tx", 100, 1)));
      await(first.begin().compose(tx -> SqlTemplate.forUpdate(first, "UPDATE products SET stock = 2 WHERE id = #{id}")
        .execute(Map.of("id", seed.id())).compose(r -> tx.commit())));
      await(SqlTemplate.forUpdate(first, "UPDATE products SET stock = 3 WHERE id = #{id}").execute(Map.of("id", seed.id())));
      // ... is visible to every other connection at once
      int seen = await(SqlTemplate.forQuery(second, "SELECT stock FROM products WHERE id = #{id}")
        .execute(Map.of("id", seed.id())).map(rows -> rows.iterator().next().getInteger(0)));
      assertEquals(3, seen);
    } finally {
      await(first.close());
      await(second.close());
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static ProductRepository repository(Engine engine) {
    return new ProductRepository(databases.pool(engine));
  }

  /** Deletes this run's products: at the end, and from the pool the durability case opens itself. */
  private static void deleteRows(Pool pool) {
    await(SqlTemplate.forUpdate(pool, "DELETE FROM products WHERE name LIKE #{prefix}")
      .execute(Map.of("prefix", PREFIX + "%")));
  }

  private static Product product(String label, String category, long priceCents, int stock) {
    return product(label, category, priceCents, stock, PREFIX + label + "-" + SEQ.incrementAndGet(), "made by " + PREFIX);
  }

  private static Product product(String label, String category, long priceCents, int stock, String name) {
    return product(label, category, priceCents, stock, name, "made by " + PREFIX);
  }

  private static Product product(String label, String category, long priceCents, int stock, String name, String description) {
    long now = System.currentTimeMillis();
    return new Product(UUID.randomUUID().toString(), name, description, PREFIX + category, priceCents, stock, now, now);
  }

  private static JsonObject q(String... pairs) {
    JsonObject query = new JsonObject();
    for (int i = 0; i < pairs.length; i += 2) {
      query.put(pairs[i], pairs[i + 1]);
    }
    return query;
  }

  private static ProductQuery query(JsonObject params) {
    return ProductQuery.from(new ServiceRequest("list", "test", null, null, null, new JsonObject(), params, null));
  }

  private static void assertPage(ProductRepository repository, JsonObject params, List<Product> expected, long total) {
    JsonObject scoped = params.copy();
    // categories given here are labels: scope them to this run like product() does
    if (scoped.containsKey("category")) {
      scoped.put("category", PREFIX + scoped.getString("category"));
    }
    Page<Product> page = await(repository.list(query(scoped)));
    assertEquals(expected.stream().map(Product::id).toList(), page.items().stream().map(Product::id).toList(),
      "items for " + params.encode());
    assertEquals(expected, page.items(), "full rows for " + params.encode());
    assertEquals(total, page.total(), "total for " + params.encode());
  }

  private static int stockOf(ProductRepository repository, String id) {
    return await(repository.find(id)).orElseThrow().stock();
  }

  private static void assertConflict(Future<?> future) {
    try {
      Object result = future.await(60, TimeUnit.SECONDS);
      fail("expected a CONFLICT, got " + result);
    } catch (ServiceException e) {
      assertEquals(ErrorCode.CONFLICT, e.code(), e.getMessage());
    } catch (TimeoutException e) {
      fail("no answer");
    }
  }
}
