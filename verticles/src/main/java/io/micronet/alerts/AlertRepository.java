package io.micronet.alerts;

import io.micronet.shared.storage.Migrations;
import io.micronet.shared.storage.Page;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The alerts service's tables, one SQL text for H2 and PostgreSQL: rules, alerts, silences and group timings, each row
 * a JSON document with the columns its queries need. Only the leader writes an alert's document; an acknowledgment,
 * which any instance may take, has columns of its own, so neither write can undo the other.
 */
class AlertRepository {

  static final List<List<String>> MIGRATIONS = List.of(List.of(
    "CREATE TABLE IF NOT EXISTS alert_rules (id VARCHAR(64) PRIMARY KEY, built_in BOOLEAN NOT NULL, "
      + "created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, doc TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS alerts (id VARCHAR(64) PRIMARY KEY, fingerprint VARCHAR(400) NOT NULL, state VARCHAR(16) NOT NULL, "
      + "service VARCHAR(120) NOT NULL, rule_id VARCHAR(64) NOT NULL, starts_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, "
      + "unfinished BOOLEAN NOT NULL, doc TEXT NOT NULL, acked_by VARCHAR(120), acked_at BIGINT)",
    "CREATE INDEX IF NOT EXISTS alerts_unfinished ON alerts (unfinished)",
    "CREATE INDEX IF NOT EXISTS alerts_state ON alerts (state, starts_at)",
    "CREATE INDEX IF NOT EXISTS alerts_service ON alerts (service, starts_at)",
    "CREATE TABLE IF NOT EXISTS alert_silences (id VARCHAR(64) PRIMARY KEY, ends_at BIGINT NOT NULL, created_at BIGINT NOT NULL, "
      + "expired BOOLEAN NOT NULL, doc TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS alert_groups (group_key VARCHAR(300) PRIMARY KEY, doc TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS alert_flags (name VARCHAR(64) PRIMARY KEY, at_ms BIGINT NOT NULL)"));

  static final String DEFAULT_RULES_FLAG = "defaultRules";
  private static final String ALERT_COLUMNS = "id, doc, acked_by, acked_at";
  private static final String ACTIVE_FIRST = "CASE WHEN state = 'resolved' THEN 1 ELSE 0 END, starts_at DESC, id";

  private final Pool pool;

  AlertRepository(Pool pool) {
    this.pool = pool;
  }

  Future<Void> migrate(Vertx vertx) {
    return Migrations.apply(vertx, pool, "alerts", MIGRATIONS);
  }

  // ---- rules ----------------------------------------------------------------------------------------------------

  Future<List<Rule>> rules() {
    return pool.query("SELECT doc FROM alert_rules ORDER BY created_at, id").execute()
      .map(rows -> {
        List<Rule> list = new ArrayList<>();
        rows.forEach(row -> list.add(Rule.fromJson(new JsonObject(row.getString("doc")))));
        return list;
      });
  }

  Future<Rule> rule(String id) {
    return SqlTemplate.forQuery(pool, "SELECT doc FROM alert_rules WHERE id = #{id}").execute(Map.of("id", id))
      .map(rows -> rows.size() == 0 ? null : Rule.fromJson(new JsonObject(rows.iterator().next().getString("doc"))));
  }

  Future<Void> insertRule(Rule rule) {
    return SqlTemplate.forUpdate(pool, "INSERT INTO alert_rules (id, built_in, created_at, updated_at, doc) VALUES "
      + "(#{id}, #{builtIn}, #{createdAt}, #{updatedAt}, #{doc})").execute(ruleParams(rule)).mapEmpty();
  }

  /** True when the rule was there to update. */
  Future<Boolean> updateRule(Rule rule) {
    return SqlTemplate.forUpdate(pool, "UPDATE alert_rules SET updated_at = #{updatedAt}, doc = #{doc} WHERE id = #{id}")
      .execute(ruleParams(rule)).map(result -> result.rowCount() > 0);
  }

  Future<Boolean> deleteRule(String id) {
    return SqlTemplate.forUpdate(pool, "DELETE FROM alert_rules WHERE id = #{id}").execute(Map.of("id", id))
      .map(result -> result.rowCount() > 0);
  }

