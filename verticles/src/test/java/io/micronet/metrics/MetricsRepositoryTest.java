package io.micronet.metrics;

import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.storage.MutableClock;
import io.micronet.storage.TestDatabases;
import io.micronet.storage.TestDatabases.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.micronet.storage.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics history on both engines: points written once, read back by series and range, rolled up to minutes
 * after the raw retention and dropped after the rollup retention (a clock the test moves), and the history action
 * over it. Rows of this run carry a service name with this run's {@link #PREFIX} and times in 2001, so no other
 * test's rows are touched in the shared PostgreSQL; they are deleted at the end.
 */
class MetricsRepositoryTest {

  private static final String PREFIX = "mr" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private static final Instant START = Instant.parse("2001-03-01T00:00:00Z");

  @TempDir
  static Path tempDir;

  private static Vertx vertx;
  private static TestDatabases databases;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    databases = new TestDatabases(vertx, tempDir, pool -> await(new MetricsRepository(pool).migrate(vertx)));
  }

  @AfterAll
  static void stop() {
    try {
      databases.close(pool -> await(SqlTemplate.forUpdate(pool, "DELETE FROM metric_points WHERE service LIKE #{prefix}")
        .execute(Map.of("prefix", PREFIX + "%"))));
    } finally {
      await(vertx.close());
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void pointsAreWrittenOnceAndReadBackBySeriesAndRange(Engine engine) {
    MetricsRepository repository = new MetricsRepository(databases.pool(engine));
    String service = PREFIX + "read-" + engine;
    long t = START.toEpochMilli();
    List<MetricPoint> points = List.of(
      new MetricPoint(service, null, t, 10, 0.1, 1, 2, 3),
      new MetricPoint(service, null, t + 10_000, 20, 0, 1.5, 2.5, 3.5),
      new MetricPoint(service, "i-1", t, 5, 0, 1, 1, 1));
    await(repository.insert(points));
    await(repository.insert(List.of(new MetricPoint(service, null, t, 999, 1, 9, 9, 9))));

    List<MetricPoint> whole = await(repository.series(service, null, t, t + 10_000));
    assertEquals(points.subList(0, 2), whole, "the second write of a step changed nothing");
    assertEquals(List.of(points.get(2)), await(repository.series(service, "i-1", t, t + 60_000)));
    assertEquals(List.of(points.get(1)), await(repository.series(service, null, t + 1, t + 60_000)));
    assertTrue(await(repository.series(PREFIX + "nobody", null, t, t + 60_000)).isEmpty());
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void oldPointsRollUpToMinutesAndOldRollupsGo(Engine engine) {
    MetricsRepository repository = new MetricsRepository(databases.pool(engine));
    String service = PREFIX + "roll-" + engine;
    MutableClock clock = new MutableClock(START);
    MetricsService metrics = new MetricsService(new MetricsBoard(10_000), repository, clock, Duration.ofHours(24), Duration.ofDays(7));
    // two minutes of raw points: six per minute, the second minute slower and failing
    List<MetricPoint> raw = new ArrayList<>();
    long t = START.toEpochMilli();
    for (int i = 0; i < 12; i++) {
      boolean second = i >= 6;
      raw.add(new MetricPoint(service, null, t + i * 10_000L, second ? 20 : 10, second ? 0.5 : 0, i, second ? 40 : 4, second ? 90 : 9));
    }
    await(repository.insert(raw));

    clock.advance(Duration.ofHours(23));
    await(metrics.retention());
    assertEquals(12, await(repository.series(service, null, t, t + 120_000)).size(), "younger than the raw retention: kept");

    clock.advance(Duration.ofHours(1).plusMinutes(2));
    await(metrics.retention());
    List<MetricPoint> rolled = await(repository.series(service, null, t, t + 120_000));
    assertEquals(2, rolled.size(), () -> "one point per minute: " + rolled);
    MetricPoint first = rolled.get(0);
    assertEquals(t, first.time());
    assertEquals(10.0, first.rps(), 0.001);
    assertEquals(2.5, first.p50(), 0.001, "mean p50 of 0..5");
    assertEquals(4.0, first.p95(), 0.001);
    assertEquals(9.0, first.p99(), 0.001);
    MetricPoint second = rolled.get(1);
    assertEquals(t + 60_000, second.time());
    assertEquals(0.5, second.errorRate(), 0.001);
    assertEquals(90.0, second.p99(), 0.001);
    long rawLeft = await(SqlTemplate.forQuery(databases.pool(engine),
        "SELECT COUNT(*) AS n FROM metric_points WHERE service = #{service} AND resolution = 10")
      .execute(Map.of("service", service)).map(rows -> ((Number) rows.iterator().next().getValue(0)).longValue()));
    assertEquals(0, rawLeft, "rolled-up raw points are gone");

    // the history action reads the rollups like raw points
    ServiceResponse answer = await(metrics.history(HistoryQueryTest.request(new JsonObject().put("service", service)
      .put("from", START.toString()).put("to", START.plusSeconds(600).toString()).put("step", "60"))));
    JsonArray series = ((JsonObject) answer.body()).getJsonArray("points");
    assertEquals(2, series.size(), series::encode);
    assertEquals(START.toString(), series.getJsonObject(0).getString("time"));

    clock.advance(Duration.ofDays(7));
    await(metrics.retention());
    assertTrue(await(repository.series(service, null, t, t + 120_000)).isEmpty(), "rollups older than 7 days are dropped");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void historyStepsAreStoredByTheOneThatWrites(Engine engine) {
    MetricsRepository repository = new MetricsRepository(databases.pool(engine));
    String service = PREFIX + "step-" + engine;
    MutableClock clock = new MutableClock(START.plusSeconds(3600));
    MetricsBoard board = new MetricsBoard(60_000);
    MetricsService metrics = new MetricsService(board, repository, clock, Duration.ofHours(24), Duration.ofDays(7));
    await(metrics.historyStep(true));
    metrics.onSample(MetricsBoardTest.sample("service", service, "i-1", "n1", 50, 0, 5, 1, 2, 3));
    metrics.onSample("junk");
    clock.advance(Duration.ofSeconds(10));
    assertEquals(0, await(metrics.historyStep(false)), "a standby writes nothing");
    metrics.onSample(MetricsBoardTest.sample("service", service, "i-1", "n1", 100, 0, 5, 1, 2, 3));
    clock.advance(Duration.ofSeconds(10));
    assertEquals(2, await(metrics.historyStep(true)), "the instance and the service");
    List<MetricPoint> stored = await(repository.series(service, null, clock.millis() - 60_000, clock.millis()));
    assertEquals(1, stored.size());
    assertEquals(10.0, stored.get(0).rps(), "100 requests in the 10 s step (the standby's step was reset)");
    assertEquals(clock.millis(), stored.get(0).time());
  }
}
