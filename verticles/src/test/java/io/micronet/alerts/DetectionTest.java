package io.micronet.alerts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each detector against the feeds' real shapes, with time given by the test (a fake clock: milliseconds). */
class DetectionTest {

  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  static Rule rule(String kind, String service, String metric, String op, double value) {
    return new Rule("r-" + kind, kind + " rule", kind, service, metric, op, value, 0, 0, "warning", null, null, List.of(), true, false, T, T);
  }

  static JsonObject metrics(String service, String metric, double value) {
    return new JsonObject().put("type", "snapshot").put("services", new JsonObject().put(service, new JsonObject().put("rps", 10.0)
      .put("errorRate", 0.0).put("p50", 5.0).put("p95", 9.0).put("p99", 12.0).put(metric, value)));
  }

  @Test
  void thresholdsOnServiceMetricsUntilTheyGoStale() {
    Detection detection = new Detection();
    Rule errors = rule(Rule.THRESHOLD, "products", "errorRate", ">", 0.05);
    Rule latency = rule(Rule.THRESHOLD, "*", "p99", ">=", 12);
    detection.onMetrics(metrics("products", "errorRate", 0.5), 0);
    List<Condition> now = detection.evaluate(List.of(errors, latency), 1000);
    assertEquals(2, now.size(), now.toString());
    assertEquals(0.5, now.get(0).value());
    assertEquals("products errorRate 0.5 > 0.05", now.get(0).summary());
    assertEquals("r-threshold|service=products", now.get(0).fingerprint());
    detection.onMetrics(metrics("orders", "errorRate", 0.5), 1000);
    assertEquals(1, detection.evaluate(List.of(errors), 1000).size(), "another service's figures: not this rule's");
    assertEquals(List.of(), detection.evaluate(List.of(errors), Detection.STALE_MS + 1), "figures not heard for long no longer count");
    detection.onMetrics("junk", 0);
    detection.onMetrics(new JsonObject().put("type", "snapshot").put("services", "no"), 0);
  }

  @Test
  void aZScoreFiresOnASpikeAgainstItsOwnWindow() {
    Detection detection = new Detection();
    Rule z = new Rule("z", "z", Rule.ZSCORE, "*", "errorRate", ">", 0.02, 0, 0, "warning", new Rule.Window(60, 3, true), null, List.of(),
      true, false, T, T);
    long at = 0;
    double[] calm = {0.01, 0.012, 0.011, 0.009, 0.01, 0.013, 0.01};
    for (double value : calm) {
      detection.onMetrics(metrics("orders", "errorRate", value), at);
      assertEquals(List.of(), detection.evaluate(List.of(z), at), "calm at " + value);
      at += 2000;
    }
    detection.onMetrics(metrics("orders", "errorRate", 0.3), at);
    List<Condition> spike = detection.evaluate(List.of(z), at);
    assertEquals(1, spike.size());
    assertTrue(spike.get(0).summary().contains("robust deviations above"), spike.get(0).summary());
    assertEquals(1, detection.evaluate(List.of(z), at + 500).size(), "the same snapshot scores the same until the next");
    // a small wobble above k but below the rule's floor stays quiet
    Detection floor = new Detection();
    for (int i = 0; i < 6; i++) {
      floor.onMetrics(metrics("orders", "errorRate", 0.0), i * 1000L);
      floor.evaluate(List.of(z), i * 1000L);
    }
    floor.onMetrics(metrics("orders", "errorRate", 0.01), 7000);
    assertEquals(List.of(), floor.evaluate(List.of(z), 7000));
  }