  /**
   * The rules shipped in conf, stored on the very first start only (a flag row taken in the same transaction, so two
   * instances starting together store them once): later edits and deletions stick. True when stored now.
   */
  Future<Boolean> insertDefaultsOnce(List<Rule> defaults, Instant now) {
    return pool.withTransaction(conn -> SqlTemplate.forUpdate(conn, "INSERT INTO alert_flags (name, at_ms) VALUES (#{name}, #{at}) "
          + "ON CONFLICT DO NOTHING").execute(Map.of("name", DEFAULT_RULES_FLAG, "at", now.toEpochMilli()))
      .compose(flag -> {
        if (flag.rowCount() == 0 || defaults.isEmpty()) {
          return Future.succeededFuture(flag.rowCount() > 0);
        }
        List<Map<String, Object>> batch = defaults.stream().map(AlertRepository::ruleParams).toList();
        return SqlTemplate.forUpdate(conn, "INSERT INTO alert_rules (id, built_in, created_at, updated_at, doc) VALUES "
          + "(#{id}, #{builtIn}, #{createdAt}, #{updatedAt}, #{doc}) ON CONFLICT DO NOTHING").executeBatch(batch).map(true);
      }));
  }

  private static Map<String, Object> ruleParams(Rule rule) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", rule.id());
    params.put("builtIn", rule.builtIn());
    params.put("createdAt", rule.createdAt().toEpochMilli());
    params.put("updatedAt", rule.updatedAt().toEpochMilli());
    params.put("doc", rule.toJson().encode());
    return params;
  }

  // ---- alerts ---------------------------------------------------------------------------------------------------

  /**
   * Writes the leader's alerts (their documents; the acknowledgment columns are left as they are). An alert resolved
   * while still pending never fired: it is dropped rather than kept (a blip shorter than its rule's duration is no alert).
   */
  Future<Void> saveAlerts(Collection<Alert> alerts) {
    Future<Void> chain = Future.succeededFuture();
    for (Alert alert : alerts) {
      if (!alert.active() && alert.firingAt == null) {
        chain = chain.compose(v -> SqlTemplate.forUpdate(pool, "DELETE FROM alerts WHERE id = #{id}").execute(Map.of("id", alert.id))
          .mapEmpty());
        continue;
      }
      Map<String, Object> params = new HashMap<>();
      params.put("id", alert.id);
      params.put("fingerprint", alert.fingerprint);
      params.put("state", alert.state);
      params.put("service", alert.service);
      params.put("ruleId", alert.ruleId);
      params.put("startsAt", alert.startsAt.toEpochMilli());
      params.put("updatedAt", (alert.updatedAt == null ? alert.startsAt : alert.updatedAt).toEpochMilli());
      params.put("doc", alert.toStored().encode());
      // what a new leader must load: active, or a notified firing whose resolution is not out yet
      params.put("unfinished", alert.active() || alert.notified && !alert.resolutionNotified);
      chain = chain.compose(v -> SqlTemplate.forUpdate(pool, "UPDATE alerts SET state = #{state}, updated_at = #{updatedAt}, "
          + "unfinished = #{unfinished}, doc = #{doc} WHERE id = #{id}").execute(params)
        .compose(updated -> updated.rowCount() > 0 ? Future.succeededFuture() : SqlTemplate.forUpdate(pool,
            "INSERT INTO alerts (id, fingerprint, state, service, rule_id, starts_at, updated_at, unfinished, doc) VALUES (#{id}, "
              + "#{fingerprint}, #{state}, #{service}, #{ruleId}, #{startsAt}, #{updatedAt}, #{unfinished}, #{doc}) ON CONFLICT DO NOTHING").execute(params)
          .mapEmpty()));
    }
    return chain;
  }

  /** What a new leader resumes: alerts pending or firing, and resolved ones whose resolution may still be owed. */
  Future<List<Alert>> unfinishedAlerts() {
    return pool.query("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE unfinished = TRUE")
      .execute().map(rows -> {
        List<Alert> list = new ArrayList<>();
        rows.forEach(row -> list.add(alertFromRow(row)));
        return list;
      });
  }

  Future<Alert> alert(String id) {
    return SqlTemplate.forQuery(pool, "SELECT " + ALERT_COLUMNS + " FROM alerts WHERE id = #{id}").execute(Map.of("id", id))
      .map(rows -> rows.size() == 0 ? null : alertFromRow(rows.iterator().next()));
  }

  /** Records who acknowledged (the first acknowledgment stands); true when this call recorded it. */
  Future<Boolean> acknowledge(String id, String by, Instant at) {
    return SqlTemplate.forUpdate(pool, "UPDATE alerts SET acked_by = #{by}, acked_at = #{at} WHERE id = #{id} AND acked_by IS NULL")
      .execute(Map.of("id", id, "by", by, "at", at.toEpochMilli())).map(result -> result.rowCount() > 0);
  }

  Future<Page<Alert>> alerts(String state, String service, int page, int size) {
    Map<String, Object> params = new HashMap<>();
    StringBuilder where = new StringBuilder(" WHERE 1=1");
    if (state != null) {
      where.append(" AND state = #{state}");
      params.put("state", state);
    }
    if (service != null) {
      where.append(" AND service = #{service}");
      params.put("service", service);
    }
    return Page.read(pool, ALERT_COLUMNS, "alerts", where.toString(), ACTIVE_FIRST, params, page, size, AlertRepository::alertFromRow);
  }

  static Alert alertFromRow(Row row) {
    Alert alert = Alert.fromStored(new JsonObject(row.getString("doc")));
    String by = row.getString("acked_by");
    if (by != null) {
      alert.ackedBy = by;
      alert.ackedAt = Instant.ofEpochMilli(row.getLong("acked_at"));
    }
    return alert;
  }

  // ---- silences -------------------------------------------------------------------------------------------------

  Future<Void> insertSilence(Silence silence) {
    return SqlTemplate.forUpdate(pool, "INSERT INTO alert_silences (id, ends_at, created_at, expired, doc) VALUES "
        + "(#{id}, #{endsAt}, #{createdAt}, FALSE, #{doc})")
      .execute(Map.of("id", silence.id(), "endsAt", silence.endsAt().toEpochMilli(), "createdAt", silence.createdAt().toEpochMilli(),
        "doc", silence.toJson().encode())).mapEmpty();
  }

  Future<Silence> silence(String id) {
    return SqlTemplate.forQuery(pool, "SELECT doc FROM alert_silences WHERE id = #{id}").execute(Map.of("id", id))
      .map(rows -> rows.size() == 0 ? null : Silence.fromJson(new JsonObject(rows.iterator().next().getString("doc"))));
  }

  Future<Boolean> deleteSilence(String id) {
    return SqlTemplate.forUpdate(pool, "DELETE FROM alert_silences WHERE id = #{id}").execute(Map.of("id", id))
      .map(result -> result.rowCount() > 0);
  }

  /** Silences not yet announced as expired (in force, to come, or just past their end). */
  Future<List<Silence>> liveSilences() {
    return pool.query("SELECT doc FROM alert_silences WHERE expired = FALSE").execute().map(rows -> {
      List<Silence> list = new ArrayList<>();
      rows.forEach(row -> list.add(Silence.fromJson(new JsonObject(row.getString("doc")))));
      return list;
    });
  }

  Future<Void> markExpired(List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return SqlTemplate.forUpdate(pool, "UPDATE alert_silences SET expired = TRUE WHERE id = #{id}")
      .executeBatch(ids.stream().map(id -> Map.<String, Object>of("id", id)).toList()).mapEmpty();
  }

  Future<Page<Silence>> silences(boolean includeExpired, int page, int size) {
    return Page.read(pool, "doc", "alert_silences", includeExpired ? " WHERE 1=1" : " WHERE expired = FALSE", "created_at DESC, id",
      Map.of(), page, size, row -> Silence.fromJson(new JsonObject(row.getString("doc"))));
  }

  // ---- groups ---------------------------------------------------------------------------------------------------

  Future<List<AlertGroup>> groups() {
    return pool.query("SELECT doc FROM alert_groups").execute().map(rows -> {
      List<AlertGroup> list = new ArrayList<>();
      rows.forEach(row -> list.add(AlertGroup.fromJson(new JsonObject(row.getString("doc")))));
      return list;
    });
  }

  Future<Void> saveGroups(Collection<AlertGroup> groups, Collection<String> removed) {
    Future<Void> chain = Future.succeededFuture();
    for (AlertGroup group : groups) {
      Map<String, Object> params = Map.of("key", group.key, "doc", group.toJson().encode());
      chain = chain.compose(v -> SqlTemplate.forUpdate(pool, "UPDATE alert_groups SET doc = #{doc} WHERE group_key = #{key}").execute(params)
        .compose(updated -> updated.rowCount() > 0 ? Future.succeededFuture() : SqlTemplate.forUpdate(pool,
          "INSERT INTO alert_groups (group_key, doc) VALUES (#{key}, #{doc}) ON CONFLICT DO NOTHING").execute(params).mapEmpty()));
    }
    for (String key : removed) {
      chain = chain.compose(v -> SqlTemplate.forUpdate(pool, "DELETE FROM alert_groups WHERE group_key = #{key}")
        .execute(Map.of("key", key)).mapEmpty());
    }
    return chain;
  }
}
