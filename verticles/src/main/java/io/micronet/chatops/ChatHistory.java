package io.micronet.chatops;

import io.micronet.shared.storage.BatchDelete;
import io.micronet.shared.storage.Migrations;
import io.micronet.shared.storage.Page;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Every command run (who, role, what was typed, whether it worked, when), stored before its reply goes out. */
class ChatHistory {

  static final List<List<String>> MIGRATIONS = List.of(
    List.of(
      "CREATE TABLE IF NOT EXISTS chatops_history ("
        + "id VARCHAR(64) PRIMARY KEY, "
        + "at_ms BIGINT NOT NULL, "
        + "user_id VARCHAR(120) NOT NULL, "
        + "username VARCHAR(120), "
        + "role VARCHAR(16) NOT NULL, "
        + "command VARCHAR(1000) NOT NULL, "
        + "ok BOOLEAN NOT NULL, "
        + "reply VARCHAR(500) NOT NULL)",
      "CREATE INDEX IF NOT EXISTS chatops_history_time ON chatops_history (at_ms)",
      "CREATE INDEX IF NOT EXISTS chatops_history_user ON chatops_history (user_id, at_ms)"));

  static final int MAX_COMMAND = 1000;
  static final int MAX_REPLY = 500;
  private static final String COLUMNS = "id, at_ms, user_id, username, role, command, ok, reply";
  private static final int DELETE_BATCH = 1_000;
  private static final int MAX_BATCHES = 1_000;

  private final Pool pool;

  ChatHistory(Pool pool) {
    this.pool = pool;
  }

  Future<Void> migrate(Vertx vertx) {
    return Migrations.apply(vertx, pool, "chatops", MIGRATIONS);
  }

  /** One entry (texts cut to the columns' sizes). */
  Future<Void> record(Invocation invocation, String command, ChatReply reply, Instant at) {
    Map<String, Object> row = new HashMap<>();
    row.put("id", UUID.randomUUID().toString());
    row.put("at", at.toEpochMilli());
    row.put("userId", invocation.caller().id());
    row.put("username", invocation.caller().username());
    row.put("role", invocation.caller().role());
    row.put("command", cut(command, MAX_COMMAND));
    row.put("ok", reply.ok());
    row.put("reply", cut(reply.text() == null ? "" : reply.text(), MAX_REPLY));
    return SqlTemplate.forUpdate(pool, "INSERT INTO chatops_history (" + COLUMNS + ") VALUES "
        + "(#{id}, #{at}, #{userId}, #{username}, #{role}, #{command}, #{ok}, #{reply})")
      .execute(row).mapEmpty();
  }

  /** A page of entries, newest first: one user's ({@code userId}), or everyone's (null). */
  Future<Page<JsonObject>> list(String userId, int page, int size) {
    Map<String, Object> params = new HashMap<>();
    String where = "";
    if (userId != null) {
      where = " WHERE user_id = #{userId}";
      params.put("userId", userId);
    }
    return Page.read(pool, COLUMNS, "chatops_history", where, "at_ms DESC, id DESC", params, page, size, ChatHistory::fromRow);
  }

  /** Removes entries older than {@code before} (epoch ms), in short batches; the rows removed. */
  Future<Long> deleteOlderThan(long before) {
    return BatchDelete.run(pool, "DELETE FROM chatops_history WHERE id IN "
      + "(SELECT id FROM chatops_history WHERE at_ms < #{before} LIMIT #{batch})", Map.of("before", before), DELETE_BATCH, MAX_BATCHES);
  }

  private static JsonObject fromRow(Row row) {
    return new JsonObject().put("id", row.getString("id")).put("time", Instant.ofEpochMilli(row.getLong("at_ms")).toString())
      .put("userId", row.getString("user_id")).put("user", row.getString("username")).put("role", row.getString("role"))
      .put("command", row.getString("command")).put("ok", row.getBoolean("ok")).put("reply", row.getString("reply"));
  }

  private static String cut(String text, int max) {
    return text.length() > max ? text.substring(0, max) : text;
  }
}
