package io.micronet.products;

import io.micronet.shared.idempotency.IdempotencyPurge;
import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.security.Access;
import io.micronet.shared.service.ServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.time.Duration;

import static io.micronet.shared.security.Access.MANAGER;
import static io.micronet.shared.security.Access.PUBLIC;

/** Wiring only: the pool, the schema, the purges of old rows, and the catalog's action table (who may run what) on this instance's address. */
public class ProductsVerticle extends ServiceVerticle {

  public static final String SERVICE = "products";
  /** Published cluster-wide after every change of a product (body: its id), so every instance evicts it. */
  static final String CHANGED_ADDRESS = "micronet.products.changed";

  @Override
  protected String serviceName() {
    return SERVICE;
  }

  @Override
  protected Future<ActionDispatcher> createActions() {
    Pool pool = pool();
    ProductRepository repository = new ProductRepository(pool);
    JsonObject settings = micronetConfig.section("services").getJsonObject(SERVICE, new JsonObject());
    ProductCache cache = new ProductCache(Duration.ofMillis(settings.getLong("cacheTtlMs", 0L)), settings.getLong("cacheEntries", 10_000L));
    ReservationRepository reservations = new ReservationRepository(pool);
    IdempotentWrites writes = new IdempotentWrites(pool, SERVICE, micronetConfig.idempotencyTtl(), Clock.systemUTC());
    IdempotencyPurge expiredKeys = writes.purge();
    purgePeriodically(expiredKeys.what(), expiredKeys::run);
    purgePeriodically("released stock reservations", new ReservationPurge(pool, micronetConfig.reservationRetention(),
      Clock.systemUTC())::run);
    ProductService service = new ProductService(repository, reservations, writes, cache,
      id -> vertx.eventBus().publish(CHANGED_ADDRESS, id), Clock.systemUTC());
    vertx.eventBus().<String>consumer(CHANGED_ADDRESS, message -> service.evict(message.body()));
    return repository.migrate(vertx).compose(v -> reservations.migrate(vertx)).compose(v -> writes.migrate(vertx)).map(v -> actions()
      .on("list", PUBLIC, service::list)
      .on("get", PUBLIC, service::get)
      .on("create", MANAGER, service::create)
      .on("update", MANAGER, service::update)
      .on("delete", MANAGER, service::delete)
      .on("adjustStock", MANAGER, service::adjustStock)
      // internal, for the orders service (its service token): not routed by the gateway
      .on("reserve", Access.SERVICE, service::reserve)
      .on("release", Access.SERVICE, service::release));
  }
}
