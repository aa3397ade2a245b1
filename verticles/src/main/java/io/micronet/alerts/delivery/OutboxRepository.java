package io.micronet.alerts.delivery;

import io.micronet.alerts.Notification;
import io.micronet.shared.storage.BatchDelete;
import io.micronet.shared.storage.Page;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The outbox's rows. Every change of a delivery row names the state it expects ({@code state = 'pending'}), and a
 * dispatcher takes a row by moving its next attempt past the call's end ({@link #claim}): two dispatchers that
 * overlap during a change of leader cannot both send the same row, and a row whose dispatcher died is due again
 * once that lease ends.
 */
class OutboxRepository {

  private static final String ROW_COLUMNS = "d.id, d.notification_id, d.channel_id, d.channel_name, d.channel_kind, d.state, "
    + "d.attempts, d.next_attempt_at, d.last_error, d.failure_kind, d.delivered_at, d.dead_at, n.status, n.summary";
  private static final String FROM = "alert_deliveries d JOIN alert_notifications n ON n.id = d.notification_id";

  private final Pool pool;

  OutboxRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Stores the notification and one pending row per channel, in one transaction; a notification stored before
   * (the engine repeating itself after a hand-over) adds no second row for a channel it already has.
   */
  Future<Void> enqueue(Notification notification, String summary, List<Channel> channels, long now) {
    Map<String, Object> note = new HashMap<>();
    note.put("id", notification.id());
    note.put("groupKey", clip(notification.groupKey(), 500));
    note.put("status", notification.status());
    note.put("summary", clip(summary, 500));
    note.put("body", notification.toJson().encode());
    note.put("createdAt", notification.createdAt().toEpochMilli());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Channel channel : channels) {
      Map<String, Object> row = new HashMap<>();
      row.put("id", UUID.randomUUID().toString());
      row.put("notificationId", notification.id());
      row.put("channelId", channel.id());
      row.put("channelName", channel.name());
      row.put("channelKind", channel.kind().label());
      row.put("now", now);
      rows.add(row);
    }
    return pool.withTransaction(conn -> SqlTemplate.forUpdate(conn, "INSERT INTO alert_notifications "
          + "(id, group_key, status, summary, body, created_at) VALUES (#{id}, #{groupKey}, #{status}, #{summary}, #{body}, #{createdAt}) "
          + "ON CONFLICT DO NOTHING")
        .execute(note)
        .compose(v -> rows.isEmpty() ? Future.succeededFuture() : SqlTemplate.forUpdate(conn, "INSERT INTO alert_deliveries "
            + "(id, notification_id, channel_id, channel_name, channel_kind, state, attempts, next_attempt_at, created_at, updated_at) "
            + "VALUES (#{id}, #{notificationId}, #{channelId}, #{channelName}, #{channelKind}, 'pending', 0, #{now}, #{now}, #{now}) "
            + "ON CONFLICT DO NOTHING")
          .executeBatch(rows)))
      .mapEmpty();
  }

  /** Pending rows due at {@code now}, oldest due first, with the notification's body. */
  Future<List<DeliveryRow>> due(long now, int limit) {
    return SqlTemplate.forQuery(pool, "SELECT " + ROW_COLUMNS + ", n.body FROM " + FROM
        + " WHERE d.state = 'pending' AND d.next_attempt_at <= #{now} ORDER BY d.next_attempt_at, d.id LIMIT #{limit}")
      .execute(Map.of("now", now, "limit", limit))
      .map(rows -> {
        List<DeliveryRow> list = new ArrayList<>();
        rows.forEach(row -> list.add(DeliveryRow.fromRow(row, true)));
        return list;
      });
  }

  /** Takes {@code row} for one attempt (counted now) until {@code leaseUntil}; false when another dispatcher has it. */
  Future<Boolean> claim(DeliveryRow row, long now, long leaseUntil) {
    return SqlTemplate.forUpdate(pool, "UPDATE alert_deliveries SET attempts = attempts + 1, next_attempt_at = #{lease}, "
        + "updated_at = #{now} WHERE id = #{id} AND state = 'pending' AND next_attempt_at = #{expected} AND attempts = #{attempts}")
      .execute(Map.of("id", row.id(), "lease", leaseUntil, "now", now, "expected", row.nextAttemptAt(), "attempts", row.attempts()))
      .map(result -> result.rowCount() == 1);
  }

  Future<Void> delivered(String id, long now) {
    return SqlTemplate.forUpdate(pool, "UPDATE alert_deliveries SET state = 'delivered', delivered_at = #{now}, updated_at = #{now}, "
        + "last_error = NULL, failure_kind = NULL WHERE id = #{id} AND state = 'pending'")
      .execute(Map.of("id", id, "now", now)).mapEmpty();
  }

  Future<Void> retryAt(String id, long now, long nextAttemptAt, String error) {
    return SqlTemplate.forUpdate(pool, "UPDATE alert_deliveries SET next_attempt_at = #{next}, last_error = #{error}, "
        + "failure_kind = 'transient', updated_at = #{now} WHERE id = #{id} AND state = 'pending'")
      .execute(Map.of("id", id, "now", now, "next", nextAttemptAt, "error", clip(error, 500))).mapEmpty();
  }

  Future<Void> dead(String id, long now, String error, String failureKind) {
    return SqlTemplate.forUpdate(pool, "UPDATE alert_deliveries SET state = 'dead', dead_at = #{now}, last_error = #{error}, "
        + "failure_kind = #{kind}, updated_at = #{now} WHERE id = #{id} AND state = 'pending'")
      .execute(Map.of("id", id, "now", now, "error", clip(error, 500), "kind", failureKind)).mapEmpty();
  }

  /** The dead-letter queue, newest first. */
  Future<Page<DeliveryRow>> deadLetters(int page, int size) {
    return Page.read(pool, ROW_COLUMNS, FROM, " WHERE d.state = 'dead'", "d.dead_at DESC, d.id DESC", Map.of(), page, size,
      row -> DeliveryRow.fromRow(row, false));
  }

  /** Replayed row ids and the asked ids that are not in the DLQ. */
  record Replay(int queued, List<String> notFound) {
  }

  /**
   * Puts dead rows back to pending with their attempts reset, due now: those named ({@code ids}), or all when
   * {@code ids} is null. Asked ids that are not dead rows (unknown, already pending or delivered) are named back.
   */
  Future<Replay> replay(List<String> ids, long now) {
    if (ids == null) {
      return SqlTemplate.forUpdate(pool, "UPDATE alert_deliveries SET state = 'pending', attempts = 0, next_attempt_at = #{now}, "
          + "dead_at = NULL, updated_at = #{now} WHERE state = 'dead'")
        .execute(Map.of("now", now)).map(result -> new Replay(result.rowCount(), List.of()));
    }
    Set<String> asked = new LinkedHashSet<>(ids);
    if (asked.isEmpty()) {
      return Future.succeededFuture(new Replay(0, List.of()));
    }
    Map<String, Object> params = new HashMap<>();
    params.put("now", now);
    List<String> names = new ArrayList<>();
    int i = 0;
    for (String id : asked) {
      params.put("id" + i, id);
      names.add("#{id" + i++ + "}");
    }
    String in = "(" + String.join(", ", names) + ")";
    return pool.withTransaction(conn -> SqlTemplate.forQuery(conn, "SELECT id FROM alert_deliveries WHERE state = 'dead' AND id IN " + in)
      .execute(params)
      .compose(rows -> {
        Set<String> found = new LinkedHashSet<>();
        rows.forEach(row -> found.add(row.getString("id")));
        List<String> missing = asked.stream().filter(id -> !found.contains(id)).toList();
        return SqlTemplate.forUpdate(conn, "UPDATE alert_deliveries SET state = 'pending', attempts = 0, next_attempt_at = #{now}, "
            + "dead_at = NULL, updated_at = #{now} WHERE state = 'dead' AND id IN " + in)
          .execute(params).map(result -> new Replay(result.rowCount(), missing));
      }));
  }

  /**
   * Removes delivered rows older than {@code before} (epoch ms), then the notifications no row refers to any more;
   * dead rows stay (the dead-letter queue is an operator's to empty, by replaying). The rows removed.
   */
  Future<Long> purgeDelivered(long before) {
    return BatchDelete.run(pool, "DELETE FROM alert_deliveries WHERE id IN (SELECT id FROM alert_deliveries "
          + "WHERE state = 'delivered' AND delivered_at < #{before} LIMIT #{batch})", Map.of("before", before), 1_000, 1_000)
      .compose(removed -> BatchDelete.run(pool, "DELETE FROM alert_notifications WHERE id IN (SELECT n.id FROM alert_notifications n "
          + "WHERE n.created_at < #{before} AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.notification_id = n.id) "
          + "LIMIT #{batch})", Map.of("before", before), 1_000, 1_000)
        .map(notes -> removed + notes));
  }

  /** Rows per state (pending, delivered, dead). */
  Future<Map<String, Long>> counts() {
    return pool.query("SELECT state, COUNT(*) AS n FROM alert_deliveries GROUP BY state").execute().map(rows -> {
      Map<String, Long> counts = new HashMap<>();
      rows.forEach(row -> counts.put(row.getString("state"), ((Number) row.getValue("n")).longValue()));
      return counts;
    });
  }

  /** The rows of one notification (tests, and an operator's question "where did it go?"). */
  Future<List<DeliveryRow>> ofNotification(String notificationId) {
    return SqlTemplate.forQuery(pool, "SELECT " + ROW_COLUMNS + " FROM " + FROM + " WHERE d.notification_id = #{id} ORDER BY d.channel_name")
      .execute(Map.of("id", notificationId))
      .map(rows -> {
        List<DeliveryRow> list = new ArrayList<>();
        rows.forEach(row -> list.add(DeliveryRow.fromRow(row, false)));
        return list;
      });
  }

  static String clip(String text, int max) {
    if (text == null) {
      return null;
    }
    String clean = text.replace('\u0000', ' ');
    return clean.length() <= max ? clean : clean.substring(0, max - 1) + "…";
  }
}
