package io.micronet.metrics;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The aggregation of samples: junk refused, snapshots per service, instance and gateway view, stale sources dropped, history steps. */
class MetricsBoardTest {

  static JsonObject sample(String source, String service, String instance, String node, long count, long errors, double rps,
                           double p50, double p95, double p99) {
    return new JsonObject().put("type", "sample").put("source", source).put("service", service).put("instance", instance)
      .put("node", node).put("count", count).put("errors", errors).put("rps", rps)
      .put("errorRate", count == 0 ? 0.0 : (double) errors / count).put("p50", p50).put("p95", p95).put("p99", p99);
  }

  @Test
  void junkIsRefused() {
    JsonObject good = sample("service", "products", "products-1", "n1", 10, 1, 5, 1, 2, 3);
    assertTrue(Sample.fromJson(good) != null);
    List<JsonObject> junk = List.of(
      new JsonObject(),
      good.copy().put("type", "snapshot"),
      good.copy().put("source", "nobody"),
      good.copy().putNull("service"),
      good.copy().put("service", ""),
      good.copy().put("service", "x".repeat(121)),
      good.copy().put("service", "bad\u0000name"),
      good.copy().put("service", 42),
      good.copy().putNull("instance"), // a service's own sample names its instance
      good.copy().put("count", -1),
      good.copy().put("count", 1.5),
      good.copy().put("errors", 11),
      good.copy().put("rps", "fast"),
      good.copy().put("rps", Double.NaN),
      good.copy().put("errorRate", 2.0),
      good.copy().put("p99", -3),
      good.copy().put("p95", Double.POSITIVE_INFINITY));
    for (JsonObject json : junk) {
      assertNull(Sample.fromJson(json), () -> "accepted " + json.encode());
    }
    assertTrue(Sample.fromJson(sample("gateway", "products", null, "n1", 1, 1, 1, 0, 0, 0)) != null,
      "a gateway's calls that reached no instance have no instance");
    MetricsBoard board = new MetricsBoard(10_000);
    assertFalse(board.accept(null, 0));
    assertEquals(0, board.size());
  }

  @Test
  void snapshotSumsInstancesAndKeepsTheGatewaysViewApart() {
    MetricsBoard board = new MetricsBoard(10_000);
    board.accept(Sample.fromJson(sample("service", "products", "p-1", "n1", 200, 0, 100, 1, 2, 3)), 0);
    board.accept(Sample.fromJson(sample("service", "products", "p-2", "n2", 100, 10, 50, 1, 2, 3)), 0);
    board.accept(Sample.fromJson(sample("gateway", "products", "p-1", "n1", 200, 0, 100, 2, 3, 4)), 0);
    board.accept(Sample.fromJson(sample("gateway", "products", "p-1", "n2", 100, 0, 50, 2, 3, 4)), 0);
    board.accept(Sample.fromJson(sample("gateway", "products", null, "n1", 10, 10, 5, 0.1, 0.1, 0.1)), 0);
    board.accept(Sample.fromJson(sample("service", "users", "u-1", "n1", 0, 0, 0, 0, 0, 0)), 0);

    JsonObject snapshot = board.snapshot(1000, null);
    assertEquals("snapshot", snapshot.getString("type"));
    assertEquals("1970-01-01T00:00:01Z", snapshot.getString("time"));
    JsonObject products = snapshot.getJsonObject("services").getJsonObject("products");
    assertEquals(150.0, products.getDouble("rps"));
    assertEquals(5.0 / 150, products.getDouble("errorRate"), 0.001, "weighted by requests");
    assertEquals(1.0, products.getDouble("p50"), 0.001);
    assertEquals(3.0, products.getDouble("p99"), 0.001, "instances alike: their own percentiles");
    assertEquals(new JsonObject().put("node", "n2").put("rps", 50.0).put("errorRate", 0.1).put("p50", 1.0).put("p95", 2.0).put("p99", 3.0),
      sorted(products.getJsonObject("instances").getJsonObject("p-2")));
    JsonObject gateway = products.getJsonObject("gateway");
    assertEquals(155.0, gateway.getDouble("rps"), "both gateways, and the calls no instance received");
    assertEquals(5.0 / 155, gateway.getDouble("errorRate"), 0.001);
    assertEquals(150.0, gateway.getJsonObject("instances").getJsonObject("p-1").getDouble("rps"), "p-1 as both gateways saw it");
    assertEquals(1, gateway.getJsonObject("instances").size());
    assertTrue(snapshot.getJsonObject("services").containsKey("users"));

    JsonObject onlyUsers = board.snapshot(1000, "users");
    assertEquals(List.of("users"), List.copyOf(onlyUsers.getJsonObject("services").fieldNames()));
    assertTrue(board.snapshot(1000, "nothing").getJsonObject("services").isEmpty());
  }

