package io.micronet.shared.storage;

import io.micronet.shared.config.DbUrl;
import io.micronet.shared.config.MicronetConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SQL pool of a stateful service: PostgreSQL when {@code MICRONET_DB_URL} is set, otherwise the
 * embedded H2 database in the data dir. Repositories write one SQL dialect (the common subset, through
 * SQL templates) and run unchanged on both.
 */
public final class Database {

  private Database() {
  }

  public static Pool pool(Vertx vertx, MicronetConfig config) {
    PoolOptions poolOptions = new PoolOptions().setMaxSize(config.poolSize());
    String url = config.dbUrl();
    return url != null
      ? postgres(vertx, DbUrl.parse(url), poolOptions, config.idleInTransactionSeconds())
      : embedded(vertx, config.dataDir(), poolOptions);
  }

  public static boolean isEmbedded(MicronetConfig config) {
    return config.dbUrl() == null;
  }

  static Pool postgres(Vertx vertx, DbUrl url, PoolOptions poolOptions, int idleInTransactionSeconds) {
    return PgBuilder.pool().with(poolOptions).connectingTo(withTransactionLimit(connectOptions(url), idleInTransactionSeconds))
      .using(vertx).build();
  }

  /**
   * The server ends a session that sits in an open transaction for {@code seconds} without a word from its client
   * (PostgreSQL's {@code idle_in_transaction_session_timeout}, set at connect). A node cut off from the network in
   * the middle of a reservation would otherwise hold the product's row lock until the server's TCP keepalive gives up
   * (hours): every other node's purchases of that product would wait behind it. Our transactions talk without pause,
   * so a silent one is a client that is gone.
   */
  static PgConnectOptions withTransactionLimit(PgConnectOptions connect, int seconds) {
    // 0: not sent (the server's or the role's setting stands): for a pooler such as PgBouncer, which refuses a
    // startup parameter it does not know ("unsupported startup parameter")
    return seconds <= 0 ? connect : connect.addProperty("idle_in_transaction_session_timeout", seconds + "s");
  }

  /**
   * The connection settings of {@code url}, its {@code sslmode} as libpq reads it: {@code allow}, {@code prefer}
   * and {@code require} encrypt without checking the server (unless {@code sslrootcert} is given: then its CA
   * must have signed the server's certificate, as libpq does for {@code require}); {@code verify-ca} checks the CA,
   * {@code verify-full} the CA and that the certificate names the host.
   */
  static PgConnectOptions connectOptions(DbUrl url) {
    PgConnectOptions connect = new PgConnectOptions()
      .setHost(url.host())
      .setPort(url.port())
      .setDatabase(url.database())
      .setUser(url.user())
      .setPassword(url.password())
      .setCachePreparedStatements(true)
      .setSslMode(SslMode.of(url.sslMode()));
    if (connect.getSslMode() == SslMode.DISABLE) {
      return connect;
    }
    ClientSSLOptions ssl = new ClientSSLOptions();
    if (url.sslRootCert() != null) {
      ssl.setTrustOptions(new PemTrustOptions().addCertPath(url.sslRootCert()));
    } else {
      ssl.setTrustAll(true);
    }
    // the client's own default is no host check; verify-full asks for the HTTPS rules (name or IP in the SANs)
    ssl.setHostnameVerificationAlgorithm(connect.getSslMode() == SslMode.VERIFY_FULL ? "HTTPS" : "");
    return connect.setSslOptions(ssl);
  }

  static Pool embedded(Vertx vertx, String dataDir, PoolOptions poolOptions) {
    Path dir = Path.of(dataDir).toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create the data dir " + dir + ": " + e.getMessage());
    }
    // PostgreSQL mode and lower-case names keep one dialect for both engines; WRITE_DELAY=0 writes every
    // commit to the file before the commit returns, so an acknowledged write survives kill -9. DB_CLOSE_ON_EXIT=FALSE:
    // the node closes its pools itself after draining; H2's own shutdown hook would close the database under the
    // requests (and the activity events) still being finished.
    String jdbcUrl = "jdbc:h2:file:" + dir.resolve("micronet")
      + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE";
    // connections that return to auto-commit after a transaction: see AutoCommitDataSource (client bug in 5.0.x)
    return JDBCPool.pool(vertx, new AutoCommitDataSource(jdbcUrl, "micronet", ""), poolOptions);
  }
}
