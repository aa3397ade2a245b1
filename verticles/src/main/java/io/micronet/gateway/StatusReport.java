package io.micronet.gateway;

import io.micronet.shared.discovery.Upstream;
import io.micronet.shared.discovery.UpstreamDirectory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code /status}: each service UP (every instance's circuit closed), DEGRADED (some instances failing
 * or on trial), or DOWN (no instance, or every circuit open), with its instance counts.
 */
final class StatusReport {

  private StatusReport() {
  }

  static JsonObject build(UpstreamDirectory directory, Collection<String> knownServices) {
    TreeSet<String> names = new TreeSet<>(knownServices);
    directory.all().forEach(upstream -> names.add(upstream.service()));
    JsonObject services = new JsonObject();
    boolean allUp = true;
    for (String name : names) {
      List<Upstream> instances = directory.instances(name);
      long healthy = instances.stream().filter(u -> u.breakerState() == io.vertx.circuitbreaker.CircuitBreakerState.CLOSED).count();
      long available = instances.stream().filter(Upstream::available).count();
      String status = available == 0 ? "DOWN" : healthy == instances.size() ? "UP" : "DEGRADED";
      allUp &= "UP".equals(status);
      services.put(name, new JsonObject().put("status", status).put("instances", instances.size()).put("healthy", healthy));
    }
    return new JsonObject().put("status", allUp ? "UP" : "DEGRADED").put("services", services);
  }

  static JsonObject instances(UpstreamDirectory directory) {
    JsonArray items = new JsonArray();
    directory.all().forEach(upstream -> items.add(upstream.toJson()));
    return new JsonObject().put("items", items).put("total", items.size());
  }
}
