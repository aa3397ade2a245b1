package io.micronet.gateway;

import io.micronet.shared.discovery.Upstream;
import io.micronet.shared.discovery.UpstreamDirectory;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.storage.Page;
import io.micronet.shared.validation.PageParams;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.Comparator;
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

  /** {@code /api/services}: every instance, by service then id, a page of them ({@code ?page=&size=}). */
  static JsonObject instances(UpstreamDirectory directory, JsonObject query) {
    ServiceRequest request = new ServiceRequest("services", null, null, null, null, new JsonObject(), query, null);
    JsonObject errors = new JsonObject();
    PageParams paging = PageParams.read(request, errors);
    if (!errors.isEmpty()) {
      throw ServiceException.invalidQuery(errors);
    }
    List<Upstream> all = directory.all().stream()
      .sorted(Comparator.comparing(Upstream::service).thenComparing(Upstream::instanceId)).toList();
    int from = (int) Math.min((long) paging.page() * paging.size(), all.size());
    List<Upstream> items = all.subList(from, Math.min(from + paging.size(), all.size()));
    return new Page<>(items, paging.page(), paging.size(), all.size()).toJson(Upstream::toJson);
  }
}
