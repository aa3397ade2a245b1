package io.micronet.metrics;

import io.micronet.shared.storage.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics history: one row per (service, instance, resolution, time) — instance {@code ''} for the service as a
 * whole, resolution 10 (s, the raw points) or 60 (the 1-minute rollups of older points). One SQL text for H2 and
 * PostgreSQL.
 */
class MetricsRepository {

  static final int RAW = 10;
  static final int ROLLUP = 60;
  /** The most rows one history query reads (a 31-day range holds at most 24 h of raw points and 7 days of rollups per series). */
  static final int MAX_ROWS = 25_000;
  private static final String WHOLE_SERVICE = "";

  static final List<List<String>> MIGRATIONS = List.of(
    List.of(
      "CREATE TABLE IF NOT EXISTS metric_points ("
        + "service VARCHAR(120) NOT NULL, "
        + "instance VARCHAR(120) NOT NULL, "
        + "resolution INTEGER NOT NULL, "
        + "at_ms BIGINT NOT NULL, "
        + "rps DOUBLE PRECISION NOT NULL, "
        + "error_rate DOUBLE PRECISION NOT NULL, "
        + "p50 DOUBLE PRECISION NOT NULL, "
        + "p95 DOUBLE PRECISION NOT NULL, "
        + "p99 DOUBLE PRECISION NOT NULL, "
        + "PRIMARY KEY (service, instance, resolution, at_ms))",
      "CREATE INDEX IF NOT EXISTS metric_points_age ON metric_points (resolution, at_ms)"));

  private final Pool pool;

  MetricsRepository(Pool pool) {
    this.pool = pool;
  }

  Future<Void> migrate(Vertx vertx) {
    return Migrations.apply(vertx, pool, "metrics", MIGRATIONS);
  }

  /** Writes raw points; a point already there (the same step written twice, by two leaders for a moment) stays as it was. */
  Future<Integer> insert(List<MetricPoint> points) {
    return insert(points, RAW);
  }

  Future<Integer> insert(List<MetricPoint> points, int resolution) {
    if (points.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<Map<String, Object>> batch = new ArrayList<>(points.size());
    for (MetricPoint point : points) {
      Map<String, Object> row = new HashMap<>();
      row.put("service", point.service());
      row.put("instance", point.instance() == null ? WHOLE_SERVICE : point.instance());
      row.put("resolution", resolution);
      row.put("at", point.time());
      row.put("rps", point.rps());
      row.put("errorRate", point.errorRate());
      row.put("p50", point.p50());
      row.put("p95", point.p95());
      row.put("p99", point.p99());
      batch.add(row);
    }
    return SqlTemplate.forUpdate(pool, "INSERT INTO metric_points (service, instance, resolution, at_ms, rps, error_rate, p50, p95, p99) "
        + "VALUES (#{service}, #{instance}, #{resolution}, #{at}, #{rps}, #{errorRate}, #{p50}, #{p95}, #{p99}) ON CONFLICT DO NOTHING")
      .executeBatch(batch)
      .map(result -> points.size());
  }

  /** The points of one series ({@code instance} null: the service as a whole) with times in [from, to], both resolutions, oldest first. */
  Future<List<MetricPoint>> series(String service, String instance, long from, long to) {
    Map<String, Object> params = Map.of("service", service, "instance", instance == null ? WHOLE_SERVICE : instance,
      "from", from, "to", to, "limit", MAX_ROWS);
    return SqlTemplate.forQuery(pool, "SELECT at_ms, rps, error_rate, p50, p95, p99 FROM metric_points "
        + "WHERE service = #{service} AND instance = #{instance} AND at_ms >= #{from} AND at_ms <= #{to} "
        + "ORDER BY at_ms LIMIT #{limit}")
      .execute(params)
      .map(rows -> {
        List<MetricPoint> points = new ArrayList<>(rows.size());
        for (Row row : rows) {
          points.add(new MetricPoint(service, instance, row.getLong("at_ms"), number(row, "rps"), number(row, "error_rate"),
            number(row, "p50"), number(row, "p95"), number(row, "p99")));
        }
        return points;
      });
  }

  /**
   * Rolls the raw points of the minutes that ended before {@code rawBefore} up into one 1-minute point per series
   * (requests/s and p50 averaged, the error rate weighted by requests, p95 and p99 the worst of the minute), and
   * removes those raw points — in one transaction, so a point is either raw or rolled up, never both or neither.
   * Then drops the rollups older than {@code rollupsBefore}. Returns the rows removed.
   */
  Future<Long> rollUp(long rawBefore, long rollupsBefore) {
    long minute = ROLLUP * 1000L;
    Map<String, Object> cutoff = Map.of("cutoff", Math.floorDiv(rawBefore, minute) * minute);
    // constants are written out: a parameter in a GROUP BY expression or a SELECT list has no type PostgreSQL can infer
    String bucket = "(at_ms / " + minute + ") * " + minute;
    return pool.withTransaction(conn -> SqlTemplate.forUpdate(conn,
          "INSERT INTO metric_points (service, instance, resolution, at_ms, rps, error_rate, p50, p95, p99) "
            + "SELECT service, instance, " + ROLLUP + ", " + bucket + ", AVG(rps), "
            + "CASE WHEN SUM(rps) > 0 THEN SUM(rps * error_rate) / SUM(rps) ELSE AVG(error_rate) END, "
            + "AVG(p50), MAX(p95), MAX(p99) FROM metric_points WHERE resolution = " + RAW + " AND at_ms < #{cutoff} "
            + "GROUP BY service, instance, " + bucket)
        .execute(cutoff)
        .compose(inserted -> SqlTemplate.forUpdate(conn, "DELETE FROM metric_points WHERE resolution = " + RAW + " AND at_ms < #{cutoff}")
          .execute(cutoff))
        .map(deleted -> (long) deleted.rowCount()))
      .compose(rolled -> SqlTemplate.forUpdate(pool, "DELETE FROM metric_points WHERE resolution = " + ROLLUP + " AND at_ms < #{before}")
        .execute(Map.of("before", rollupsBefore))
        .map(dropped -> rolled + dropped.rowCount()));
  }

  private static double number(Row row, String column) {
    Object value = row.getValue(column);
    return value instanceof Number n ? n.doubleValue() : 0;
  }
}
