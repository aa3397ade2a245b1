package io.micronet.products;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.validation.StockLine;
import io.micronet.storage.TestDatabases;
import io.micronet.storage.TestDatabases.Engine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.micronet.storage.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Stock reservations for orders against both engines of {@link TestDatabases}, the way
 * {@link ProductRepositoryTest} runs them. Every row written here is scoped to this run ({@link #PREFIX} in
 * product names and reservation ids) and deleted at the end.
 */
class ReservationRepositoryTest {

  static final String PREFIX = "rv" + UUID.randomUUID().toString().substring(0, 8) + "-";
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
  void aShortLineReservesNothingAtAll(Engine engine) {
    ReservationRepository reservations = reservations(engine);
    Product plenty = product(engine, "Plenty", 250, 5);
    Product scarce = product(engine, "Scarce", 400, 1);
    String id = reservationId();

    ServiceException refused = refusal(reservations.reserve(id,
      List.of(new StockLine(plenty.id(), 2), new StockLine(scarce.id(), 3)), now()));

    assertEquals(ErrorCode.OUT_OF_STOCK, refused.code(), refused.getMessage());
    JsonArray shortLines = ((JsonObject) refused.details()).getJsonArray("items");
    assertEquals(1, shortLines.size(), "only the short line is named: " + shortLines);
    JsonObject named = shortLines.getJsonObject(0);
    assertEquals(scarce.id(), named.getString("productId"));
    assertEquals(3, named.getInteger("requested"));
    assertEquals(1, named.getInteger("available"));
    assertEquals(5, stock(engine, plenty.id()), "the first line's stock is untouched");
    assertEquals(1, stock(engine, scarce.id()), "the short line's stock is untouched");

    // the refusal held nothing: giving the id back moves no stock either
    assertEquals(List.of(), await(reservations.release(id, now())));
    assertEquals(5, stock(engine, plenty.id()));
    assertEquals(1, stock(engine, scarce.id()));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void anUnknownProductIsNamedAndNothingIsTaken(Engine engine) {
    ReservationRepository reservations = reservations(engine);
    Product known = product(engine, "Known", 100, 4);
    String missing = UUID.randomUUID().toString();

    ServiceException refused = refusal(reservations.reserve(reservationId(),
      List.of(new StockLine(known.id(), 1), new StockLine(missing, 1)), now()));

    assertEquals(ErrorCode.VALIDATION_FAILED, refused.code(), refused.getMessage());
    JsonObject details = (JsonObject) refused.details();
    assertTrue(details.containsKey("items[1].productId"), "the unknown line is named: " + details);
    assertEquals(1, details.size(), "and only that line: " + details);
    assertEquals(4, stock(engine, known.id()), "the known line's stock is untouched");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void theSameIdAgainAnswersTheFirstReservationAndTakesStockOnce(Engine engine) {
    ReservationRepository reservations = reservations(engine);
    Product lamp = product(engine, "Lamp", 1_999, 10);
    Product bulb = product(engine, "Bulb", 350, 10);
    String id = reservationId();
    List<StockLine> lines = List.of(new StockLine(lamp.id(), 2), new StockLine(bulb.id(), 3));

    JsonArray first = await(reservations.reserve(id, lines, now()));
    assertEquals(new JsonArray()
        .add(new JsonObject().put("productId", lamp.id()).put("quantity", 2).put("name", lamp.name()).put("priceCents", 1_999L))
        .add(new JsonObject().put("productId", bulb.id()).put("quantity", 3).put("name", bulb.name()).put("priceCents", 350L)),
      first, "each line with the product's name and price, in the caller's order");
    assertEquals(8, stock(engine, lamp.id()));
    assertEquals(7, stock(engine, bulb.id()));

    JsonArray again = await(reservations.reserve(id, lines, now()));
    assertEquals(first, again, "the first answer");
    assertEquals(8, stock(engine, lamp.id()), "taken once");
    assertEquals(7, stock(engine, bulb.id()), "taken once");

    // retries racing each other: still one reservation
    List<Future<JsonArray>> racing = new ArrayList<>();
    String raced = reservationId();
    for (int i = 0; i < 5; i++) {
      racing.add(reservations.reserve(raced, List.of(new StockLine(lamp.id(), 1)), now()));
    }
    await(Future.join(racing).otherwiseEmpty());
    for (Future<JsonArray> attempt : racing) {
      assertTrue(attempt.succeeded(), () -> "a retried reservation is answered, not refused: " + attempt.cause());
      assertEquals(racing.get(0).result(), attempt.result());
    }
    assertEquals(7, stock(engine, lamp.id()), "five racing calls with one id take one unit");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void releasingTwiceGivesTheStockBackOnce(Engine engine) {
    ReservationRepository reservations = reservations(engine);
    Product kettle = product(engine, "Kettle", 2_500, 10);
    String id = reservationId();
    await(reservations.reserve(id, List.of(new StockLine(kettle.id(), 3)), now()));
    assertEquals(7, stock(engine, kettle.id()));

    assertEquals(List.of(kettle.id()), await(reservations.release(id, now())), "the product whose stock changed");
    assertEquals(10, stock(engine, kettle.id()));
    assertEquals(List.of(), await(reservations.release(id, now())), "nothing changes the second time");
    assertEquals(10, stock(engine, kettle.id()), "given back once");

    ServiceException refused = refusal(reservations.reserve(id, List.of(new StockLine(kettle.id(), 3)), now()));
    assertEquals(ErrorCode.CONFLICT, refused.code(), "a released reservation is not taken again: " + refused.getMessage());
    assertEquals(10, stock(engine, kettle.id()));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aReleaseBeforeItsReservationRefusesTheLateReservation(Engine engine) {
    ReservationRepository reservations = reservations(engine);
    Product pan = product(engine, "Pan", 3_000, 6);
    String id = reservationId();

    assertEquals(List.of(), await(reservations.release(id, now())), "nothing was held");
    assertEquals(6, stock(engine, pan.id()));

    ServiceException refused = refusal(reservations.reserve(id, List.of(new StockLine(pan.id(), 2)), now()));
    assertEquals(ErrorCode.CONFLICT, refused.code(), refused.getMessage());
    assertEquals(409, refused.code().httpStatus());
    assertEquals(6, stock(engine, pan.id()), "the late reservation took nothing");
    assertEquals(List.of(), await(reservations.release(id, now())), "and there is nothing to give back");
    assertEquals(6, stock(engine, pan.id()));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aHundredConcurrentReservationsOfOneUnitAgainstThirtyTakeExactlyThirty(Engine engine) {
    ReservationRepository reservations = reservations(engine);
    Product hot = product(engine, "Hot Item", 999, 30);
    List<Future<JsonArray>> attempts = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      attempts.add(reservations.reserve(reservationId(), List.of(new StockLine(hot.id(), 1)), now()));
    }
    await(Future.join(attempts).otherwiseEmpty());

    int succeeded = 0;
    int outOfStock = 0;
    for (Future<JsonArray> attempt : attempts) {
      if (attempt.succeeded()) {
        succeeded++;
      } else if (attempt.cause() instanceof ServiceException e && e.code() == ErrorCode.OUT_OF_STOCK) {
        outOfStock++;
      } else {
        fail("neither reserved nor out of stock: " + attempt.cause(), attempt.cause());
      }
    }
    assertEquals(30, succeeded, "exactly the stock was reserved");
    assertEquals(70, outOfStock, "every other reservation was refused");
    assertEquals(0, stock(engine, hot.id()), "nothing left, and never below zero");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void releasesAndReservationsOfTheSameProductsListedInOppositeOrdersNeverDeadlock(Engine engine) {
    ReservationRepository reservations = reservations(engine);
    Product a = product(engine, "Left", 100, 1000);
    Product b = product(engine, "Right", 100, 1000);
    List<String> held = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String id = reservationId();
      await(reservations.reserve(id, List.of(new StockLine(b.id(), 1), new StockLine(a.id(), 1)), now()));
      held.add(id);
    }

    List<Future<?>> racing = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      racing.add(reservations.release(held.get(i), now()));
      racing.add(reservations.reserve(reservationId(), List.of(new StockLine(a.id(), 1), new StockLine(b.id(), 1)), now()));
    }
    await(Future.join(racing).otherwiseEmpty());

    for (Future<?> attempt : racing) {
      assertTrue(attempt.succeeded(), "no deadlock, no failure: " + attempt.cause());
    }
    assertEquals(960, stock(engine, a.id()), "40 released, 40 taken again");
    assertEquals(960, stock(engine, b.id()));
  }

  /**
   * A release racing its own reservation (an order given up while its reservation is still on the way, as across a
   * network partition): once both have finished, a release that answered must have left nothing held, whichever came
   * first, and the stock must be whole again.
   */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void aReleaseRacingItsReservationNeverLeavesItHeld(Engine engine) {
    ReservationRepository reservations = reservations(engine);
    Product racy = product(engine, "Racy", 100, 1000);
    List<String> ids = new ArrayList<>();
    List<Future<?>> racing = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      String id = reservationId();
      ids.add(id);
      racing.add(reservations.reserve(id, List.of(new StockLine(racy.id(), 1)), now()).otherwiseEmpty());
      racing.add(reservations.release(id, now()));
    }
    await(Future.join(racing).otherwiseEmpty());
    for (Future<?> attempt : racing) {
      assertTrue(attempt.succeeded(), "every release answers (reservations may be refused): " + attempt.cause());
    }
    List<String> stillHeld = ids.stream().filter(id -> "RESERVED".equals(status(engine, id))).toList();
    assertEquals(List.of(), stillHeld, "reservations left held after their release answered");
    assertEquals(1000, stock(engine, racy.id()), "every unit given back");
  }

  /** Two releases racing each other and their reservation (a retried cancel, recovery): the stock comes back once. */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void twoReleasesRacingTheirReservationGiveTheStockBackOnce(Engine engine) {
    ReservationRepository reservations = reservations(engine);
    Product racy = product(engine, "Racy twice", 100, 1000);
    List<String> ids = new ArrayList<>();
    List<Future<?>> racing = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      String id = reservationId();
      ids.add(id);
      racing.add(reservations.release(id, now()));
      racing.add(reservations.reserve(id, List.of(new StockLine(racy.id(), 2)), now()).otherwiseEmpty());
      racing.add(reservations.release(id, now()));
    }
    await(Future.join(racing).otherwiseEmpty());
    for (Future<?> attempt : racing) {
      assertTrue(attempt.succeeded(), "every release answers: " + attempt.cause());
    }
    assertEquals(List.of(), ids.stream().filter(id -> "RESERVED".equals(status(engine, id))).toList());
    assertEquals(1000, stock(engine, racy.id()), "given back exactly once");
  }

  private static String status(Engine engine, String id) {
    var rows = await(SqlTemplate.forQuery(databases.pool(engine), "SELECT status FROM stock_reservations WHERE id = #{id}")
      .execute(Map.of("id", id)));
    return rows.size() == 0 ? null : rows.iterator().next().getString("status");
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static ReservationRepository reservations(Engine engine) {
    return new ReservationRepository(databases.pool(engine));
  }

  private static Product product(Engine engine, String label, long priceCents, int stock) {
    long now = now();
    Product product = new Product(UUID.randomUUID().toString(), PREFIX + label + "-" + SEQ.incrementAndGet(),
      "made by " + PREFIX, PREFIX + "reservations", priceCents, stock, now, now);
    return await(new ProductRepository(databases.pool(engine)).insert(product));
  }

  private static int stock(Engine engine, String productId) {
    return await(new ProductRepository(databases.pool(engine)).find(productId)).orElseThrow().stock();
  }

  private static String reservationId() {
    return PREFIX + UUID.randomUUID();
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  /** The refusal {@code future} fails with; fails the test when it succeeds or fails otherwise. */
  private static ServiceException refusal(Future<?> future) {
    try {
      Object result = future.await(60, TimeUnit.SECONDS);
      fail("expected a refusal, got " + result);
      return null;
    } catch (ServiceException e) {
      return e;
    } catch (TimeoutException e) {
      throw new AssertionError("no answer after 60 s", e);
    }
  }
}
