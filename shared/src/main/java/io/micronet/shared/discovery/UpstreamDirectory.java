package io.micronet.shared.discovery;

import io.micronet.shared.resilience.BreakerPolicy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronet.shared.events.ActivityEvent;
import io.micronet.shared.events.Feeds;
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
import io.vertx.servicediscovery.types.HttpEndpoint;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * A caller's local view of every routable instance, kept current by a periodic full re-read of the
 * discovery registry, a re-read of a service whenever an announcement names it, and a full re-read whenever a
 * breaker half-opens (the instance may be gone). No discovery lookup happens on the request path. Each
 * instance gets its own breaker, created when it appears and closed when it goes.
 * <p>
 * Records are believed only as far as they can be checked: an event-bus record must point into its service's own
 * address space ({@link InstanceRecords#inOwnAddressSpace}) and belong to a live cluster member; a plain HTTP
 * endpoint must be one the caller's own conf lists ({@link #httpEndpoints}), and then the conf says where it is
 * and who may call it. Announcements are only hints: an UP or DOWN announcement makes the view re-read that
 * service from the registry, so one node's announcement cannot remove another node's live instance. At most
 * {@link #maxInstancesPerService} instances (and so breakers and gauges) per service; the rest are ignored.
 */
public class UpstreamDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamDirectory.class);
  public static final int DEFAULT_MAX_INSTANCES_PER_SERVICE = 64;
  private static final long WARNING_INTERVAL_MS = 60_000;
  private static final long READ_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final ServiceDiscovery discovery;
  private final BreakerPolicy breakerPolicy;
  private final MeterRegistry registry;
  private final String caller;
  private boolean quiet;
  /** The last breaker state announced per instance (an event-loop-confined map, like the rest of this view). */
  private final Map<String, String> lastState = new HashMap<>();
  private final Set<String> services;
  private final Map<String, Upstream> byInstance = new LinkedHashMap<>();
  private final Map<String, Gauge> gauges = new HashMap<>();
  private final Set<String> recheckQueued = new HashSet<>();
  private final ThrottledWarning refusedWarning = new ThrottledWarning(WARNING_INTERVAL_MS);
  private final ThrottledWarning boundWarning = new ThrottledWarning(WARNING_INTERVAL_MS);
  private List<HttpEndpointSpec> httpEndpoints = List.of();
  private int maxInstancesPerService = DEFAULT_MAX_INSTANCES_PER_SERVICE;
  private Map<String, List<Upstream>> byService = Map.of();
  private Future<Void> reads = Future.succeededFuture();
  private MessageConsumer<JsonObject> announcements;
  private long refreshTimer = -1;

  /**
   * @param registry where each breaker's state is reported (null: nowhere)
   * @param caller   who holds this view ({@code gateway}, an orders instance …): the breakers are its own
   * @param services the services this caller calls: no view, breaker or gauge for any other name, however many
   *                 records a cluster member invents
   */
  public UpstreamDirectory(Vertx vertx, ServiceDiscovery discovery, BreakerPolicy breakerPolicy, MeterRegistry registry,
                           String caller, Set<String> services) {
    this.vertx = vertx;
    this.caller = caller;
    this.services = Set.copyOf(services);
    this.discovery = discovery;
    this.breakerPolicy = breakerPolicy;
    this.registry = registry;
  }

  /** The plain HTTP services this caller may front (its own conf's list); none by default. Call before start. */
  public UpstreamDirectory httpEndpoints(List<HttpEndpointSpec> endpoints) {
    this.httpEndpoints = List.copyOf(endpoints);
    return this;
  }

  /** At most this many instances per service in the view; call before start. */
  /**
   * Instances coming and going are logged at DEBUG rather than INFO: for the views of the services' own callers (an
   * orders instance, the monitor, the reconciler), which would otherwise repeat the gateway's lines once each.
   */
  public UpstreamDirectory quiet() {
    this.quiet = true;
    return this;
  }

  public UpstreamDirectory maxInstancesPerService(int max) {
    this.maxInstancesPerService = max;
    return this;
  }

  public Future<Void> start(long refreshMillis) {
    announcements = vertx.eventBus().consumer(ServiceDiscoveryOptions.DEFAULT_ANNOUNCE_ADDRESS,
      message -> onAnnouncement(message.body()));
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
    return serially(() -> read(this::wanted, service -> true));
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
    return Upstream.isRoutable(record) && services.contains(record.getName());
  }

  /** An announcement (UP, DOWN, unpublished) only says "look again": the registry says what is there. */
  private void onAnnouncement(JsonObject json) {
    Record record;
    try {
      record = new Record(json);
    } catch (RuntimeException e) {
      return;
    }
    String service = record.getName();
    if (service == null || !wanted(record) || changesNothing(record)) {
      return;
    }
    // one queued re-read of a service covers every announcement that arrives before it runs
    if (!recheckQueued.add(service)) {
      return;
    }
    serially(() -> {
      recheckQueued.remove(service);
      return read(r -> wanted(r) && service.equals(r.getName()), service::equals);
    });
  }

  /**
   * An announcement that cannot change the view needs no read: an instance republishing its record (every few
   * seconds) is already there, and an HTTP endpoint this caller does not list is never fronted.
   */
  private boolean changesNothing(Record record) {
    String id;
    if (HttpEndpoint.TYPE.equals(record.getType())) {
      id = httpEndpoints.stream().filter(spec -> spec.matches(record)).findFirst().map(HttpEndpointSpec::instanceId).orElse(null);
      if (id == null) {
        return true;
      }
    } else {
      id = InstanceRecords.instanceId(record);
    }
    return record.getStatus() == Status.UP && byInstance.containsKey(id);
  }

  /** Reads run one after another, so an older snapshot of the registry never undoes a newer one. */
  private Future<Void> serially(Supplier<Future<Void>> step) {
    reads = reads.transform(previous -> step.get());
    return reads;
  }

  private Future<Void> read(Function<Record, Boolean> filter, Predicate<String> inScope) {
    // bounded: reads run in a row, and one that never answered would hold up every later one
    return discovery.getRecords(filter).timeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .onSuccess(records -> reconcile(records, inScope))
      .onFailure(e -> LOG.warn("discovery read failed", kv("reason", e.getMessage())))
      .mapEmpty();
  }

  /** The view of the services in scope becomes what these records (all of them, for those services) support. */
  private void reconcile(List<Record> records, Predicate<String> inScope) {
    Set<String> members = liveNodes();
    Map<String, Candidate> current = new LinkedHashMap<>();
    for (Record record : records) {
      Candidate candidate = accept(record, members);
      if (candidate != null) {
        current.putIfAbsent(candidate.id(), candidate);
      }
    }
    byInstance.values().stream().filter(u -> inScope.test(u.service()) && !current.containsKey(u.instanceId()))
      .map(Upstream::instanceId).toList().forEach(this::remove);
    current.values().stream().filter(c -> !byInstance.containsKey(c.id())).forEach(this::add);
  }

  /** An instance the records support: its id and how to build it. */
  private record Candidate(String id, String service, Function<CircuitBreaker, Upstream> upstream) {
  }

  /** The instance a record stands for, or null when the record is not to be believed. */
  private Candidate accept(Record record, Set<String> members) {
    if (!wanted(record) || record.getStatus() != Status.UP) {
      return null;
    }
    String node = InstanceRecords.nodeId(record);
    if (node == null || members != null && !members.contains(node)) {
      // a record left behind by a dead node (not reaped yet) must not come back into the view
      return null;
    }
    if (HttpEndpoint.TYPE.equals(record.getType())) {
      // only what this caller's own conf lists, where the conf says it is
      return httpEndpoints.stream().filter(spec -> spec.matches(record)).findFirst()
        .map(spec -> new Candidate(spec.instanceId(), spec.name(), breaker -> Upstream.http(spec, node, breaker)))
        .orElse(null);
    }
    if (!InstanceRecords.inOwnAddressSpace(record)) {
      refusedWarning.warn(suppressed -> LOG.warn("discovery record refused: its address is not its service's own",
        kv("service", record.getName()), kv("node", node), kv("refusedSinceLastWarning", suppressed)));
      return null;
    }
    return new Candidate(InstanceRecords.instanceId(record), record.getName(), breaker -> new Upstream(record, breaker));
  }

  /** The cluster's members now, or null on a node that is not clustered (every record is local then). */
  private Set<String> liveNodes() {
    ClusterManager clusterManager = NodeIdentity.clusterManager(vertx);
    return clusterManager == null ? null : new HashSet<>(clusterManager.getNodes());
  }

  private void add(Candidate candidate) {
    String id = candidate.id();
    if (instances(candidate.service()).size() >= maxInstancesPerService) {
      boundWarning.warn(suppressed -> LOG.warn("instances ignored: the service has the most this caller keeps",
        kv("service", candidate.service()), kv("max", maxInstancesPerService), kv("caller", caller),
        kv("ignoredSinceLastWarning", suppressed)));
      return;
    }
    CircuitBreaker breaker = CircuitBreaker.create("breaker." + caller + "." + candidate.service() + "." + id, vertx,
      breakerPolicy.toOptions());
    Upstream upstream = candidate.upstream().apply(breaker);
    breaker
      .openHandler(v -> announce(upstream, "OPEN"))
      .halfOpenHandler(v -> {
        announce(upstream, "HALF_OPEN");
        refresh();
      })
      .closeHandler(v -> announce(upstream, "CLOSED"));
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
    if (quiet) {
      LOG.debug("instance added", kv("service", upstream.service()), kv("instance", id), kv("caller", caller));
    } else {
      LOG.info("instance added", kv("service", upstream.service()), kv("instance", id), kv("node", upstream.nodeId()));
    }
  }

  private void remove(String id) {
    Upstream upstream = byInstance.remove(id);
    if (upstream == null) {
      return;
    }
    upstream.breaker().close();
    lastState.remove(id);
    Gauge gauge = gauges.remove(id);
    if (gauge != null) {
      registry.remove(gauge);
    }
    rebuildServices();
    if (quiet) {
      LOG.debug("instance removed", kv("service", upstream.service()), kv("instance", id), kv("caller", caller));
    } else {
      LOG.info("instance removed", kv("service", upstream.service()), kv("instance", id), kv("node", upstream.nodeId()));
    }
  }

  /**
   * A breaker transition: on the breakers feed (fire-and-forget) every time; in the log and on the activity feed only
   * when the circuit opens after being closed or closes again — not for each trial call of a circuit that stays open
   * (every reset timeout while an instance is down), which would bury what happened.
   */
  private void announce(Upstream upstream, String state) {
    Feeds.publish(vertx, Feeds.BREAKERS, new JsonObject().put("type", "breaker").put("caller", caller)
      .put("service", upstream.service()).put("instance", upstream.instanceId()).put("node", upstream.nodeId()).put("state", state));
    String previous = lastState.put(upstream.instanceId(), state);
    boolean opened = "OPEN".equals(state) && !"HALF_OPEN".equals(previous);
    boolean closed = "CLOSED".equals(state);
    if (opened) {
      LOG.warn("circuit opened", kv("service", upstream.service()), kv("instance", upstream.instanceId()), kv("caller", caller));
    } else if (closed) {
      LOG.info("circuit closed", kv("service", upstream.service()), kv("instance", upstream.instanceId()), kv("caller", caller));
    } else {
      LOG.debug("circuit " + state.toLowerCase(), kv("service", upstream.service()), kv("instance", upstream.instanceId()));
    }
    if (opened || closed) {
      Feeds.activity(vertx, ActivityEvent.of(caller, ActivityEvent.Kind.BREAKER, upstream.service(), upstream.instanceId(),
        upstream.nodeId(), caller + "'s circuit to " + upstream.instanceId() + (opened ? " opened" : " closed")));
    }
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
