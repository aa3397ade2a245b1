package io.micronet.activity;

import io.micronet.shared.events.ActivityEvent;
import io.micronet.shared.storage.BatchDelete;
import io.micronet.shared.storage.Migrations;
import io.micronet.shared.storage.Page;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The stored activity feed: one row per event, its id the key. One SQL text for H2 and PostgreSQL. */
class ActivityRepository {

  static final List<List<String>> MIGRATIONS = List.of(
    List.of(
      "CREATE TABLE IF NOT EXISTS activity_events ("
        + "id VARCHAR(64) PRIMARY KEY, "
        + "at_ms BIGINT NOT NULL, "
        + "actor VARCHAR(120) NOT NULL, "
        + "kind VARCHAR(16) NOT NULL, "
        + "service VARCHAR(120), "
        + "instance VARCHAR(120), "
        + "node VARCHAR(120), "
        + "text VARCHAR(500) NOT NULL)",
      "CREATE INDEX IF NOT EXISTS activity_events_time ON activity_events (at_ms)",
      "CREATE INDEX IF NOT EXISTS activity_events_kind ON activity_events (kind, at_ms)",
      "CREATE INDEX IF NOT EXISTS activity_events_service ON activity_events (service, at_ms)"));

  private static final String COLUMNS = "id, at_ms, actor, kind, service, instance, node, text";
  private static final int DELETE_BATCH = 1_000;
  private static final int MAX_BATCHES = 1_000;

  private final Pool pool;

  ActivityRepository(Pool pool) {
    this.pool = pool;
  }

  Future<Void> migrate(Vertx vertx) {
    return Migrations.apply(vertx, pool, "activity", MIGRATIONS);
  }

  /** Stores the events in one batch; an event whose id is already stored is skipped (the feed may repeat one). */
  Future<Void> insert(List<ActivityEvent> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Map<String, Object>> batch = new ArrayList<>(events.size());
    for (ActivityEvent event : events) {
      Map<String, Object> row = new HashMap<>();
      row.put("id", event.id());
      row.put("at", event.time().toEpochMilli());
      row.put("actor", event.actor());
      row.put("kind", event.kind().label());
      row.put("service", event.service());
      row.put("instance", event.instance());
      row.put("node", event.node());
      row.put("text", event.text());
      batch.add(row);
    }
    return SqlTemplate.forUpdate(pool, "INSERT INTO activity_events (" + COLUMNS + ") VALUES "
        + "(#{id}, #{at}, #{actor}, #{kind}, #{service}, #{instance}, #{node}, #{text}) ON CONFLICT DO NOTHING")
      .executeBatch(batch)
      .mapEmpty();
  }

  /** A page of events, newest first. */
  Future<Page<ActivityEvent>> list(ActivityQuery query) {
    Map<String, Object> params = new HashMap<>();
    String where = query.where(params);
    return Page.read(pool, COLUMNS, "activity_events", where, "at_ms DESC, id DESC", params, query.page(), query.size(),
      ActivityRepository::fromRow);
  }

  /** Removes events older than {@code before} (epoch ms), in short batches; the rows removed. */
  Future<Long> deleteOlderThan(long before) {
    return BatchDelete.run(pool, "DELETE FROM activity_events WHERE id IN "
      + "(SELECT id FROM activity_events WHERE at_ms < #{before} LIMIT #{batch})", Map.of("before", before), DELETE_BATCH, MAX_BATCHES);
  }

  /** Keeps about the newest {@code max} events: removes those older than the {@code max}-th newest; the rows removed. */
  Future<Long> keepNewest(int max) {
    return SqlTemplate.forQuery(pool, "SELECT at_ms FROM activity_events ORDER BY at_ms DESC LIMIT 1 OFFSET #{max}")
      .execute(Map.of("max", max))
      .compose(rows -> rows.size() == 0 ? Future.succeededFuture(0L)
        : deleteOlderThan(rows.iterator().next().getLong("at_ms") + 1));
  }

  static ActivityEvent fromRow(Row row) {
    return new ActivityEvent(row.getString("id"), Instant.ofEpochMilli(row.getLong("at_ms")), row.getString("actor"),
      ActivityEvent.Kind.parse(row.getString("kind")), row.getString("service"), row.getString("instance"), row.getString("node"),
      row.getString("text"));
  }

  /** Stored events (the tests' counts). */
  Future<Long> count() {
    return pool.query("SELECT COUNT(*) AS n FROM activity_events").execute()
      .map(rows -> ((Number) rows.iterator().next().getValue(0)).longValue());
  }
}
