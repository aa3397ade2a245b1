package io.micronet.metrics;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The history query: defaults, the bad-input corpus (each a 422 naming the parameter), and the bucketing. */
class HistoryQueryTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  static ServiceRequest request(JsonObject query) {
    return new ServiceRequest("history", "r", "u", "manager", null, new JsonObject(), query, null);
  }

  @Test
  void defaultsAreTheLastFifteenMinutesInTenSecondSteps() {
    HistoryQuery query = HistoryQuery.parse(request(new JsonObject().put("service", "products")), NOW);
    assertEquals(NOW.minusSeconds(900).toEpochMilli(), query.from());
    assertEquals(NOW.toEpochMilli(), query.to());
    assertEquals(10_000, query.stepMillis());
    assertNull(query.instance());
    HistoryQuery month = HistoryQuery.parse(request(new JsonObject().put("service", "products")
      .put("from", "2026-11-01T12:00:00Z").put("to", "2026-12-01T12:00:00Z")), NOW);
    assertTrue((month.to() - month.from()) / month.stepMillis() <= HistoryQuery.MAX_POINTS, "the default step keeps the series short");
    assertEquals(0, month.stepMillis() % 10_000);
    HistoryQuery withOffset = HistoryQuery.parse(request(new JsonObject().put("service", "products").put("instance", "products-1")
      .put("from", "2026-12-01T13:00:00+02:00").put("step", "60")), NOW);
    assertEquals(Instant.parse("2026-12-01T11:00:00Z").toEpochMilli(), withOffset.from());
    assertEquals(60_000, withOffset.stepMillis());
    assertEquals("products-1", withOffset.instance());
  }

  @Test
  void badInputIsA422NamingTheParameter() {
    Map<String, JsonObject> corpus = Map.ofEntries(
      Map.entry("service", new JsonObject()),
      Map.entry("service ", new JsonObject().put("service", "")),
      Map.entry("service  ", new JsonObject().put("service", "x".repeat(121))),
      Map.entry("service   ", new JsonObject().put("service", "a\u0000b")),
      Map.entry("instance", new JsonObject().put("service", "p").put("instance", "a\u0007b")),
      Map.entry("from", new JsonObject().put("service", "p").put("from", "yesterday")),
      Map.entry("from ", new JsonObject().put("service", "p").put("from", "2026-13-01T00:00:00Z")),
      Map.entry("from  ", new JsonObject().put("service", "p").put("from", "-0001-01-01T00:00:00Z")),
      Map.entry("from   ", new JsonObject().put("service", "p").put("from", "1900-01-01T00:00:00Z").put("to", "1900-01-02T00:00:00Z")),
      Map.entry("to", new JsonObject().put("service", "p").put("to", "+999999999-12-31T23:59:59Z")),
      Map.entry("to ", new JsonObject().put("service", "p").put("from", "2026-12-01T11:00:00Z").put("to", "2026-12-01T10:00:00Z")),
      Map.entry("to  ", new JsonObject().put("service", "p").put("from", "2026-12-01T11:00:00Z").put("to", "2026-12-01T11:00:00Z")),
      Map.entry("to   ", new JsonObject().put("service", "p").put("to", "1234")),
      Map.entry("from    ", new JsonObject().put("service", "p").put("from", "2025-01-01T00:00:00Z").put("to", "2026-12-01T00:00:00Z")),
      Map.entry("step", new JsonObject().put("service", "p").put("step", "9")),
      Map.entry("step ", new JsonObject().put("service", "p").put("step", "-10")),
      Map.entry("step  ", new JsonObject().put("service", "p").put("step", "1e3")),
      Map.entry("step   ", new JsonObject().put("service", "p").put("step", "10.5")),
      Map.entry("step    ", new JsonObject().put("service", "p").put("step", "99999999999999999999")),
      Map.entry("step     ", new JsonObject().put("service", "p").put("from", "2026-11-01T00:00:00Z").put("step", "10")));
    corpus.forEach((parameter, query) -> {
      ServiceException e = assertThrows(ServiceException.class, () -> HistoryQuery.parse(request(query), NOW), query::encode);
      assertEquals(ErrorCode.VALIDATION_FAILED, e.code(), query::encode);
      JsonObject details = assertInstanceOf(JsonObject.class, e.details());
      assertTrue(details.containsKey(parameter.strip()), () -> query.encode() + " → " + details.encode());
    });
  }

  @Test
  void pointsAreBucketedByStep() {
    HistoryQuery query = HistoryQuery.parse(request(new JsonObject().put("service", "p")
      .put("from", "2026-12-01T11:59:00Z").put("to", "2026-12-01T12:00:00Z").put("step", "30")), NOW);
    long t0 = Instant.parse("2026-12-01T11:59:00Z").toEpochMilli();
    List<MetricPoint> rows = List.of(
      new MetricPoint("p", null, t0 - 10_000, 999, 1, 999, 999, 999), // before from
      new MetricPoint("p", null, t0, 10, 0, 1, 2, 3),
      new MetricPoint("p", null, t0 + 10_000, 30, 0.5, 3, 4, 50),
      new MetricPoint("p", null, t0 + 20_000, 20, 0, 2, 9, 5),
      new MetricPoint("p", null, t0 + 40_000, 7, 0, 1, 1, 1));
    List<MetricPoint> points = query.bucket(rows);
    assertEquals(2, points.size(), "the step with no points is left out, nothing before from");
    MetricPoint first = points.get(0);
    assertEquals(t0, first.time());
    assertEquals(20.0, first.rps(), "mean requests/s");
    assertEquals(0.25, first.errorRate(), "weighted by requests: 15 failing of 60");
    assertEquals(2.0, first.p50(), "mean p50");
    assertEquals(9.0, first.p95(), "worst p95");
    assertEquals(50.0, first.p99(), "worst p99");
    assertEquals(t0 + 30_000, points.get(1).time());
    JsonObject json = first.toJson();
    assertEquals("2026-12-01T11:59:00Z", json.getString("time"));
    assertEquals(List.of("time", "rps", "errorRate", "p50", "p95", "p99"), List.copyOf(json.fieldNames()));
  }
}
