package io.micronet.demo;

import io.micronet.shared.config.ServiceDefinition;
import io.micronet.shared.discovery.NodeIdentity;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.metrics.RequestFigures;
import io.micronet.shared.service.ServiceClient;
import io.micronet.shared.service.ServiceIdentity;
import io.micronet.shared.service.ServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The demo's steady synthetic load (type {@code demo-load}, see {@link DemoLoad}): calls the entry services'
 * {@code work} in turn through discovery and breakers, as their clients would, and measures each call into
 * {@link RequestFigures} (source {@code gateway}, per service), published on the samples feed like a gateway's, so
 * the metrics show the demo's traffic as its clients see it.
 */
public class DemoLoadVerticle extends ServiceVerticle {

  public static final String TYPE = "demo-load";

  private ServiceClient client;
  private DemoLoad load;
  private final Map<String, RequestFigures> figures = new LinkedHashMap<>();
  private long loadTimer = -1;
  private long sampleTimer = -1;
  private int next;
  private int inFlight;

  @Override
  protected String serviceName() {
    return config().getString(ServiceDefinition.DEPLOYED_AS, TYPE);
  }

  @Override
  protected Future<ActionDispatcher> createActions() {
    JsonObject settings = micronetConfig.definitions().find(serviceName()).map(ServiceDefinition::settings).orElse(new JsonObject());
    try {
      load = DemoLoad.from(settings == null ? new JsonObject() : settings);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    String node = NodeIdentity.nodeId(vertx);
    load.targets().forEach(target -> figures.put(target, new RequestFigures(meterRegistry(), "gateway", target, null, node)));
    client = new ServiceClient(vertx, discovery(), micronetConfig, meterRegistry(), instanceId(), new HashSet<>(load.targets()),
      new ServiceIdentity(verifier().tokens(), instanceId()));
    return client.start().map(v -> {
      loadTimer = vertx.setPeriodic(load.periodMs(), id -> fire());
      sampleTimer = vertx.setPeriodic(micronetConfig.metricsSampleMillis(),
        id -> figures.values().forEach(f -> Feeds.publish(vertx, Feeds.METRIC_SAMPLES, f.sample())));
      return actions();
    });
  }

  private void fire() {
    if (inFlight >= load.maxInFlight()) {
      return;
    }
    String target = load.targets().get(next++ % load.targets().size());
    ServiceRequest origin = new ServiceRequest(SimulatedServiceVerticle.WORK, "demo-" + UUID.randomUUID(), null, null, null,
      new JsonObject(), new JsonObject(), null);
    long started = System.nanoTime();
    inFlight++;
    client.request(target, SimulatedServiceVerticle.WORK, new JsonObject(), origin, true).onComplete(ar -> {
      inFlight--;
      int status = ar.succeeded() ? 200 : ar.cause() instanceof ServiceException known ? known.code().httpStatus() : 500;
      figures.get(target).record(System.nanoTime() - started, status);
    });
  }

  @Override
  protected Future<?> closeResources() {
    vertx.cancelTimer(loadTimer);
    vertx.cancelTimer(sampleTimer);
    figures.values().forEach(RequestFigures::close);
    return client == null ? Future.succeededFuture() : client.stop();
  }
}
