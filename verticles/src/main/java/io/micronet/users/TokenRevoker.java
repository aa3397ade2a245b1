package io.micronet.users;

import io.micronet.shared.security.Revocations;
import io.micronet.shared.storage.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
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
 * Every users instance puts both back into the cluster map when it starts and periodically (what changed within the
 * retention), so neither a restart of the whole cluster nor a failed map write loses a revocation.
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

  /** Creates the table, then {@link #resync()}. */
  Future<Void> start(Vertx vertx) {
    return Migrations.apply(vertx, pool, "token_revocations", MIGRATIONS).compose(v -> resync());
  }

  /**
   * Drops rows that no longer matter and makes sure the cluster map holds every live revocation the database
   * knows of: at start (a restart of the whole cluster), and periodically, so that a revocation whose map write
   * failed is carried out a little later rather than never. What this instance's copy already refuses is skipped.
   */
  Future<Void> resync() {
    Map<String, Object> oldest = Map.of("oldest", System.currentTimeMillis() - retentionMs);
    return SqlTemplate.forUpdate(pool, "DELETE FROM token_revocations WHERE revoked_at < #{oldest}").execute(oldest)
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
        String userId = row.getString("user_id");
        long version = row.getLong("min_version");
        if (!revocations.knows(userId, version)) {
          restored.add(revocations.revoke(userId, version));
        }
      }
    }
    return Future.all(restored).mapEmpty();
  }

  /** In the deleting transaction: the deleted user's tokens are refused, durably, whatever happens after the commit. */
  Future<Void> recordDeletion(SqlClient conn, String userId) {
    return SqlTemplate.forUpdate(conn, "DELETE FROM token_revocations WHERE user_id = #{user}").execute(Map.of("user", userId))
      .compose(gone -> SqlTemplate.forUpdate(conn,
        "INSERT INTO token_revocations (user_id, min_version, revoked_at) VALUES (#{user}, #{version}, #{at})")
        .execute(Map.of("user", userId, "version", Revocations.DELETED, "at", System.currentTimeMillis())))
      .mapEmpty();
  }

  /**
   * Only tokens of {@code userId} with at least {@code version} count from now on ({@link Revocations#DELETED}: none),
   * cluster-wide. Called once the change has committed (the database already holds it: the user's row, or the row
   * {@link #recordDeletion} wrote). Never fails: should the cluster map not take it now, the next {@link #resync()}
   * carries it out.
   */
  Future<Void> revoke(String userId, long version) {
    return revocations.revoke(userId, version).recover(e -> {
      LOG.warn("token revocation not in the cluster map yet: the next resync retries it", kv("userId", userId),
        kv("reason", String.valueOf(e.getMessage())));
      return Future.succeededFuture();
    });
  }
}
