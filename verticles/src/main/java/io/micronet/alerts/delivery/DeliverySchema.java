package io.micronet.alerts.delivery;

import io.micronet.shared.storage.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.util.List;

/**
 * The delivery tables, migrated under their own name ({@value #MIGRATION_NAME}) so that their versions never mix
 * with the alert engine's: the channels, each notification once, and one delivery row per notification and channel
 * (unique together, so a repeated enqueue adds nothing). One SQL text for H2 and PostgreSQL.
 */
final class DeliverySchema {

  static final String MIGRATION_NAME = "alerts.delivery";

  static final List<List<String>> MIGRATIONS = List.of(
    List.of(
      "CREATE TABLE IF NOT EXISTS alert_channels ("
        + "id VARCHAR(64) PRIMARY KEY, "
        + "name VARCHAR(120) NOT NULL UNIQUE, "
        + "kind VARCHAR(16) NOT NULL, "
        + "url VARCHAR(2048) NOT NULL, "
        + "secret VARCHAR(512), "
        + "enabled BOOLEAN NOT NULL, "
        + "created_at BIGINT NOT NULL, "
        + "updated_at BIGINT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS alert_notifications ("
        + "id VARCHAR(64) PRIMARY KEY, "
        + "group_key VARCHAR(500) NOT NULL, "
        + "status VARCHAR(16) NOT NULL, "
        + "summary VARCHAR(500) NOT NULL, "
        + "body TEXT NOT NULL, "
        + "created_at BIGINT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS alert_deliveries ("
        + "id VARCHAR(64) PRIMARY KEY, "
        + "notification_id VARCHAR(64) NOT NULL, "
        + "channel_id VARCHAR(64) NOT NULL, "
        + "channel_name VARCHAR(120) NOT NULL, "
        + "channel_kind VARCHAR(16) NOT NULL, "
        + "state VARCHAR(16) NOT NULL, "
        + "attempts INTEGER NOT NULL, "
        + "next_attempt_at BIGINT NOT NULL, "
        + "last_error VARCHAR(500), "
        + "failure_kind VARCHAR(16), "
        + "created_at BIGINT NOT NULL, "
        + "updated_at BIGINT NOT NULL, "
        + "delivered_at BIGINT, "
        + "dead_at BIGINT, "
        + "UNIQUE (notification_id, channel_id))",
      "CREATE INDEX IF NOT EXISTS alert_deliveries_due ON alert_deliveries (state, next_attempt_at)",
      "CREATE INDEX IF NOT EXISTS alert_deliveries_dead ON alert_deliveries (state, dead_at)"));

  private DeliverySchema() {
  }

  static Future<Void> migrate(Vertx vertx, Pool pool) {
    return Migrations.apply(vertx, pool, MIGRATION_NAME, MIGRATIONS);
  }
}
