package io.micronet.alerts;

import io.micronet.shared.storage.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.List;
import java.util.Map;

/**
 * The outbox until delivery takes over (io.micronet.alerts.delivery replaces this class and owns its table): one row of
 * {@code alert_notifications} per notification, stored before {@link #enqueue} succeeds; a notification whose id is
 * stored already (a new leader repeating its predecessor's last step) is kept once.
 */
public class StoredOutbox implements NotificationOutbox {

  static final List<List<String>> MIGRATIONS = List.of(List.of(
    "CREATE TABLE IF NOT EXISTS alert_notifications (id VARCHAR(64) PRIMARY KEY, group_key VARCHAR(300) NOT NULL, "
      + "status VARCHAR(16) NOT NULL, created_at BIGINT NOT NULL, doc TEXT NOT NULL)"));

  private final Pool pool;

  public StoredOutbox(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> migrate(Vertx vertx) {
    return Migrations.apply(vertx, pool, "alerts.outbox", MIGRATIONS);
  }

  @Override
  public Future<Void> enqueue(Notification notification) {
    return SqlTemplate.forUpdate(pool, "INSERT INTO alert_notifications (id, group_key, status, created_at, doc) VALUES "
        + "(#{id}, #{groupKey}, #{status}, #{createdAt}, #{doc}) ON CONFLICT DO NOTHING")
      .execute(Map.of("id", notification.id(), "groupKey", notification.groupKey(), "status", notification.status(),
        "createdAt", notification.createdAt().toEpochMilli(), "doc", notification.toJson().encode()))
      .mapEmpty();
  }
}
