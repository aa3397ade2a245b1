package io.micronet.chatops;

import io.micronet.shared.config.ServiceDefinitions;
import io.micronet.shared.discovery.InstanceRecords;
import io.micronet.shared.service.ServiceClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.ServiceDiscovery;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * {@link Platform} over the event bus: each call through this instance's {@link ServiceClient} (its discovery view, a
 * breaker per instance), carrying the user's own token; reads may be tried on a second instance, changes are not.
 */
final class PlatformCalls implements Platform {

  /** Actions that change nothing: a failed attempt may be repeated elsewhere. */
  private static final Set<String> READS = Set.of("status", "list", "latest", "nodes", "get", "graph");
  private static final long NAMES_TTL_MS = 5_000;
  private static final long DISCOVERY_READ_MS = 1_000;

  private final Vertx vertx;
  private final ServiceClient client;
  private final ServiceDiscovery discovery;
  private final ServiceDefinitions definitions;
  private Set<String> names = Set.of();
  private long namesReadAt;

  PlatformCalls(Vertx vertx, ServiceClient client, ServiceDiscovery discovery, ServiceDefinitions definitions) {
    this.vertx = vertx;
    this.client = client;
    this.discovery = discovery;
    this.definitions = definitions;
  }

  @Override
  public Future<Object> call(Invocation invocation, String service, String action, JsonObject params, JsonObject query, Object body) {
    return client.requestAs(invocation.token(), service, action, params, query, body, invocation.origin(), READS.contains(action));
  }

  @Override
  public Future<Object> callAsService(Invocation invocation, String service, String action, JsonObject query) {
    return client.request(service, action, new JsonObject(), query, null, invocation.origin(), true);
  }

  @Override
  public Future<Set<String>> serviceNames() {
    long now = System.currentTimeMillis();
    if (now - namesReadAt < NAMES_TTL_MS) {
      return Future.succeededFuture(names);
    }
    return discovery.getRecords(InstanceRecords::inOwnAddressSpace)
      .timeout(DISCOVERY_READ_MS, TimeUnit.MILLISECONDS)
      .map(records -> {
        Set<String> known = new TreeSet<>(definitions.names());
        records.forEach(record -> known.add(record.getName()));
        names = Set.copyOf(known);
        namesReadAt = now;
        return names;
      })
      // discovery slow or unreachable: the defined services are still known
      .otherwise(e -> Set.copyOf(new TreeSet<>(definitions.names())));
  }

  @Override
  public void publish(String address, JsonObject event) {
    vertx.eventBus().publish(address, event);
  }
}
