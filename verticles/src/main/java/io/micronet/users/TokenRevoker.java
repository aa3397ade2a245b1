package io.micronet.users;

import io.micronet.shared.security.Revocations;
import io.micronet.shared.storage.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Ends a user's earlier tokens: at once cluster-wide through {@link Revocations}, and durably in the users
 * database ({@code token_revocations}), from which every users instance puts them back into the cluster map at
 * start — so a revocation outlives a restart of the whole cluster for as long as it matters (the token lifetime
 * plus the clock-skew leeway; older rows are purged then).
 */
final class TokenRevoker {

  private static final Logger LOG = LoggerFactory.getLogger(TokenRevoker.class);
  static final List<List<String>> MIGRATIONS = List.of(List.of(
    "CREATE TABLE IF NOT EXISTS token_revocations (user_id VARCHAR(36) PRIMARY KEY, not_before BIGINT NOT NULL)"));

  private final Pool pool;
  private final Revocations revocations;
  private final long retentionMs;

  TokenRevoker(Pool pool, Revocations revocations, long retentionMs) {
    this.pool = pool;
    this.revocations = revocations;
    this.retentionMs = retentionMs;
  }

  /** Creates the table, drops rows that no longer matter, and puts the others back into the cluster map. */
  Future<Void> start(Vertx vertx) {
    long oldest = System.currentTimeMillis() - retentionMs;
    return Migrations.apply(vertx, pool, "token_revocations", MIGRATIONS)
      .compose(v -> SqlTemplate.forUpdate(pool, "DELETE FROM token_revocations WHERE not_before < #{oldest}")
        .execute(Map.of("oldest", oldest)))
      .compose(v -> SqlTemplate.forQuery(pool, "SELECT user_id, not_before FROM token_revocations").execute(Map.of()))
      .compose(rows -> {
        List<Future<Void>> restored = new java.util.ArrayList<>();
        for (Row row : rows) {
          restored.add(revocations.revoke(row.getString("user_id"), row.getLong("not_before")));
        }
        return Future.all(restored).mapEmpty();
      });
  }

  /**
   * Tokens of {@code userId} issued before now stop counting. Called once the change that calls for it (a new
   * role or password, a deletion) has committed: a login racing the change then cannot slip a token issued with
   * the old role past the revocation. Completes when the cluster map holds it; a failure to record it in the
   * database as well is logged (the cluster map already holds it).
   */
  Future<Void> revoke(String userId) {
    // the tokens' own time source (their issued-at), not the service's clock
    long notBefore = System.currentTimeMillis();
    return revocations.revoke(userId, notBefore)
      .onSuccess(v -> pool.withTransaction(conn -> SqlTemplate.forUpdate(conn, "DELETE FROM token_revocations WHERE user_id = #{user}")
            .execute(Map.of("user", userId))
            .compose(deleted -> SqlTemplate.forUpdate(conn,
              "INSERT INTO token_revocations (user_id, not_before) VALUES (#{user}, #{notBefore})")
              .execute(Map.of("user", userId, "notBefore", notBefore))))
        .onFailure(e -> LOG.warn("token revocation not recorded in the database", kv("userId", userId), kv("reason", e.getMessage()))));
  }
}
