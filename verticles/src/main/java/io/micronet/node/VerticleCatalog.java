package io.micronet.node;

import io.micronet.activity.ActivityVerticle;
import io.micronet.alerts.AlertsVerticle;
import io.micronet.chatops.ChatopsVerticle;
import io.micronet.demo.DemoLoadVerticle;
import io.micronet.demo.SimulatedServiceVerticle;
import io.micronet.gateway.GatewayVerticle;
import io.micronet.metrics.MetricsVerticle;
import io.micronet.monitor.MonitorVerticle;
import io.micronet.orders.OrdersVerticle;
import io.micronet.products.ProductsVerticle;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.config.ServiceDefinition;
import io.micronet.users.UsersVerticle;
import io.vertx.core.Deployable;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * How to make an instance of each verticle type ({@code type} of a service definition). Everything else about a
 * service (scope, instances, nodes, stateful, drain order) is in its definition ({@code services.definitions}):
 * adding a kind of verticle is one line here and one definition in conf.
 */
final class VerticleCatalog {

  private static final Map<String, Supplier<Deployable>> FACTORIES = Map.ofEntries(
    Map.entry("gateway", GatewayVerticle::new),
    Map.entry("users", UsersVerticle::new),
    Map.entry("products", ProductsVerticle::new),
    Map.entry("orders", OrdersVerticle::new),
    Map.entry("monitor", MonitorVerticle::new),
    Map.entry("simulated", SimulatedServiceVerticle::new),
    Map.entry("demo-load", DemoLoadVerticle::new),
    Map.entry("metrics", MetricsVerticle::new),
    Map.entry("activity", ActivityVerticle::new),
    Map.entry("chatops", ChatopsVerticle::new),
    Map.entry("alerts", AlertsVerticle::new));

  private VerticleCatalog() {
  }

  /** A new instance of the verticle that runs {@code definition}. */
  static Deployable create(ServiceDefinition definition) {
    Supplier<Deployable> factory = FACTORIES.get(definition.type());
    if (factory == null) {
      throw unknownType(definition);
    }
    return factory.get();
  }

  /**
   * Checks a node's configuration before anything starts: every name in {@code node.verticles} is a defined service,
   * and this build can run the type of each; the message says what is wrong and what would be right.
   */
  static void check(MicronetConfig config) {
    List<String> unknown = config.verticles().stream().filter(name -> config.definitions().find(name).isEmpty()).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown verticle(s) " + unknown + " in node.verticles / MICRONET_VERTICLES; "
        + "the defined services (services.definitions) are " + config.definitions().names());
    }
    for (String name : config.verticles()) {
      ServiceDefinition definition = config.definitions().get(name);
      if (!FACTORIES.containsKey(definition.type())) {
        throw unknownType(definition);
      }
    }
  }

  private static IllegalArgumentException unknownType(ServiceDefinition definition) {
    return new IllegalArgumentException("service '" + definition.name() + "' has type '" + definition.type()
      + "', which this build cannot run; the known types are " + new TreeSet<>(FACTORIES.keySet()));
  }
}