  @Test
  void aServiceOnlyTheGatewaySeesIsListedWithItsOwnFiguresAtZero() {
    MetricsBoard board = new MetricsBoard(10_000);
    board.accept(Sample.fromJson(sample("gateway", "legacy", "legacy-http", "n1", 20, 0, 10, 5, 6, 7)), 0);
    JsonObject legacy = board.snapshot(0, null).getJsonObject("services").getJsonObject("legacy");
    assertEquals(0.0, legacy.getDouble("rps"));
    assertTrue(legacy.getJsonObject("instances").isEmpty());
    assertEquals(10.0, legacy.getJsonObject("gateway").getDouble("rps"));
    assertEquals(7.0, legacy.getJsonObject("gateway").getDouble("p99"), 0.001);
  }

  @Test
  void sourcesNotHeardForAWhileAreDropped() {
    MetricsBoard board = new MetricsBoard(10_000);
    board.accept(Sample.fromJson(sample("service", "products", "p-1", "n1", 1, 0, 1, 1, 1, 1)), 0);
    board.accept(Sample.fromJson(sample("service", "products", "p-2", "n1", 1, 0, 1, 1, 1, 1)), 8_000);
    assertEquals(2, board.snapshot(10_000, null).getJsonObject("services").getJsonObject("products").getJsonObject("instances").size());
    JsonObject later = board.snapshot(10_001, null).getJsonObject("services").getJsonObject("products");
    assertEquals(List.of("p-2"), List.copyOf(later.getJsonObject("instances").fieldNames()));
    assertTrue(board.snapshot(18_001, null).getJsonObject("services").isEmpty());
    assertEquals(0, board.size());
  }

  @Test
  void theBoardIsBounded() {
    MetricsBoard board = new MetricsBoard(10_000);
    for (int i = 0; i < MetricsBoard.MAX_ENTRIES; i++) {
      assertTrue(board.accept(Sample.fromJson(sample("service", "s", "i-" + i, "n", 0, 0, 0, 0, 0, 0)), 0));
    }
    assertFalse(board.accept(Sample.fromJson(sample("service", "s", "one-more", "n", 0, 0, 0, 0, 0, 0)), 0));
    assertTrue(board.accept(Sample.fromJson(sample("service", "s", "i-0", "n", 1, 0, 1, 0, 0, 0)), 0), "known sources go on");
  }

  @Test
  void historyStepsCountTheRequestsSinceTheStepBefore() {
    MetricsBoard board = new MetricsBoard(60_000);
    assertTrue(board.drainHistory(0, 0).isEmpty(), "the first step only starts the count");
    board.accept(Sample.fromJson(sample("service", "products", "p-1", "n1", 100, 10, 50, 1, 2, 3)), 2_000);
    board.accept(Sample.fromJson(sample("service", "products", "p-1", "n1", 100, 0, 50, 1, 2, 3)), 4_000);
    board.accept(Sample.fromJson(sample("service", "products", "p-2", "n1", 100, 0, 50, 10, 20, 30)), 4_000);
    board.accept(Sample.fromJson(sample("gateway", "products", "p-1", "n1", 999, 0, 50, 1, 2, 3)), 4_000);

    List<MetricPoint> points = board.drainHistory(10_000, 10_000);
    assertEquals(3, points.size(), points::toString);
    MetricPoint p1 = points.stream().filter(p -> "p-1".equals(p.instance())).findFirst().orElseThrow();
    assertEquals(20.0, p1.rps(), "200 requests in 10 s");
    assertEquals(0.05, p1.errorRate());
    MetricPoint whole = points.stream().filter(p -> p.instance() == null).findFirst().orElseThrow();
    assertEquals(30.0, whole.rps(), "the gateway's view is not the service's own");
    assertEquals(10_000, whole.time());
    assertTrue(whole.p99() > 3 && whole.p99() <= 30, () -> "p99 between the instances': " + whole.p99());

    List<MetricPoint> next = board.drainHistory(20_000, 20_000);
    assertEquals(0.0, next.stream().filter(p -> p.instance() == null).findFirst().orElseThrow().rps(), "counts reset");
  }

  @Test
  void theFirstStepCountsFromTheFirstSampleHeard() {
    MetricsBoard board = new MetricsBoard(60_000);
    board.accept(Sample.fromJson(sample("service", "products", "p-1", "n1", 40, 0, 20, 1, 2, 3)), 6_000);
    List<MetricPoint> first = board.drainHistory(10_000, 10_000);
    assertEquals(10.0, first.stream().filter(p -> p.instance() == null).findFirst().orElseThrow().rps(), "40 requests in 4 s");
  }

  private static JsonObject sorted(JsonObject json) {
    return new JsonObject(new java.util.TreeMap<>(json.getMap()));
  }
}
