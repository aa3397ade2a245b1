package io.micronet.storage;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.storage.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static io.micronet.storage.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A node that goes silent in the middle of a transaction (cut off from the network: nothing is closed) must not hold
 * its row locks for long: on a real PostgreSQL, the session of a pool made by {@link Database} carries
 * {@code storage.idleInTransactionSeconds}, and a transaction left silent holding a row lock is ended by the server,
 * so another session's update of that row goes through and the silent one's change is rolled back.
 */
class PostgresSessionLimitTest {

  private static final String TABLE = "session_limit_" + UUID.randomUUID().toString().substring(0, 8).replace('-', '_');

  @TempDir
  static Path tempDir;

  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    MicronetConfig base = TestDatabases.config(TestDatabases.Engine.POSTGRESQL, tempDir, 2);
    JsonObject storage = base.json().getJsonObject("storage").copy().put("idleInTransactionSeconds", 1);
    pool = Database.pool(vertx, MicronetConfig.load(new JsonObject().put("storage", storage), Map.of()));
    await(pool.query("CREATE TABLE " + TABLE + " (id INT PRIMARY KEY, stock INT NOT NULL)").execute());
    await(pool.query("INSERT INTO " + TABLE + " VALUES (1, 10)").execute());
  }

  @AfterAll
  static void stop() {
    try {
      await(pool.query("DROP TABLE IF EXISTS " + TABLE).execute());
      await(pool.close());
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void everySessionCarriesTheLimit() {
    String shown = await(pool.query("SHOW idle_in_transaction_session_timeout").execute()).iterator().next().getString(0);
    assertEquals("1s", shown);
  }

  @Test
  void aSilentTransactionLosesItsLockAndItsChange() {
    SqlConnection silent = await(pool.getConnection());
    Transaction transaction = await(silent.begin());
    await(silent.query("UPDATE " + TABLE + " SET stock = stock - 3 WHERE id = 1").execute());
    // the silent session holds the row lock; this update waits for it, and gets it when the server ends that session
    SqlConnection other = await(pool.getConnection());
    try {
      assertEquals(1, await(other.query("UPDATE " + TABLE + " SET stock = stock - 1 WHERE id = 1").execute()).rowCount());
      assertEquals(9, await(other.query("SELECT stock FROM " + TABLE + " WHERE id = 1").execute()).iterator().next().getInteger(0),
        "the silent transaction's change is rolled back; the other one's stays");
      assertThrows(Exception.class, () -> await(transaction.commit()), "the silent session was ended by the server");
    } finally {
      silent.close();
      other.close();
    }
  }
}
