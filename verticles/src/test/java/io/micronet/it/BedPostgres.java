package io.micronet.it;

import io.micronet.shared.config.DbUrl;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

import java.net.URI;
import java.net.URISyntaxException;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The PostgreSQL of {@code MICRONET_TEST_DB_URL} (a loopback server of {@code scripts/test-postgres}) for nodes on the
 * test bed: a database of this run's own on it, reached from the hosts through a TCP relay on the bed's bridge address
 * in the test JVM (the server itself stays on loopback). The relay runs in this JVM's namespace, where the bridge is:
 * a host whose link is cut loses the database along with everything else, as a cut-off host would.
 */
final class BedPostgres implements AutoCloseable {

  private final Vertx vertx;
  private final DbUrl server;
  private final String database;
  private final NetServer relay;
  private final NetClient upstream;
  private final Pool pool;

  private BedPostgres(Vertx vertx, DbUrl server, String database, NetServer relay, NetClient upstream) {
    this.vertx = vertx;
    this.server = server;
    this.database = database;
    this.relay = relay;
    this.upstream = upstream;
    this.pool = pool(vertx, server, database);
  }

  /** A fresh database {@code name} on the test server, relayed at {@code bridgeAddress}. */
  static BedPostgres create(Vertx vertx, String bridgeAddress, String name) {
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
    NetClient upstream = vertx.createNetClient();
    NetServer relay = vertx.createNetServer().connectHandler(from -> relayTo(upstream, server, from));
    relay.listen(0, bridgeAddress).await();
    return new BedPostgres(vertx, server, name, relay, upstream);
  }

  private static void relayTo(NetClient upstream, DbUrl server, NetSocket from) {
    from.pause();
    upstream.connect(server.port(), server.host()).onComplete(connected -> {
      if (connected.failed()) {
        from.close();
        return;
      }
      NetSocket to = connected.result();
      from.pipeTo(to);
      to.pipeTo(from);
      from.resume();
    });
  }

  /** The URL the nodes use: the relay's address, this run's database, the server's user and password. */
  String nodeUrl(String bridgeAddress) {
    try {
      URI original = new URI(System.getenv("MICRONET_TEST_DB_URL"));
      return new URI(original.getScheme(), original.getRawUserInfo(), bridgeAddress, relay.actualPort(), "/" + database, null, null)
        .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
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

  /** Stops the relay and drops the run's database (the nodes must be gone: their sessions are ended by force). */
  @Override
  public void close() {
    relay.close().await();
    upstream.close().await();
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