  @Test
  void errorBurstsCountTheSamplesErrorsWithinTheirTime() {
    Detection detection = new Detection();
    Rule burst = new Rule("b", "b", Rule.BURST, "orders", "errors", ">", 0, 0, 0, "warning", null, new Rule.Burst(10, 30), List.of(),
      true, false, T, T);
    JsonObject sample = new JsonObject().put("type", "sample").put("source", "service").put("service", "orders").put("errors", 4);
    detection.onSample(sample, 0);
    detection.onSample(sample, 10_000);
    assertEquals(List.of(), detection.evaluate(List.of(burst), 10_000), "8 errors");
    detection.onSample(sample, 20_000);
    assertEquals(12.0, detection.evaluate(List.of(burst), 20_000).get(0).value());
    assertEquals(List.of(), detection.evaluate(List.of(burst), 35_000), "the first two are older than 30 s");
    detection.onSample(sample.copy().put("source", "gateway"), 35_000);
    detection.onSample(sample.copy().put("errors", -3), 35_000);
  }

  @Test
  void statusesAndSignalsFromHealthBreakersAndOrders() {
    Detection detection = new Detection();
    Rule down = new Rule("d", "down", Rule.STATUS, "*", null, ">", 0, 0, 0, "critical", null, null, List.of("DOWN"), true, false, T, T);
    Rule degraded = new Rule("g", "degraded", Rule.STATUS, "*", null, ">", 0, 0, 0, "warning", null, null, List.of("DEGRADED"), true, false, T, T);
    JsonObject snapshot = new JsonObject().put("type", "snapshot").put("services", new JsonObject()
      .put("products", new JsonObject().put("status", "DOWN").put("instances", new JsonArray().add(new JsonObject().put("id", "products-1")
        .put("status", "DOWN").put("reason", "database down: connection refused"))))
      .put("orders", new JsonObject().put("status", "DEGRADED").put("instances", new JsonArray())));
    detection.onHealth(snapshot, 0);
    assertEquals(List.of("products"), detection.evaluate(List.of(down), 0).stream().map(Condition::service).toList());
    assertEquals(2.0, detection.evaluate(List.of(down), 0).get(0).value(), "DOWN is 2, DEGRADED 1");
    assertEquals(List.of("orders"), detection.evaluate(List.of(degraded), 0).stream().map(Condition::service).toList());
    detection.onHealth(new JsonObject().put("type", "change").put("service", "orders").put("status", "UP"), 1);
    assertEquals(List.of(), detection.evaluate(List.of(degraded), 1));

    Rule database = rule(Rule.SIGNAL, "*", Signals.DATABASE_DOWN, ">", 0);
    List<Condition> db = detection.evaluate(List.of(database), 1);
    assertEquals("products-1", db.get(0).instance());
    assertEquals("r-signal|service=products|instance=products-1", db.get(0).fingerprint());

    Rule breaker = new Rule("br", "breaker", Rule.SIGNAL, "*", Signals.BREAKER_OPEN, ">", 0, 0, 0, "warning", null, null, List.of(), true,
      false, T, T);
    JsonObject open = new JsonObject().put("type", "breaker").put("caller", "gateway-1").put("service", "orders").put("instance", "orders-1")
      .put("state", "OPEN");
    detection.onBreaker(open, 0);
    detection.onBreaker(open.copy().put("caller", "chatops-1"), 0);
    assertEquals(2.0, detection.evaluate(List.of(breaker), 0).get(0).value(), "two callers");
    detection.onBreaker(open.copy().put("state", "HALF_OPEN"), 10);
    detection.onBreaker(open.copy().put("caller", "chatops-1").put("state", "CLOSED"), 10);
    assertEquals(List.of(), detection.evaluate(List.of(breaker), 10));

    Rule stuck = new Rule("st", "stuck", Rule.SIGNAL, "orders", Signals.ORDERS_STUCK_PENDING, ">", 0, 0, 0, "warning", null, null, List.of(),
      true, false, T, T);
    JsonObject signal = new JsonObject().put("type", "signal").put("signal", Signals.ORDERS_STUCK_PENDING).put("service", "orders")
      .put("instance", "orders-1").put("value", 3);
    detection.onSignal(signal, 0);
    assertEquals(3.0, detection.evaluate(List.of(stuck), 0).get(0).value());
    assertEquals(List.of(), detection.evaluate(List.of(stuck), Detection.SIGNAL_STALE_MS + 1), "an orders instance that stopped saying it");
    detection.onSignal(signal.copy().put("signal", "cpu"), 0);
    detection.onSignal(signal.copy().put("value", "many"), 0);
    assertEquals(List.of(), detection.evaluate(List.of(stuck), Detection.SIGNAL_STALE_MS + 1), "junk ignored");

    Rule disabled = new Rule("d", "down", Rule.STATUS, "*", null, ">", 0, 0, 0, "critical", null, null, List.of("DOWN"), false, false, T, T);
    assertEquals(List.of(), detection.evaluate(List.of(disabled), 1), "a disabled rule sees nothing");
  }

