package io.micronet.products;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The catalog logic on the embedded database: cache coherence with writes, and idempotency keys. */
@ExtendWith(VertxExtension.class)
class ProductServiceTest {

  private ProductRepository repository;
  private ProductService service;
  private final List<String> announced = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dataDir) {
    Pool pool = Database.pool(vertx, MicronetConfig.load(new JsonObject()
      .put("storage", new JsonObject().put("dataDir", dataDir.toString())), Map.of()));
    repository = new ProductRepository(pool);
    ReservationRepository reservations = new ReservationRepository(pool);
    IdempotentWrites writes = new IdempotentWrites(pool, "products");
    repository.migrate(vertx).compose(v -> reservations.migrate(vertx)).compose(v -> writes.migrate(vertx)).await();
    service = new ProductService(repository, reservations, writes, new ProductCache(Duration.ofMinutes(5), 100), announced::add,
      Clock.systemUTC());
  }

  @Test
  void aCachedReadNeverHidesAWriteMadeThroughTheService() {
    String id = create("Kettle", 10, null).getString("id");
    assertEquals(10, read(id).getInteger("stock"));
    assertEquals(10, read(id).getInteger("stock"), "second read from the cache");

    service.adjustStock(request("adjustStock", id, new JsonObject().put("delta", -4), null)).await();
    assertEquals(6, read(id).getInteger("stock"));
    assertEquals(List.of(id), announced, "the change is announced to the other instances");

    service.delete(request("delete", id, null, null)).await();
    ServiceException gone = assertThrows(ServiceException.class, () -> read(id));
    assertEquals(ErrorCode.NOT_FOUND, gone.code());
  }

  @Test
  void aChangeAnnouncedByAnotherInstanceIsSeenAtOnce() {
    String id = create("Teapot", 5, null).getString("id");
    assertEquals(5, read(id).getInteger("stock"));
    repository.adjustStock(id, 7, System.currentTimeMillis()).await();
    assertEquals(5, read(id).getInteger("stock"), "our cached copy until the other instance announces its change");
    service.evict(id);
    assertEquals(12, read(id).getInteger("stock"));
  }

  @Test
  void theSameKeyGivesTheFirstAnswerAndNeverASecondWrite() {
    String id = create("Mug", 50, null).getString("id");
    JsonObject delta = new JsonObject().put("delta", -5);
    ServiceResponse first = service.adjustStock(request("adjustStock", id, delta, "key-1")).await();
    ServiceResponse again = service.adjustStock(request("adjustStock", id, delta, "key-1")).await();
    assertEquals(45, json(first.body()).getInteger("stock"));
    assertEquals(first.status(), again.status());
    assertEquals(json(first.body()), json(again.body()), "the first answer again");
    assertEquals(45, read(id).getInteger("stock"), "applied once");

    ServiceException other = assertThrows(ServiceException.class,
      () -> service.adjustStock(request("adjustStock", id, new JsonObject().put("delta", -6), "key-1")).await());
    assertEquals(ErrorCode.CONFLICT, other.code());
    assertEquals(45, read(id).getInteger("stock"));
  }

  @Test
  void racingRequestsWithOneKeyCreateOneProduct() {
    JsonObject body = new JsonObject().put("name", "Bowl").put("category", "kitchen").put("price", 3.5);
    List<Future<ServiceResponse>> racing = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      racing.add(service.create(new ServiceRequest("create", "r" + i, "u1", "manager", "create-bowl", new JsonObject(),
        new JsonObject(), body)));
    }
    Future.join(racing).otherwiseEmpty().await();
    String id = null;
    for (Future<ServiceResponse> response : racing) {
      if (response.succeeded()) {
        assertEquals(201, response.result().status());
        String created = json(response.result().body()).getString("id");
        assertEquals(id == null ? created : id, created, "every success names the same product");
        id = created;
      } else {
        assertEquals(ErrorCode.CONFLICT, ((ServiceException) response.cause()).code(), "a loser is told to retry, never a 500");
      }
    }
    JsonObject page = (JsonObject) service.list(new ServiceRequest("list", "r", null, null, null, new JsonObject(),
      new JsonObject().put("q", "Bowl"), null)).await().body();
    assertEquals(1, page.getLong("total"));
  }

  private JsonObject create(String name, int stock, String key) {
    return json(service.create(request("create", null,
      new JsonObject().put("name", name).put("category", "kitchen").put("price", 9.99).put("stock", stock), key)).await().body());
  }

  private JsonObject read(String id) {
    return json(service.get(request("get", id, null, null)).await().body());
  }

  /** A body as a client sees it: encoded JSON (a cached or replayed answer) or an object, decoded alike. */
  private static JsonObject json(Object body) {
    return body instanceof Buffer buffer ? buffer.toJsonObject() : new JsonObject(((JsonObject) body).encode());
  }

  private static ServiceRequest request(String action, String id, JsonObject body, String key) {
    JsonObject params = id == null ? new JsonObject() : new JsonObject().put("id", id);
    return new ServiceRequest(action, "req", "manager-1", "manager", key, params, new JsonObject(), body);
  }
}
