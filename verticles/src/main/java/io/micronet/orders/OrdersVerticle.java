package io.micronet.orders;

import io.micronet.shared.events.Feeds;
import io.micronet.shared.idempotency.IdempotencyPurge;
import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.service.ServiceClient;
import io.micronet.shared.service.ServiceIdentity;
import io.micronet.shared.service.ServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.util.Set;

import static io.micronet.shared.security.Access.ANY_ROLE;

/** Wiring only: the pool, the schema, the products client, the recovery timer, and the order actions. */
public class OrdersVerticle extends ServiceVerticle {

  public static final String SERVICE = "orders";

  private ServiceClient products;
  private long recoveryTimer = -1;

  @Override
  protected String serviceName() {
    return SERVICE;
  }

  @Override
  protected Future<ActionDispatcher> createActions() {
    Pool pool = pool();
    JsonObject settings = micronetConfig.section("services").getJsonObject(SERVICE, new JsonObject());
    OrderRepository repository = new OrderRepository(pool);
    IdempotentWrites writes = new IdempotentWrites(pool, SERVICE, micronetConfig.idempotencyTtl(), Clock.systemUTC());
    IdempotencyPurge expiredKeys = writes.purge();
    purgePeriodically(expiredKeys.what(), expiredKeys::run);
    products = new ServiceClient(vertx, discovery(), micronetConfig, BackendRegistries.getDefaultNow(), instanceId(),
      Set.of(ProductsInventory.PRODUCTS), new ServiceIdentity(verifier().tokens(), instanceId()));
    Inventory inventory = new ProductsInventory(products);
    OrderRecovery recovery = new OrderRecovery(repository, inventory, writes, Clock.systemUTC());
    OrderService service = new OrderService(repository, inventory, writes, recovery, Clock.systemUTC(),
      settings.getLong("answerWaitMs", 10_000L));
    long staleMs = settings.getLong("recoverAfterSeconds", 60L) * 1000;
    // after each run, what it could not finish goes to the alerts service (signals ordersStuckPending, recoveryBacklog)
    recoveryTimer = vertx.setPeriodic(settings.getLong("recoveryIntervalSeconds", 15L) * 1000,
      id -> recovery.recoverStale(staleMs, 100).compose(done -> recovery.leftOver(staleMs)).onSuccess(left -> {
        signal("ordersStuckPending", left[0]);
        signal("recoveryBacklog", left[1]);
      }));
    return repository.migrate(vertx).compose(v -> writes.migrate(vertx)).compose(v -> products.start())
      // signed-in users; the service checks ownership (a client sees and cancels its own orders only)
      .map(v -> actions()
        .on("place", ANY_ROLE, service::place)
        .on("list", ANY_ROLE, service::list)
        .on("get", ANY_ROLE, service::get)
        .on("cancel", ANY_ROLE, service::cancel));
  }

  private void signal(String name, long value) {
    Feeds.publish(vertx, Feeds.SIGNALS, new JsonObject().put("type", "signal").put("signal", name).put("service", SERVICE)
      .put("instance", instanceId()).put("value", value));
  }

  @Override
  protected Future<?> closeResources() {
    vertx.cancelTimer(recoveryTimer);
    return products.stop();
  }
}
