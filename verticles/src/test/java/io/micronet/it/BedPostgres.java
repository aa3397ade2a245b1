package io.micronet.it;

import io.micronet.shared.config.DbUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The PostgreSQL of {@code MICRONET_TEST_DB_URL} (a loopback server of {@code scripts/test-postgres}) for nodes on the
 * test bed: a database of this run's own on it, reached from the hosts through the bed's relay on the bridge
 * ({@link NetBed#reachableFromHosts}; the server itself stays on loopback): a host whose link is cut loses the
 * database along with everything else, as a cut-off host would.
 */
final class BedPostgres implements AutoCloseable {

  private final Vertx vertx;
  private final DbUrl server;
  private final String database;
  private final String nodeUrl;
  private final Pool pool;

  private BedPostgres(Vertx vertx, DbUrl server, String database, String nodeUrl) {
    this.vertx = vertx;
    this.server = server;
    this.database = database;
    this.nodeUrl = nodeUrl;
    this.pool = pool(vertx, server, database);
  }

  /** A fresh database {@code name} on the test server, for the nodes of {@code bed}. */
  static BedPostgres create(Vertx vertx, NetBed bed, String name) {
    String url = System.getenv("MICRONET_TEST_DB_URL");
    if (url == null || url.isBlank()) {
      fail("MICRONET_TEST_DB_URL is not set: the nodes on the bed share a PostgreSQL. Run the tests with scripts/test "
        + "(it starts a throwaway one), or set MICRONET_TEST_DB_URL=\"$(scripts/test-postgres start)\" before mvn verify.");
    }
    DbUrl server = DbUrl.parse(url);
    Pool admin = pool(vertx, server, server.database());
    try {
      admin.query("CREATE DATABASE " + name).execute().await();
    } finally {
      admin.close().await();
    }
    URI original = URI.create(url);
    String ownDatabase = original.getScheme() + "://" + original.getRawAuthority() + "/" + name;
    return new BedPostgres(vertx, server, name, bed.reachableFromHosts(vertx, ownDatabase));
  }

  /** The URL the nodes use: the relay on the bridge, this run's database. */
  String nodeUrl() {
    return nodeUrl;
  }

  /** A pool on this run's database, straight to the server, for the test's own checks. */
  Pool pool() {
    return pool;
  }

  long count(String sql, Object... params) {
    return pool.preparedQuery(sql).execute(Tuple.wrap(params)).await().iterator().next().getLong(0);
  }

  private static Pool pool(Vertx vertx, DbUrl db, String database) {
    PgConnectOptions connect = new PgConnectOptions().setHost(db.host()).setPort(db.port()).setDatabase(database)
      .setUser(db.user()).setPassword(db.password());
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(connect).using(vertx).build();
  }

  /** Drops the run's database (the nodes must be gone: their sessions are ended by force). */
  @Override
  public void close() {
    pool.close().await();
    Pool admin = pool(vertx, server, server.database());
    try {
      admin.query("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)").execute().await();
    } catch (Exception e) {
      System.out.println("[bed-postgres] could not drop the database " + database + ": " + e.getMessage());
    } finally {
      admin.close().await();
    }
  }
}
