package io.micronet.gateway;

import io.micronet.shared.discovery.Upstream;
import io.micronet.shared.discovery.UpstreamDirectory;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.metrics.RequestFigures;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * What this gateway sees of each routed call ({@link RequestFigures}, source {@code gateway}): one figure per upstream
 * instance (every attempt on it, with its status: an open circuit counts as a 503 of that instance) and, per
 * service, one for the calls that reached no instance at all (none running, every circuit open). A request costs
 * one map lookup and one timer update per attempt; {@link #publish} sends every figure's sample on
 * {@link Feeds#METRIC_SAMPLES} and drops the figures of instances that left the view. One event loop (the gateway's).
 */
final class GatewayFigures {

  private final Vertx vertx;
  private final MeterRegistry registry;
  private final String nodeId;
  private final Map<String, RequestFigures> byInstance = new HashMap<>();
  private final Map<String, RequestFigures> unrouted = new HashMap<>();

  GatewayFigures(Vertx vertx, MeterRegistry registry, String nodeId) {
    this.vertx = vertx;
    this.registry = registry;
    this.nodeId = nodeId;
  }

  /** One attempt on {@code upstream} that took {@code nanos} and ended with {@code status}. */
  void attempt(Upstream upstream, long nanos, int status) {
    RequestFigures figures = byInstance.get(upstream.instanceId());
    if (figures == null) {
      figures = new RequestFigures(registry, "gateway", upstream.service(), upstream.instanceId(), nodeId);
      byInstance.put(upstream.instanceId(), figures);
    }
    figures.record(nanos, status);
  }

  /** A call to {@code service} that no instance received (it failed at once with {@code status}). */
  void unrouted(String service, long nanos, int status) {
    unrouted.computeIfAbsent(service, s -> new RequestFigures(registry, "gateway", s, null, nodeId)).record(nanos, status);
  }

  /** Publishes every figure's sample; the figures of instances no longer in {@code directory} go after their last one. */
  void publish(UpstreamDirectory directory) {
    Set<String> present = new HashSet<>();
    directory.all().forEach(upstream -> present.add(upstream.instanceId()));
    for (Iterator<Map.Entry<String, RequestFigures>> it = byInstance.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, RequestFigures> entry = it.next();
      send(entry.getValue().sample());
      if (!present.contains(entry.getKey())) {
        entry.getValue().close();
        it.remove();
      }
    }
    unrouted.values().forEach(figures -> send(figures.sample()));
  }

  int instances() {
    return byInstance.size();
  }

  void close() {
    byInstance.values().forEach(RequestFigures::close);
    unrouted.values().forEach(RequestFigures::close);
    byInstance.clear();
    unrouted.clear();
  }

  private void send(JsonObject sample) {
    Feeds.publish(vertx, Feeds.METRIC_SAMPLES, sample);
  }
}
