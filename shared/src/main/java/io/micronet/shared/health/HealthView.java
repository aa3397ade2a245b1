package io.micronet.shared.health;

import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The health of every service in a view (what {@link HealthRule} judged, or what a monitor's snapshot said), and the
 * JSON shapes made of it: the snapshot of {@code micronet.health} and the body of {@code /status}.
 */
public final class HealthView {

  private final Map<String, ServiceHealth> services;

  public HealthView(Map<String, ServiceHealth> services) {
    this.services = new LinkedHashMap<>(services);
  }

  public Collection<ServiceHealth> services() {
    return services.values();
  }

  public Optional<ServiceHealth> service(String name) {
    return Optional.ofNullable(services.get(name));
  }

  /** The instance with this id, in whichever service it is. */
  public Optional<InstanceHealth> instance(String id) {
    return services.values().stream().flatMap(s -> s.instances().stream()).filter(i -> i.id().equals(id)).findFirst();
  }

  /** UP when every service is UP (or there is none), else DEGRADED. */
  public Status overall() {
    return services.values().stream().allMatch(s -> s.status() == Status.UP) ? Status.UP : Status.DEGRADED;
  }

  /** {@code {name: {status, reasons, dependencies, instances:[…]}}} */
  public JsonObject servicesJson() {
    JsonObject json = new JsonObject();
    services.values().forEach(s -> json.put(s.name(), s.toJson()));
    return json;
  }

  /**
   * The body of {@code /status}: {@code {status, source, services:{name:{status, instances, healthy, reasons}}}},
   * {@code source} saying whose view it is ({@code monitor} or {@code gateway}).
   */
  public JsonObject toStatusJson(String source) {
    JsonObject json = new JsonObject();
    services.values().forEach(s -> json.put(s.name(), s.toStatusJson()));
    return new JsonObject().put("status", overall().name()).put("source", source).put("services", json);
  }

  /**
   * A snapshot of {@code micronet.health}: {@code {type:"snapshot", time, status, everySeconds, leader, leaderName,
   * leaderInstance, services:{…}}} ({@link #servicesJson()}; {@code time} is stamped when published).
   */
  public JsonObject toSnapshot(int everySeconds, String leaderNode, String leaderName, String leaderInstance) {
    return new JsonObject().put("type", "snapshot").put("status", overall().name()).put("everySeconds", everySeconds)
      .put("leader", leaderNode).put("leaderName", leaderName).put("leaderInstance", leaderInstance).put("services", servicesJson());
  }

  /** The view a snapshot holds; empty when it is not a snapshot (malformed entries are left out). */
  public static Optional<HealthView> fromSnapshot(JsonObject snapshot) {
    if (snapshot == null || !"snapshot".equals(snapshot.getValue("type")) || !(snapshot.getValue("services") instanceof JsonObject json)) {
      return Optional.empty();
    }
    Map<String, ServiceHealth> services = new LinkedHashMap<>();
    for (String name : json.fieldNames()) {
      ServiceHealth service = ServiceHealth.fromJson(name, json.getValue(name));
      if (service != null) {
        services.put(name, service);
      }
    }
    return Optional.of(new HealthView(services));
  }

  /** The services whose status differs from {@code previous} (a service new to the view counts when it is not UP). */
  public List<ServiceHealth> changedSince(HealthView previous) {
    return services.values().stream().filter(s -> {
      Status before = previous == null ? null : previous.service(s.name()).map(ServiceHealth::status).orElse(null);
      return before == null ? s.status() != Status.UP : before != s.status();
    }).toList();
  }
}
