package io.micronet.shared.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Brings a service's schema up to date at start: each migration is a list of statements, applied once,
 * in order, and recorded in {@code schema_migrations}. Statements are written to be idempotent
 * ({@code IF NOT EXISTS}) so that two nodes starting together on one PostgreSQL cannot break each other.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  private static final long LOCK_TIMEOUT_MS = 60_000;
  /**
   * One lock for every service's migrations, not one per service: they all create {@code schema_migrations}
   * (and may share a database), and PostgreSQL fails two concurrent CREATE TABLE IF NOT EXISTS of one table.
   */
  private static final String LOCK = "micronet.migrations";

  /**
   * Migrates under the migrations lock: cluster-wide when clustered, so that instances starting
   * together (in one JVM or on several nodes sharing PostgreSQL) take turns instead of racing on the same
   * new tables — the embedded database reports such a race as "object already exists" instead of waiting.
   */
  public static Future<Void> apply(Vertx vertx, Pool pool, String service, List<List<String>> migrations) {
    return vertx.sharedData().withLock(LOCK, LOCK_TIMEOUT_MS,
      () -> migrate(pool, service, migrations));
  }

  private static Future<Void> migrate(Pool pool, String service, List<List<String>> migrations) {
    return pool.query("CREATE TABLE IF NOT EXISTS schema_migrations ("
        + "service VARCHAR(64) NOT NULL, version INTEGER NOT NULL, applied_at BIGINT NOT NULL, "
        + "PRIMARY KEY (service, version))").execute()
      .compose(v -> appliedVersion(pool, service))
      .compose(current -> {
        Future<Void> chain = Future.succeededFuture();
        for (int i = current; i < migrations.size(); i++) {
          int version = i + 1;
          List<String> statements = migrations.get(i);
          chain = chain.compose(v -> applyOne(pool, service, version, statements));
        }
        return chain;
      });
  }

  private static Future<Integer> appliedVersion(SqlClient client, String service) {
    return SqlTemplate.forQuery(client, "SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations WHERE service = #{service}")
      .execute(Map.of("service", service))
      .map(rows -> ((Number) rows.iterator().next().getValue(0)).intValue());
  }

  private static Future<Void> applyOne(Pool pool, String service, int version, List<String> statements) {
    return pool.<Void>withTransaction(conn -> {
        Future<Void> chain = Future.succeededFuture();
        for (String sql : statements) {
          chain = chain.compose(v -> conn.query(sql).execute().mapEmpty());
        }
        return chain.compose(v -> SqlTemplate.forUpdate(conn,
            "INSERT INTO schema_migrations (service, version, applied_at) VALUES (#{service}, #{version}, #{at})")
          .execute(Map.of("service", service, "version", version, "at", System.currentTimeMillis()))
          .mapEmpty());
      })
      .onSuccess(v -> LOG.info("schema migrated", kv("service", service), kv("version", version)))
      // a node starting at the same moment may have recorded this version first: that is success too
      .recover(e -> appliedVersion(pool, service)
        .compose(applied -> applied >= version ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(e)));
  }
}
