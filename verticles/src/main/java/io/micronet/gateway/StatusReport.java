package io.micronet.gateway;

import io.micronet.shared.cluster.ClusterView;
import io.micronet.shared.config.ServiceDefinition;
import io.micronet.shared.config.ServiceDefinitions;
import io.micronet.shared.discovery.Upstream;
import io.micronet.shared.discovery.UpstreamDirectory;
import io.micronet.shared.health.HealthRule;
import io.micronet.shared.health.HealthView;
import io.micronet.shared.health.InstanceHealth;
import io.micronet.shared.health.InstanceInput;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.storage.Page;
import io.micronet.shared.validation.PageParams;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /status} and {@code /api/services}. {@code /status} is the health monitor's view while its snapshots are
 * fresh ({@code source: monitor}), else the gateway's own, judged by the same {@link HealthRule} from this gateway's
 * breakers ({@code source: gateway}): each cluster-scope service it routes, and the plain HTTP services it fronts.
 * Either way its {@code cluster} section is this node's own view of the cluster ({@link ClusterView}): the members of
 * the side of a partition this gateway is on, and the nodes that side lost.
 */
final class StatusReport {

  static final String GATEWAY = "gateway";

  private final UpstreamDirectory directory;
  private final ServiceDefinitions definitions;
  private final Set<String> routed;
  private final MonitorView monitor;
  private final ClusterView cluster;
  private final HealthRule rule = new HealthRule();

  StatusReport(UpstreamDirectory directory, ServiceDefinitions definitions, Set<String> routed, MonitorView monitor, ClusterView cluster) {
    this.directory = directory;
    this.definitions = definitions;
    this.routed = Set.copyOf(routed);
    this.monitor = monitor;
    this.cluster = cluster;
  }

  /** The cluster section names the nodes and their addresses for a manager; anyone else gets the counts only. */
  JsonObject build(boolean forManager) {
    long now = System.currentTimeMillis();
    Optional<HealthView> fresh = monitor.fresh(now);
    JsonObject body = fresh.isPresent() ? fresh.get().toStatusJson("monitor").mergeIn(monitor.meta()) : ownView().toStatusJson(GATEWAY);
    if (!forManager) {
      // the monitor's leader is a node id: a manager's to know, like the cluster's members
      body.remove("leader");
    }
    return body.put("cluster", forManager ? cluster.toJson(now) : cluster.toSummaryJson(now));
  }

  /** The gateway's own view: its breakers, through the one rule (no checks: the monitor does those). */
  HealthView ownView() {
    Map<String, List<String>> graph = new LinkedHashMap<>();
    definitions.all().stream()
      .filter(d -> d.scope() == ServiceDefinition.Scope.CLUSTER && routed.contains(d.name()))
      .sorted(Comparator.comparing(ServiceDefinition::name))
      .forEach(d -> graph.put(d.name(), d.dependencies()));
    directory.all().stream().filter(u -> u.kind() == Upstream.Kind.HTTP).map(Upstream::service).sorted()
      .forEach(service -> graph.putIfAbsent(service, List.of()));
    Map<String, List<InstanceInput>> instances = new LinkedHashMap<>();
    for (String service : graph.keySet()) {
      List<InstanceInput> inputs = new ArrayList<>();
      directory.instances(service).forEach(u -> inputs.add(new InstanceInput(u.instanceId(), u.nodeId(), null,
        new InstanceInput.Breaker(u.breakerState().name(), GATEWAY))));
      instances.put(service, inputs);
    }
    return rule.evaluate(graph, instances, Map.of());
  }

  /**
   * {@code /api/services}: every instance, by service then id, a page of them ({@code ?page=&size=}); its
   * {@code health} (and {@code healthReason}) is the monitor's word while fresh ({@code healthSource: monitor}),
   * else what this gateway's breaker says.
   */
  JsonObject instances(JsonObject query) {
    ServiceRequest request = new ServiceRequest("services", null, null, null, null, new JsonObject(), query, null);
    PageParams paging = PageParams.required(request);
    List<Upstream> all = directory.all().stream()
      .sorted(Comparator.comparing(Upstream::service).thenComparing(Upstream::instanceId)).toList();
    int from = (int) Math.min((long) paging.page() * paging.size(), all.size());
    List<Upstream> items = all.subList(from, Math.min(from + paging.size(), all.size()));
    Optional<HealthView> fresh = monitor.fresh(System.currentTimeMillis());
    return new Page<>(items, paging.page(), paging.size(), all.size()).toJson(upstream -> withHealth(upstream, fresh));
  }

  /** An instance as listed: its record, its service's scope (what an operator may do with it) and its health. */
  private JsonObject withHealth(Upstream upstream, Optional<HealthView> fresh) {
    JsonObject json = upstream.toJson();
    definitions.find(upstream.service()).ifPresent(definition -> json.put("scope", definition.scope().name().toLowerCase(Locale.ROOT)));
    Optional<InstanceHealth> judged = fresh.flatMap(view -> view.instance(upstream.instanceId()));
    if (judged.isPresent()) {
      return json.put("health", judged.get().status().name()).put("healthReason", judged.get().reason()).put("healthSource", "monitor");
    }
    return json.put("healthSource", GATEWAY);
  }
}
