package io.micronet.shared.health;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * THE health rule of the platform (the monitor's view and the gateway's own {@code /status} both come from here):
 * <ol>
 *   <li>An instance is DOWN when its check failed (an error, no answer within the timeout, its database down) or a
 *   caller's circuit to it is open; DEGRADED when it answers with a failure injected into it, or (unchecked) a
 *   caller's circuit to it is half-open; else UP.</li>
 *   <li>A service is DOWN when no instance runs or every instance is DOWN: by its own instances only. It is DEGRADED
 *   when some of its instances are DOWN or DEGRADED, or its recent error rate reaches the threshold.</li>
 *   <li>Along the dependencies: a service whose dependency is DOWN or DEGRADED is at least DEGRADED, with a reason
 *   naming it ("DEGRADED because products is DOWN"); dependencies are judged first, so this carries through the
 *   whole graph. A dependency never makes a service DOWN: it still answers what does not need it.</li>
 * </ol>
 * Plain logic, no I/O: the caller gathers the inputs.
 */
public final class HealthRule {

  /** A service whose recent requests fail at least this often is DEGRADED. */
  public static final double DEFAULT_ERROR_RATE_THRESHOLD = 0.2;

  private final double errorRateThreshold;

  public HealthRule(double errorRateThreshold) {
    if (!(errorRateThreshold > 0 && errorRateThreshold <= 1)) {
      throw new IllegalArgumentException("the error-rate threshold must be above 0 and at most 1, got " + errorRateThreshold);
    }
    this.errorRateThreshold = errorRateThreshold;
  }

  public HealthRule() {
    this(DEFAULT_ERROR_RATE_THRESHOLD);
  }

  /**
   * Judges every service of {@code dependencies} (its keys, in their order; a dependency that is not a key is not in
   * the view and is ignored).
   *
   * @param instances  each service's instances (a service missing here has none)
   * @param errorRates each service's recent share of failed requests (0–1), where known
   */
  public HealthView evaluate(Map<String, List<String>> dependencies, Map<String, List<InstanceInput>> instances,
                             Map<String, Double> errorRates) {
    Map<String, ServiceHealth> judged = new LinkedHashMap<>();
    for (String service : dependencies.keySet()) {
      judge(service, dependencies, instances, errorRates, judged, new HashSet<>());
    }
    Map<String, ServiceHealth> ordered = new LinkedHashMap<>();
    dependencies.keySet().forEach(service -> ordered.put(service, judged.get(service)));
    return new HealthView(ordered);
  }

  private ServiceHealth judge(String service, Map<String, List<String>> dependencies, Map<String, List<InstanceInput>> instances,
                              Map<String, Double> errorRates, Map<String, ServiceHealth> judged, Set<String> visiting) {
    ServiceHealth done = judged.get(service);
    if (done != null) {
      return done;
    }
    visiting.add(service);
    List<String> inView = dependencies.get(service).stream()
      .filter(dependency -> dependencies.containsKey(dependency) && !visiting.contains(dependency)).distinct().toList();
    List<InstanceHealth> judgedInstances = instances.getOrDefault(service, List.of()).stream().map(HealthRule::instance).toList();
    List<String> reasons = new ArrayList<>();
    Status status = ownStatus(judgedInstances, reasons);
    Double errorRate = errorRates.get(service);
    if (errorRate != null && errorRate >= errorRateThreshold) {
      status = Status.worst(status, Status.DEGRADED);
      reasons.add("errors on " + Math.round(errorRate * 100) + "% of recent requests");
    }
    for (String dependency : inView) {
      Status theirs = judge(dependency, dependencies, instances, errorRates, judged, visiting).status();
      if (theirs != Status.UP) {
        status = Status.worst(status, Status.DEGRADED);
        reasons.add("DEGRADED because " + dependency + " is " + theirs);
      }
    }
    visiting.remove(service);
    ServiceHealth health = new ServiceHealth(service, status, reasons, inView, judgedInstances);
    judged.put(service, health);
    return health;
  }

  /** A service by its own instances, with the reasons for people. */
  static Status ownStatus(List<InstanceHealth> instances, List<String> reasons) {
    if (instances.isEmpty()) {
      reasons.add("no instance running");
      return Status.DOWN;
    }
    List<InstanceHealth> down = instances.stream().filter(i -> i.status() == Status.DOWN).toList();
    List<InstanceHealth> degraded = instances.stream().filter(i -> i.status() == Status.DEGRADED).toList();
    if (down.size() == instances.size()) {
      Set<String> distinct = new LinkedHashSet<>();
      down.forEach(i -> distinct.add(i.reason()));
      reasons.add((instances.size() == 1 ? "its instance is failing: " : "every instance failing: ") + String.join("; ", distinct));
      return Status.DOWN;
    }
    if (!down.isEmpty()) {
      reasons.add((instances.size() - down.size()) + " of " + instances.size() + " instances answer");
      down.forEach(i -> reasons.add(i.id() + ": " + i.reason()));
    }
    degraded.forEach(i -> reasons.add(i.id() + ": " + i.reason()));
    return down.isEmpty() && degraded.isEmpty() ? Status.UP : Status.DEGRADED;
  }

  /** One instance, from its check and the worst circuit any caller holds to it. */
  static InstanceHealth instance(InstanceInput input) {
    InstanceCheck check = input.check();
    InstanceInput.Breaker breaker = input.breaker();
    String breakerState = breaker == null ? null : breaker.state();
    if (check != null && check.outcome() != InstanceCheck.Outcome.UP) {
      String reason = switch (check.outcome()) {
        case FAILING -> "error: " + orUnknown(check.reason());
        case NO_ANSWER -> orUnknown(check.reason());
        case DATABASE_DOWN -> "database down" + (check.reason() == null ? "" : ": " + check.reason());
        case UP -> throw new IllegalStateException();
      };
      return new InstanceHealth(input.id(), input.node(), Status.DOWN, reason, breakerState);
    }
    if (breaker != null && breaker.severity() == 2) {
      return new InstanceHealth(input.id(), input.node(), Status.DOWN, circuit(breaker, "open"), breakerState);
    }
    if (check != null && check.injected() != null) {
      return new InstanceHealth(input.id(), input.node(), Status.DEGRADED, "failure injected: " + check.injected(), breakerState);
    }
    if (check == null && breaker != null && breaker.severity() == 1) {
      // a passed check outweighs a circuit on trial: with no traffic it would stay half-open for ever
      return new InstanceHealth(input.id(), input.node(), Status.DEGRADED, circuit(breaker, "half-open (on trial)"), breakerState);
    }
    return new InstanceHealth(input.id(), input.node(), Status.UP, null, breakerState);
  }

  private static String circuit(InstanceInput.Breaker breaker, String what) {
    String caller = breaker.caller() == null ? "a caller" : breaker.caller();
    return caller + "'s circuit is " + what;
  }

  private static String orUnknown(String reason) {
    return reason == null || reason.isBlank() ? "no reason given" : reason;
  }
}
