package io.micronet.orders;

import io.micronet.products.Product;
import io.micronet.products.ProductRepository;
import io.micronet.products.ProductsVerticle;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.security.Tokens;
import io.micronet.shared.service.ServiceClient;
import io.micronet.shared.service.ServiceIdentity;
import io.micronet.shared.storage.Database;
import io.micronet.shared.validation.StockLine;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The order workflow on the embedded database with the real products service: a {@link ProductsVerticle}
 * deployed in the test's Vert.x (its database in a temporary dir), reached through discovery by a
 * {@link ServiceClient}, exactly as the orders verticle reaches it. The inventory is wrapped so a test can
 * interfere right after a real reservation, or make the products service unreachable for a release; the
 * clock is the test's, so "stale" never depends on how fast the machine is.
 */
@ExtendWith(VertxExtension.class)
class OrderServiceTest {

  private static final long HANG_GUARD_SECONDS = 60;
  private static final long STALE_MS = 60_000;

  private Vertx vertx;
  private Context context;
  private ServiceClient productsClient;
  private ProductsInventory productsInventory;
  private TestInventory inventory;
  private OrderRepository repository;
  private ProductRepository catalog;
  private IdempotentWrites writes;
  private TestClock clock;
  private OrderRecovery recovery;
  private OrderService service;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dataDir) {
    this.vertx = vertx;
    // the breaker's call timeout is a hang guard here, not something under test
    MicronetConfig config = MicronetConfig.load(new JsonObject()
      .put("storage", new JsonObject().put("dataDir", dataDir.toString()).putNull("dbUrl"))
      .put("breaker", new JsonObject().put("callTimeoutMs", 30_000)), Map.of());
    await(vertx.deployVerticle(new ProductsVerticle(), new DeploymentOptions().setConfig(config.json())));

    Pool pool = Database.pool(vertx, config);
    repository = new OrderRepository(pool);
    writes = new IdempotentWrites(pool, OrdersVerticle.SERVICE);
    catalog = new ProductRepository(pool);
    context = vertx.getOrCreateContext();
    // the orders instance's own service identity: products' reserve/release accept nothing else
    ServiceIdentity identity = new ServiceIdentity(Tokens.load(vertx, config).await(), "orders-test");
    productsClient = new ServiceClient(vertx, ServiceDiscovery.create(vertx), config, null, "orders-test",
      Set.of(ProductsInventory.PRODUCTS), identity);
    onContext(() -> repository.migrate(vertx).compose(v -> writes.migrate(vertx)).compose(v -> productsClient.start()));
    productsInventory = new ProductsInventory(productsClient);
    inventory = new TestInventory(productsInventory);
    clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z").toEpochMilli());
    recovery = new OrderRecovery(repository, inventory, writes, clock);
    service = new OrderService(repository, inventory, writes, recovery, clock, 1_000);
  }

  @AfterEach
  void stop() {
    if (productsClient != null) {
      onContext(() -> productsClient.stop());
    }
  }

  // ---- a placement given up after its reservation ------------------------------------------------

  @Test
  void aPlacementFencedOffWhileItReservedIsNeverPlacedAndRecoveryGivesTheStockBack() {
    Product product = product("Teapot", 450, 10);
    JsonObject body = items(product.id(), 3);
    AtomicInteger stockWhileReserved = new AtomicInteger(-1);
    // while the products service reserves the stock, recovery (on another instance) fences the pending order off
    inventory.afterReserve = orderId -> {
      inventory.afterReserve = null;
      return catalog.find(product.id())
        .onSuccess(found -> stockWhileReserved.set(found.orElseThrow().stock()))
        .compose(v -> repository.abandon(orderId, clock.millis()))
        .mapEmpty();
    };

    ServiceException failed = failure(() -> service.place(place("u-1", "key-given-up", body)));

    assertEquals(7, stockWhileReserved.get(), "the stock really was reserved before the placement was fenced off");
    assertTrue(failed.code().httpStatus() >= 500, "a server-side failure, not the caller's fault: " + failed.code());
    assertEquals(0, listOf("u-1").getLong("total"), "no order was recorded");

    // the undoing belongs to whoever fenced it off: recovery releases the stock and frees the key
    clock.advance(STALE_MS + 1);
    assertEquals(1, onContext(() -> recovery.recoverStale(STALE_MS, 100)));
    assertEquals(10, stock(product), "the reservation was released");

    ServiceResponse retried = onContext(() -> service.place(place("u-1", "key-given-up", body)));
    assertEquals(201, retried.status());
    JsonObject order = (JsonObject) retried.body();
    assertEquals(Order.PLACED, order.getString("status"));
    assertEquals(7, stock(product));
    assertEquals(1, listOf("u-1").getLong("total"));
  }

  // ---- the caller's deadline ------------------------------------------------------------------------

  @Test
  void aPlacementWhoseCallerStoppedWaitingBeforeItStartsTakesNothing() {
    Product product = product("Jug", 900, 4);
    JsonObject body = items(product.id(), 1);

    ServiceException failed = failure(() -> service.place(withDeadline(place("u-3", "late-key", body),
      System.currentTimeMillis() - 1)));

    assertEquals(ErrorCode.UPSTREAM_TIMEOUT, failed.code());
    assertEquals(4, stock(product), "nothing reserved");
    assertEquals(0, listOf("u-3").getLong("total"), "no order");
    assertEquals(201, onContext(() -> service.place(place("u-3", "late-key", body))).status(),
      "the key was given up with the attempt");
  }

  @Test
  void aReservationThatCompletesAfterTheCallerStoppedWaitingIsReleasedNotCharged() {
    Product product = product("Carafe", 1200, 4);
    JsonObject body = items(product.id(), 2);
    long deadline = System.currentTimeMillis() + 300;
    // the products service answers, but only after the caller has had its 504
    inventory.afterReserve = orderId -> {
      inventory.afterReserve = null;
      Promise<Void> late = Promise.promise();
      vertx.setTimer(Math.max(1, deadline - System.currentTimeMillis() + 100), id -> late.complete());
      return late.future();
    };

    ServiceException failed = failure(() -> service.place(withDeadline(place("u-4", null, body), deadline)));

    assertEquals(ErrorCode.UPSTREAM_TIMEOUT, failed.code());
    assertEquals(4, stock(product), "the reservation was released");
    assertEquals(0, listOf("u-4").getLong("total"), "no order the caller does not know of");
  }

  // ---- recovery ---------------------------------------------------------------------------------

  @Test
  void recoveryDropsAStalePendingOrderReleasesItsStockAndFreesItsKey() {
    Product product = product("Kettle", 2_500, 10);
    JsonObject body = items(product.id(), 4);
    ServiceRequest interrupted = place("u-2", "key-interrupted", body);

    // a placement interrupted after its reservation: pending order + key claim, and the stock held
    Order stale = pending("u-2", "key-interrupted", product.id(), 4);
    onContext(() -> repository.insertPending(stale, conn -> writes.claim(conn, interrupted, body)));
    onContext(() -> productsInventory.reserve(stale.id(), List.of(new StockLine(product.id(), 4)), interrupted));
    // one interrupted before its reservation: nothing held
    Order neverReserved = pending("u-3", null, product.id(), 2);
    onContext(() -> repository.insertPending(neverReserved, conn -> Future.succeededFuture()));
    assertEquals(6, stock(product));

    // while it is unfinished, the key is taken: the same request is told it is in progress
    ServiceException stuck = failure(() -> service.place(place("u-2", "key-interrupted", body)));
    assertEquals(ErrorCode.CONFLICT, stuck.code(), stuck.getMessage());
    assertEquals(6, stock(product), "and takes nothing");

    clock.advance(2 * STALE_MS);
    // a placement still under way (recent) is left alone
    Order recent = pending("u-4", null, product.id(), 1);
    onContext(() -> repository.insertPending(recent, conn -> Future.succeededFuture()));
    onContext(() -> productsInventory.reserve(recent.id(), List.of(new StockLine(product.id(), 1)), interrupted));
    assertEquals(5, stock(product));

    assertEquals(2, onContext(() -> recovery.recoverStale(STALE_MS, 100)), "both stale placements recovered");

    assertEquals(Optional.empty(), onContext(() -> repository.find(stale.id())), "the stale order is dropped");
    assertEquals(Optional.empty(), onContext(() -> repository.find(neverReserved.id())));
    assertEquals(Order.PENDING, onContext(() -> repository.find(recent.id())).orElseThrow().status(), "the recent one is not");
    assertEquals(9, stock(product), "the stale order's stock is back, the recent one's still held");
    assertEquals(0, onContext(() -> recovery.recoverStale(STALE_MS, 100)), "nothing is left to recover");
    assertEquals(9, stock(product));

    // the key can be used again, for a new order
    ServiceResponse again = onContext(() -> service.place(place("u-2", "key-interrupted", body)));
    assertEquals(201, again.status());
    JsonObject order = (JsonObject) again.body();
    assertNotEquals(stale.id(), order.getString("id"));
    assertEquals(Order.PLACED, order.getString("status"));
    assertEquals(5, stock(product));
    JsonArray mine = listOf("u-2").getJsonArray("items");
    assertEquals(1, mine.size());
    assertEquals(order.getString("id"), mine.getJsonObject(0).getString("id"));
  }

  @Test
  void aCancelledOrderWhoseStockCouldNotBeReturnedGetsItBackOnRecoveryExactlyOnce() {
    Product product = product("Lantern", 1_200, 10);
    JsonObject placed = (JsonObject) onContext(() -> service.place(place("u-5", null, items(product.id(), 3)))).body();
    String id = placed.getString("id");
    assertEquals(7, stock(product));

    inventory.releaseFails = true;
    ServiceResponse cancelled = onContext(() -> service.cancel(action("cancel", "u-5", id)));
    assertEquals(200, cancelled.status());
    assertEquals(Order.CANCELLED, ((JsonObject) cancelled.body()).getString("status"), "the cancellation stands");
    assertEquals(7, stock(product), "the products service was unreachable: the stock is not back yet");
    int releaseAttempts = inventory.releases.get();

    inventory.releaseFails = false;
    clock.advance(2 * STALE_MS);
    assertEquals(1, onContext(() -> recovery.recoverStale(STALE_MS, 100)));
    assertTrue(inventory.releases.get() > releaseAttempts, "recovery asked the products service");
    assertEquals(10, stock(product), "the stock is back");

    clock.advance(2 * STALE_MS);
    assertEquals(0, onContext(() -> recovery.recoverStale(STALE_MS, 100)), "nothing is left to recover");
    assertEquals(10, stock(product), "returned once");
    // however often the products service is asked again, the stock comes back once
    onContext(() -> productsInventory.release(id, action("cancel", "u-5", id)));
    assertEquals(10, stock(product));

    ServiceException again = failure(() -> service.cancel(action("cancel", "u-5", id)));
    assertEquals(ErrorCode.CONFLICT, again.code());
    assertEquals(10, stock(product));
    assertEquals(Order.CANCELLED, ((JsonObject) onContext(() -> service.get(action("get", "u-5", id))).body()).getString("status"));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The real inventory, with hooks: something to do right after a reservation, and releases that fail. */
  private static final class TestInventory implements Inventory {
    private final Inventory real;
    volatile Function<String, Future<Void>> afterReserve;
    volatile boolean releaseFails;
    final AtomicInteger releases = new AtomicInteger();

    TestInventory(Inventory real) {
      this.real = real;
    }

    @Override
    public Future<List<OrderLine>> reserve(String orderId, List<StockLine> lines, ServiceRequest origin) {
      Function<String, Future<Void>> hook = afterReserve;
      return real.reserve(orderId, lines, origin)
        .compose(reserved -> hook == null ? Future.succeededFuture(reserved) : hook.apply(orderId).map(reserved));
    }

    @Override
    public Future<Void> release(String orderId, ServiceRequest origin) {
      releases.incrementAndGet();
      if (releaseFails) {
        return Future.failedFuture(new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "products unreachable (test)"));
      }
      return real.release(orderId, origin);
    }
  }

  /** A clock only the test moves. */
  private static final class TestClock extends Clock {
    private final AtomicLong now;

    TestClock(long start) {
      now = new AtomicLong(start);
    }

    void advance(long millis) {
      now.addAndGet(millis);
    }

    @Override
    public long millis() {
      return now.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this; // the service only reads millis()
    }
  }

  private Product product(String name, long priceCents, int stock) {
    long now = System.currentTimeMillis();
    Product product = new Product(UUID.randomUUID().toString(), name + " " + UUID.randomUUID(), "", "test", priceCents,
      stock, now, now);
    return onContext(() -> catalog.insert(product));
  }

  private int stock(Product product) {
    return onContext(() -> catalog.find(product.id())).orElseThrow().stock();
  }

  private Order pending(String userId, String key, String productId, int quantity) {
    long now = clock.millis();
    return new Order(UUID.randomUUID().toString(), userId, Order.PENDING, List.of(new OrderLine(productId, null, quantity, 0)),
      0, key, now, now);
  }

  private JsonObject listOf(String userId) {
    ServiceRequest request = new ServiceRequest("list", "req-" + UUID.randomUUID(), userId, "client", null,
      new JsonObject(), new JsonObject(), null);
    return (JsonObject) onContext(() -> service.list(request)).body();
  }

  private static JsonObject items(String productId, int quantity) {
    return new JsonObject().put("items", new JsonArray().add(new JsonObject().put("productId", productId).put("quantity", quantity)));
  }

  private static ServiceRequest place(String userId, String key, JsonObject body) {
    return new ServiceRequest("place", "req-" + UUID.randomUUID(), userId, "client", key, new JsonObject(),
      new JsonObject(), body);
  }

  private static ServiceRequest withDeadline(ServiceRequest request, long deadline) {
    return new ServiceRequest(request.action(), request.requestId(), request.caller(),
      request.idempotencyKey(), request.params(), request.query(), request.body(), null, deadline);
  }

  private static ServiceRequest action(String action, String userId, String orderId) {
    return new ServiceRequest(action, "req-" + UUID.randomUUID(), userId, "client", null,
      new JsonObject().put("id", orderId), new JsonObject(), null);
  }

  /** Runs {@code action} on one Vert.x context (as a service handler runs) and waits for its result. */
  private <T> T onContext(Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.get().onComplete(result);
      } catch (RuntimeException e) {
        result.fail(e);
      }
    });
    return await(result.future());
  }

  /** The ServiceException {@code action} fails with; fails the test when it succeeds or fails otherwise. */
  private ServiceException failure(Supplier<Future<ServiceResponse>> action) {
    try {
      ServiceResponse response = onContext(action);
      fail("expected a failure, got " + response.status() + " " + response.body());
      return null;
    } catch (ServiceException e) {
      return e;
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no result after " + HANG_GUARD_SECONDS + " s", e);
    }
  }
}
