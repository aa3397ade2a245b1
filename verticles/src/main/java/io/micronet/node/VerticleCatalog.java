package io.micronet.node;

import io.micronet.gateway.GatewayVerticle;
import io.micronet.orders.OrdersVerticle;
import io.micronet.products.ProductsVerticle;
import io.micronet.users.UsersVerticle;
import io.vertx.core.Deployable;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The verticles a node can run, by the names used in conf files and {@code MICRONET_VERTICLES}. */
final class VerticleCatalog {

  /** Services first, the gateway last: it then finds this node's instances on its first look. */
  static final Map<String, Supplier<Deployable>> VERTICLES = new LinkedHashMap<>();

  static {
    VERTICLES.put(UsersVerticle.SERVICE, UsersVerticle::new);
    VERTICLES.put(ProductsVerticle.SERVICE, ProductsVerticle::new);
    VERTICLES.put(OrdersVerticle.SERVICE, OrdersVerticle::new);
    VERTICLES.put("gateway", GatewayVerticle::new);
  }

  /** Verticles whose data lives in a database: they must share PostgreSQL when several nodes run them. */
  static boolean isStateful(String name) {
    return ProductsVerticle.SERVICE.equals(name) || UsersVerticle.SERVICE.equals(name) || OrdersVerticle.SERVICE.equals(name);
  }

  private VerticleCatalog() {
  }
}
