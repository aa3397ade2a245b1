package io.micronet.shared.discovery;

import io.micronet.shared.resilience.BreakerPolicy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.servicediscovery.ServiceDiscoveryOptions;
import io.vertx.servicediscovery.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The gateway's local view of every routable instance, kept current by discovery announcements, a
 * periodic full refresh, and a refresh whenever a breaker half-opens (the instance may be gone). No
 * discovery lookup happens on the request path. Each instance gets its own breaker, created when it
 * appears and closed when it goes.
 */
public class UpstreamDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamDirectory.class);

  private final Vertx vertx;
  private final ServiceDiscovery discovery;
  private final BreakerPolicy breakerPolicy;
  private final MeterRegistry registry;
  private final String caller;
  private final Set<String> services;
  private final Map<String, Upstream> byInstance = new LinkedHashMap<>();
  private final Map<String, Gauge> gauges = new HashMap<>();
  private Map<String, List<Upstream>> byService = Map.of();
  private MessageConsumer<JsonObject> announcements;
  private long refreshTimer = -1;

  /** A view of every service (the gateway's). */
  public UpstreamDirectory(Vertx vertx, ServiceDiscovery discovery, BreakerPolicy breakerPolicy, MeterRegistry registry,
                           String caller) {
    this(vertx, discovery, breakerPolicy, registry, caller, null);
  }

  /**
   * @param registry where each breaker's state is reported (null: nowhere)
   * @param caller   who holds this view ({@code gateway}, an orders instance …): the breakers are its own
   * @param services the services this caller calls (null: all): no view, breaker or gauge for the others
   */
  public UpstreamDirectory(Vertx vertx, ServiceDiscovery discovery, BreakerPolicy breakerPolicy, MeterRegistry registry,
                           String caller, Set<String> services) {
    this.vertx = vertx;
    this.caller = caller;
    this.services = services;
    this.discovery = discovery;
    this.breakerPolicy = breakerPolicy;
    this.registry = registry;
  }

  public Future<Void> start(long refreshMillis) {
    announcements = vertx.eventBus().consumer(ServiceDiscoveryOptions.DEFAULT_ANNOUNCE_ADDRESS,
      message -> onAnnouncement(new Record(message.body())));
    refreshTimer = vertx.setPeriodic(refreshMillis, id -> refresh());
    return announcements.completion().compose(v -> refresh());
  }

  public Future<Void> stop() {
    vertx.cancelTimer(refreshTimer);
    new ArrayList<>(byInstance.keySet()).forEach(this::remove);
    return announcements == null ? Future.succeededFuture() : announcements.unregister();
  }

  /** The instances of a service, in a stable order (the order they appeared). */
  public List<Upstream> instances(String service) {
    return byService.getOrDefault(service, List.of());
  }

  public Collection<Upstream> all() {
    return byInstance.values();
  }

  /** Re-reads every record: adds what is new, drops what has gone, keeps the breakers of the rest. */
  public Future<Void> refresh() {
    return discovery.getRecords(this::wanted)
      .onSuccess(records -> {
        Set<String> members = liveNodes();
        Map<String, Record> current = new HashMap<>();
        records.stream().filter(record -> onLiveNode(record, members))
          .forEach(record -> current.put(InstanceRecords.instanceId(record), record));
        new ArrayList<>(byInstance.keySet()).stream().filter(id -> !current.containsKey(id)).forEach(this::remove);
        current.forEach((id, record) -> {
          if (!byInstance.containsKey(id)) {
            add(record);
          }
        });
      })
      .onFailure(e -> LOG.warn("discovery refresh failed", kv("reason", e.getMessage())))
      .mapEmpty();
  }

  /**
   * A cluster member left: its instances cannot answer. Drop them now (the reaper removes their records
   * shortly) and fail the calls waiting on them, so callers get an answer without waiting for a timeout.
   */
  public void nodeLeft(String nodeId) {
    byInstance.values().stream().filter(u -> nodeId.equals(u.nodeId())).map(Upstream::instanceId).toList()
      .forEach(id -> {
        byInstance.get(id).abandonCalls();
        remove(id);
      });
  }

  private boolean wanted(Record record) {
    return Upstream.isRoutable(record) && (services == null || services.contains(record.getName()));
  }

  private void onAnnouncement(Record record) {
    if (!wanted(record)) {
      return;
    }
    String id = InstanceRecords.instanceId(record);
    if (record.getStatus() == Status.UP && onLiveNode(record, liveNodes())) {
      if (!byInstance.containsKey(id)) {
        add(record);
      }
    } else {
      remove(id);
    }
  }

  /** The cluster's members now, or null on a node that is not clustered (every record is local then). */
  private Set<String> liveNodes() {
    ClusterManager clusterManager = NodeIdentity.clusterManager(vertx);
    return clusterManager == null ? null : new HashSet<>(clusterManager.getNodes());
  }

  /** A record left behind by a dead node (not reaped yet) must not come back into the view. */
  private static boolean onLiveNode(Record record, Set<String> members) {
    String node = InstanceRecords.nodeId(record);
    return members == null || node == null || members.contains(node);
  }

  private void add(Record record) {
    String id = InstanceRecords.instanceId(record);
    CircuitBreaker breaker = CircuitBreaker.create("breaker." + caller + "." + record.getName() + "." + id, vertx, breakerPolicy.toOptions());
    Upstream upstream = new Upstream(record, breaker);
    breaker
      .openHandler(v -> LOG.warn("circuit opened", kv("service", upstream.service()), kv("instance", id)))
      .halfOpenHandler(v -> {
        LOG.info("circuit half-open", kv("service", upstream.service()), kv("instance", id));
        refresh();
      })
      .closeHandler(v -> LOG.info("circuit closed", kv("service", upstream.service()), kv("instance", id)));
    byInstance.put(id, upstream);
    if (registry != null) {
      gauges.put(id, Gauge.builder("micronet_breaker_state", upstream, UpstreamDirectory::stateGauge)
        .description("Circuit breaker state per upstream instance: 0 closed, 1 half-open, 2 open (see README)")
        .tag("caller", caller)
        .tag("service", upstream.service())
        .tag("instance", id)
        .register(registry));
    }
    rebuildServices();
    LOG.info("instance added", kv("service", upstream.service()), kv("instance", id), kv("node", upstream.nodeId()));
  }

  private void remove(String id) {
    Upstream upstream = byInstance.remove(id);
    if (upstream == null) {
      return;
    }
    upstream.breaker().close();
    Gauge gauge = gauges.remove(id);
    if (gauge != null) {
      registry.remove(gauge);
    }
    rebuildServices();
    LOG.info("instance removed", kv("service", upstream.service()), kv("instance", id), kv("node", upstream.nodeId()));
  }

  public static double stateGauge(Upstream upstream) {
    return switch (upstream.breakerState()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  private void rebuildServices() {
    Map<String, List<Upstream>> services = new HashMap<>();
    byInstance.values().forEach(u -> services.computeIfAbsent(u.service(), s -> new ArrayList<>()).add(u));
    services.replaceAll((service, list) -> List.copyOf(list));
    byService = services;
  }
}
