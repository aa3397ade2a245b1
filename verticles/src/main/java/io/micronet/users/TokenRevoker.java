package io.micronet.users;

import io.micronet.shared.security.Revocations;
import io.micronet.shared.storage.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Ends a user's earlier tokens: at once cluster-wide through {@link Revocations}, and durably, so that a revocation
 * outlives a restart of the whole cluster for as long as it matters (the token lifetime plus the clock-skew leeway).
 * The users table keeps each account's token version; deleted accounts are remembered in {@code token_revocations}.
 * Every users instance puts both back into the cluster map when it starts (what changed within the retention).
 */
final class TokenRevoker {

  private static final Logger LOG = LoggerFactory.getLogger(TokenRevoker.class);
  static final List<List<String>> MIGRATIONS = List.of(List.of(
    "CREATE TABLE IF NOT EXISTS token_revocations (user_id VARCHAR(36) PRIMARY KEY, min_version BIGINT NOT NULL, "
      + "revoked_at BIGINT NOT NULL)"));

  private final Pool pool;
  private final Revocations revocations;
  private final long retentionMs;

  TokenRevoker(Pool pool, Revocations revocations, long retentionMs) {
    this.pool = pool;
    this.revocations = revocations;
    this.retentionMs = retentionMs;
  }

  /** Creates the table, drops rows that no longer matter, and puts the live revocations back into the cluster map. */
  Future<Void> start(Vertx vertx) {
    Map<String, Object> oldest = Map.of("oldest", System.currentTimeMillis() - retentionMs);
    return Migrations.apply(vertx, pool, "token_revocations", MIGRATIONS)
      .compose(v -> SqlTemplate.forUpdate(pool, "DELETE FROM token_revocations WHERE revoked_at < #{oldest}").execute(oldest))
      .compose(v -> SqlTemplate.forQuery(pool, "SELECT user_id, min_version FROM token_revocations").execute(Map.of()))
      .compose(deleted -> SqlTemplate.forQuery(pool,
          "SELECT id AS user_id, token_version AS min_version FROM users WHERE token_version > 0 AND updated_at >= #{oldest}")
        .execute(oldest)
        .compose(changed -> restore(deleted, changed)));
  }

  private Future<Void> restore(RowSet<Row> deleted, RowSet<Row> changed) {
    List<Future<Void>> restored = new ArrayList<>();
    for (RowSet<Row> rows : List.of(deleted, changed)) {
      for (Row row : rows) {
        restored.add(revocations.revoke(row.getString("user_id"), row.getLong("min_version")));
      }
    }
    return Future.all(restored).mapEmpty();
  }

  /**
   * Only tokens of {@code userId} with at least {@code version} count from now on ({@link Revocations#DELETED}: none).
   * Called once the change that calls for it has committed. Completes when the cluster map holds it; a deletion is
   * also recorded in the database (a changed account's version is in its own row), and a failure to do so is logged.
   */
  Future<Void> revoke(String userId, long version) {
    Future<Void> announced = revocations.revoke(userId, version);
    if (version != Revocations.DELETED) {
      return announced;
    }
    return announced.onSuccess(v -> pool.withTransaction(conn -> SqlTemplate.forUpdate(conn,
          "DELETE FROM token_revocations WHERE user_id = #{user}").execute(Map.of("user", userId))
        .compose(gone -> SqlTemplate.forUpdate(conn,
          "INSERT INTO token_revocations (user_id, min_version, revoked_at) VALUES (#{user}, #{version}, #{at})")
          .execute(Map.of("user", userId, "version", version, "at", System.currentTimeMillis()))))
      .onFailure(e -> LOG.warn("a deleted user's revocation was not recorded in the database", kv("userId", userId),
        kv("reason", e.getMessage()))));
  }
}
