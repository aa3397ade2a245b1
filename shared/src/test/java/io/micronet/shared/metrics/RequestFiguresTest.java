package io.micronet.shared.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestFiguresTest {

  @Test
  void aSampleCountsTheRequestsAndErrorsSinceTheLastOne() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RequestFigures figures = new RequestFigures(registry, "service", "products", "products-1", "node-a");
    for (int i = 0; i < 90; i++) {
      figures.record(TimeUnit.MILLISECONDS.toNanos(2), 200);
    }
    for (int i = 0; i < 10; i++) {
      figures.record(TimeUnit.MILLISECONDS.toNanos(200), 500);
    }
    JsonObject sample = figures.sample();
    assertEquals("sample", sample.getString("type"));
    assertEquals("products-1", sample.getString("instance"));
    assertEquals(100, sample.getLong("count"));
    assertEquals(10, sample.getLong("errors"));
    assertEquals(0.1, sample.getDouble("errorRate"), 1e-9);
    assertTrue(sample.getDouble("p50") < 10, sample.encode());
    assertTrue(sample.getDouble("p99") >= 150, sample.encode());
    assertTrue(sample.getDouble("rps") > 0);
    JsonObject next = figures.sample();
    assertEquals(0, next.getLong("count"));
    assertEquals(0.0, next.getDouble("errorRate"));
    assertTrue(registry.find(RequestFigures.REQUESTS).tag("instance", "products-1").timer() != null);
    figures.close();
    assertTrue(registry.find(RequestFigures.REQUESTS).tag("instance", "products-1").timer() == null, "an instance's meters go with it");
  }
}