  @Test
  void aFloodOfMadeUpNamesOnTheFeedsStaysBounded() {
    Detection detection = new Detection();
    Rule z = new Rule("z", "z", Rule.ZSCORE, "*", "errorRate", ">", 0.02, 0, 0, "warning", new Rule.Window(3600, 3, true), null, List.of(),
      true, false, T, T);
    Rule burst = new Rule("b", "b", Rule.BURST, "*", "errors", ">", 0, 0, 0, "warning", null, new Rule.Burst(5, 60), List.of(), true, false, T, T);
    detection.onMetrics(metrics("products", "errorRate", 0.01), 0);
    detection.onSample(new JsonObject().put("type", "sample").put("source", "service").put("service", "products").put("errors", 1), 0);
    for (int i = 0; i < 5_000; i++) {
      String name = "x" + i;
      detection.onMetrics(metrics(name, "errorRate", 0.01), 10);
      detection.onSample(new JsonObject().put("type", "sample").put("source", "service").put("service", name).put("errors", 1), 10);
      detection.onHealth(new JsonObject().put("type", "change").put("service", name).put("status", "DOWN"), 10);
      detection.onBreaker(new JsonObject().put("type", "breaker").put("service", "products").put("instance", name).put("state", "OPEN"), 10);
      detection.onSignal(new JsonObject().put("type", "signal").put("signal", Signals.RECOVERY_BACKLOG).put("service", "orders")
        .put("instance", name).put("value", 1), 10);
    }
    detection.evaluate(List.of(z, burst), 20);
    Map<String, Integer> sizes = detection.sizes();
    System.out.println("after 5000 made-up names on every feed: " + sizes);
    for (String map : List.of("metrics", "errors", "statuses", "breakers", "signals")) {
      assertTrue(sizes.get(map) <= Detection.MAX_KEYS, map + ": " + sizes);
    }
    assertTrue(sizes.get("windows") <= Detection.MAX_KEYS, sizes.toString());

    // a name already held still counts
    detection.onMetrics(metrics("products", "errorRate", 0.5), 30);
    assertEquals(0.5, detection.evaluate(List.of(rule(Rule.THRESHOLD, "products", "errorRate", ">", 0.05)), 40).get(0).value());

    // many samples and snapshots within a second: one error point, one window point
    Detection quiet = new Detection();
    for (int i = 0; i < 10_000; i++) {
      quiet.onSample(new JsonObject().put("type", "sample").put("source", "service").put("service", "orders").put("errors", 1), 5_000 + i % 900);
      quiet.onMetrics(metrics("orders", "errorRate", 0.01), 5_000 + i % 900);
      quiet.evaluate(List.of(z, burst), 5_000 + i % 900);
    }
    assertEquals(1, quiet.sizes().get("errorPoints"), quiet.sizes().toString());
    assertEquals(1, quiet.sizes().get("windowPoints"), quiet.sizes().toString());
    assertEquals(1, quiet.evaluate(List.of(burst), 6_000).size(), "the 10000 errors still count");

    // what no rule looks back on goes: errors past the longest burst, windows of services gone stale
    List<Condition> none = quiet.evaluate(List.of(z, burst), 5_000 + 61_000);
    assertEquals(List.of(), none);
    assertEquals(0, quiet.sizes().get("errors"), quiet.sizes().toString());
    assertEquals(0, quiet.sizes().get("windows"), quiet.sizes().toString());
  }
}
