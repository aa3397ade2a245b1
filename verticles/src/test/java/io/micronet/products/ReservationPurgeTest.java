package io.micronet.products;

import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.validation.StockLine;
import io.micronet.storage.MutableClock;
import io.micronet.storage.TestDatabases;
import io.micronet.storage.TestDatabases.Engine;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.micronet.storage.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The purge of settled reservations ({@link ReservationPurge}) on both engines: released reservations and
 * tombstones older than the retention go, held ones never (a placed order may still be cancelled), younger
 * ones stay. This run's rows carry times of the year 2001 so that the purge, whose clock the test moves,
 * can reach no other test's rows in the shared PostgreSQL database; they are deleted at the end.
 */
class ReservationPurgeTest {

  private static final String PREFIX = "rp" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private static final Duration RETENTION = Duration.ofDays(7);
  private static final AtomicInteger SEQ = new AtomicInteger();

  @TempDir
  static Path tempDir;

  private static Vertx vertx;
  private static TestDatabases databases;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    databases = new TestDatabases(vertx, tempDir, pool -> {
      await(new ProductRepository(pool).migrate(vertx));
      await(new ReservationRepository(pool).migrate(vertx));
    });
  }

  @AfterAll
  static void stop() {
    try {
      databases.close(pool -> {
        await(SqlTemplate.forUpdate(pool, "DELETE FROM stock_reservations WHERE id LIKE #{prefix}")
          .execute(Map.of("prefix", PREFIX + "%")));
        await(SqlTemplate.forUpdate(pool, "DELETE FROM products WHERE name LIKE #{prefix}")
          .execute(Map.of("prefix", PREFIX + "%")));
      });
    } finally {
      await(vertx.close());
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void settledReservationsOlderThanTheRetentionGoAndHeldOnesNever(Engine engine) {
    forgetEarlierCases(engine);
    MutableClock clock = new MutableClock(Instant.parse("2001-03-01T00:00:00Z"));
    ReservationRepository reservations = new ReservationRepository(databases.pool(engine));
    ReservationPurge purge = new ReservationPurge(databases.pool(engine), RETENTION, clock);
    Product lamp = product(engine, 100);

    String held = id();
    await(reservations.reserve(held, List.of(new StockLine(lamp.id(), 5)), clock.millis()));
    String released = id();
    await(reservations.reserve(released, List.of(new StockLine(lamp.id(), 3)), clock.millis()));
    await(reservations.release(released, clock.millis()));
    String tombstone = id();
    await(reservations.release(tombstone, clock.millis()));
    clock.advance(Duration.ofDays(5));
    String recent = id();
    await(reservations.reserve(recent, List.of(new StockLine(lamp.id(), 2)), clock.millis()));
    await(reservations.release(recent, clock.millis()));
    assertEquals(95, stock(engine, lamp.id()), "5 held; the 3 and the 2 came back");

    clock.advance(Duration.ofDays(2).plusSeconds(1));
    assertEquals(2, (long) await(purge.run()), "the released reservation and the tombstone, 7 days old");
    assertEquals(List.of(held, recent), ids(engine), "the held one stays however old; the recent released one stays");

    clock.advance(Duration.ofDays(365));
    assertEquals(1, (long) await(purge.run()), "the recent one in its turn");
    assertEquals(List.of(held), ids(engine), "a held reservation is never purged");

    // the held one still does its job: the order's cancel gives its stock back, once
    assertEquals(List.of(lamp.id()), await(reservations.release(held, clock.millis())));
    assertEquals(100, stock(engine, lamp.id()));
    // a release of a purged reservation gives nothing back a second time
    assertEquals(List.of(), await(reservations.release(released, clock.millis())));
    assertEquals(100, stock(engine, lamp.id()));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aPurgeRunsInBatchesAndStopsAfterItsLimit(Engine engine) {
    forgetEarlierCases(engine);
    MutableClock clock = new MutableClock(Instant.parse("2001-06-01T00:00:00Z"));
    ReservationRepository reservations = new ReservationRepository(databases.pool(engine));
    ReservationPurge purge = new ReservationPurge(databases.pool(engine), RETENTION, clock);
    for (int i = 0; i < 5; i++) {
      await(reservations.release(id(), clock.millis()));
    }
    clock.advance(RETENTION.plusSeconds(1));

    assertEquals(4, (long) await(purge.run(2, 2)), "two batches of two");
    assertEquals(1, (long) await(purge.run(2, 2)), "the rest at the next run");
    assertEquals(0, (long) await(purge.run(2, 2)));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aLateReservationWithinTheRetentionIsStillRefused(Engine engine) {
    forgetEarlierCases(engine);
    MutableClock clock = new MutableClock(Instant.parse("2001-09-01T00:00:00Z"));
    ReservationRepository reservations = new ReservationRepository(databases.pool(engine));
    ReservationPurge purge = new ReservationPurge(databases.pool(engine), RETENTION, clock);
    Product lamp = product(engine, 10);
    String id = id();
    await(reservations.release(id, clock.millis()));
    clock.advance(RETENTION.minusMinutes(1));
    assertEquals(0, (long) await(purge.run()));

    Throwable refused = assertThrows(Exception.class, () -> reservations.reserve(id, List.of(new StockLine(lamp.id(), 1)),
      clock.millis()).await(60, TimeUnit.SECONDS));
    assertInstanceOf(ServiceException.class, refused, "the tombstone refuses it: " + refused);
    assertEquals(10, stock(engine, lamp.id()));
  }

  /** The cases share this run's old times: each starts without the rows the others left. */
  private static void forgetEarlierCases(Engine engine) {
    await(SqlTemplate.forUpdate(databases.pool(engine), "DELETE FROM stock_reservations WHERE id LIKE #{prefix}")
      .execute(Map.of("prefix", PREFIX + "%")));
  }

  private static List<String> ids(Engine engine) {
    List<String> ids = new java.util.ArrayList<>();
    await(SqlTemplate.forQuery(databases.pool(engine), "SELECT id FROM stock_reservations WHERE id LIKE #{prefix} "
        + "AND created_at < #{before} ORDER BY created_at, id")
      .execute(Map.of("prefix", PREFIX + "%", "before", Instant.parse("2001-05-01T00:00:00Z").toEpochMilli())))
      .forEach(row -> ids.add(row.getString("id")));
    return ids;
  }

  private static Product product(Engine engine, int stock) {
    long at = Instant.parse("2001-01-01T00:00:00Z").toEpochMilli();
    Product product = new Product(UUID.randomUUID().toString(), PREFIX + "Lamp-" + SEQ.incrementAndGet(), "made by " + PREFIX,
      PREFIX + "purge", 1_000, stock, at, at);
    return await(new ProductRepository(databases.pool(engine)).insert(product));
  }

  private static int stock(Engine engine, String productId) {
    return await(new ProductRepository(databases.pool(engine)).find(productId)).orElseThrow().stock();
  }

  private static String id() {
    // sortable within a test: ids() orders by time, then id
    return PREFIX + String.format("%04d", SEQ.incrementAndGet());
  }
}
