package io.micronet.monitor;

import io.micronet.shared.config.ServiceDefinition;
import io.micronet.shared.config.ServiceDefinitions;
import io.micronet.shared.health.HealthRule;
import io.micronet.shared.health.HealthView;
import io.micronet.shared.health.InstanceCheck;
import io.micronet.shared.health.InstanceInput;
import io.micronet.shared.health.ServiceHealth;
import io.micronet.shared.health.Status;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The monitor's logic, without a network: which services it watches (every cluster-scope definition, the node agents,
 * the plain HTTP services the gateway fronts), when each instance is due for a check (its service's interval, or at
 * once when it is new), what the checks found, and the view the one {@link HealthRule} makes of it with the callers'
 * breakers and the recent error rates; and which statuses changed since the last view (its own, or the one a standby
 * heard from the leader, so a takeover announces no change that did not happen).
 */
final class MonitorService {

  /** The node agents' service name (one instance per node). */
  static final String NODE_SERVICE = "node";
  static final int DEFAULT_INTERVAL_SECONDS = 10;
  static final long DEFAULT_TIMEOUT_MS = 1000;

  /** An instance as discovery shows it now. */
  record Target(String service, String id, String node) {
  }

  private final ServiceDefinitions definitions;
  private final Set<String> httpServices;
  private final HealthRule rule;
  private final BreakerBoard breakers;
  private final ErrorRates errorRates;
  private final Map<String, InstanceCheck> checks = new HashMap<>();
  private final Map<String, Long> nextDue = new HashMap<>();
  private final Set<String> checking = new HashSet<>();
  private HealthView previous;

  MonitorService(ServiceDefinitions definitions, Set<String> httpServices, HealthRule rule, BreakerBoard breakers, ErrorRates errorRates) {
    this.definitions = definitions;
    this.httpServices = Set.copyOf(httpServices);
    this.rule = rule;
    this.breakers = breakers;
    this.errorRates = errorRates;
  }

  /** Every service name the monitor looks for in discovery. */
  Set<String> watched() {
    Set<String> names = new LinkedHashSet<>(clusterScoped());
    names.add(NODE_SERVICE);
    names.addAll(httpServices);
    return names;
  }

  private List<String> clusterScoped() {
    return definitions.all().stream().filter(d -> d.scope() == ServiceDefinition.Scope.CLUSTER).map(ServiceDefinition::name).toList();
  }

  int intervalSeconds(String service) {
    return definitions.find(service).map(d -> d.healthCheck().intervalSeconds()).orElse(DEFAULT_INTERVAL_SECONDS);
  }

  long timeoutMs(String service) {
    return definitions.find(service).map(d -> d.healthCheck().timeoutMs()).orElse(DEFAULT_TIMEOUT_MS);
  }

  /** A snapshot goes out at least this often: the shortest interval of the services watched. */
  int snapshotEverySeconds() {
    return watched().stream().mapToInt(this::intervalSeconds).min().orElse(DEFAULT_INTERVAL_SECONDS);
  }

  /**
   * The instances to check now: every instance of a service whose interval has come round, and any instance not yet
   * checked; none already being checked. They count as being checked until {@link #checked} hears of them.
   */
  List<Target> due(List<Target> targets, long nowMs) {
    Set<String> dueServices = new HashSet<>();
    for (Target target : targets) {
      if (nowMs >= nextDue.getOrDefault(target.service(), 0L)) {
        dueServices.add(target.service());
      }
    }
    dueServices.forEach(service -> nextDue.put(service, nowMs + intervalSeconds(service) * 1000L));
    List<Target> due = new ArrayList<>();
    for (Target target : targets) {
      if ((dueServices.contains(target.service()) || !checks.containsKey(target.id())) && checking.add(target.id())) {
        due.add(target);
      }
    }
    return due;
  }

  /** What a check of one instance found. */
  void checked(String instanceId, InstanceCheck check) {
    checking.remove(instanceId);
    checks.put(instanceId, check);
  }

  /** The view now: the definitions' services always, the node agents and HTTP services where any is found. */
  HealthView evaluate(List<Target> targets, long nowMs) {
    Set<String> present = new HashSet<>();
    targets.forEach(t -> present.add(t.id()));
    checks.keySet().retainAll(present);
    breakers.retain(present);
    Map<String, List<String>> graph = new LinkedHashMap<>();
    clusterScoped().forEach(service -> graph.put(service, definitions.get(service).dependencies()));
    targets.forEach(t -> graph.putIfAbsent(t.service(), definitions.find(t.service()).map(ServiceDefinition::dependencies).orElse(List.of())));
    Map<String, List<InstanceInput>> instances = new HashMap<>();
    for (Target target : targets) {
      instances.computeIfAbsent(target.service(), s -> new ArrayList<>())
        .add(new InstanceInput(target.id(), target.node(), checks.get(target.id()), breakers.worst(target.id(), nowMs)));
    }
    return rule.evaluate(graph, instances, errorRates.rates(nowMs));
  }

  /**
   * The change events of {@code view} against the previous view ({@code {type:"change", service, status, previous,
   * reasons}}; {@code previous} null for a service new to the view), which {@code view} then becomes.
   */
  List<JsonObject> changes(HealthView view) {
    List<JsonObject> events = new ArrayList<>();
    for (ServiceHealth changed : view.changedSince(previous)) {
      Status before = previous == null ? null : previous.service(changed.name()).map(ServiceHealth::status).orElse(null);
      events.add(new JsonObject().put("type", "change").put("service", changed.name()).put("status", changed.status().name())
        .put("previous", before == null ? null : before.name()).put("reasons", new JsonArray(new ArrayList<>(changed.reasons()))));
    }
    previous = view;
    return events;
  }

  /** A standby heard the leader's view: the changes it announced are not announced again after a takeover. */
  void heard(HealthView view) {
    previous = view;
  }
}
