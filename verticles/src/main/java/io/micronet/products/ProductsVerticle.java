package io.micronet.products;

import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.service.ServiceVerticle;
import io.micronet.shared.storage.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.time.Clock;

/** Wiring only: the pool, the schema, and the catalog actions on this instance's address. */
public class ProductsVerticle extends ServiceVerticle {

  public static final String SERVICE = "products";

  private Pool pool;

  @Override
  protected String serviceName() {
    return SERVICE;
  }

  @Override
  protected Future<ActionDispatcher> createActions() {
    pool = Database.pool(vertx, micronetConfig);
    ProductRepository repository = new ProductRepository(pool);
    ProductService service = new ProductService(repository, Clock.systemUTC());
    return repository.migrate(vertx).map(v -> new ActionDispatcher(SERVICE)
      .on("list", service::list)
      .on("get", service::get)
      .on("create", service::create)
      .on("update", service::update)
      .on("delete", service::delete)
      .on("adjustStock", service::adjustStock));
  }

  @Override
  protected Future<?> closeResources() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
