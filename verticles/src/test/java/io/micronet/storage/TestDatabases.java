package io.micronet.storage;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The two engines the repository tests run each case on: the embedded H2 (in the test's temporary dir) and a
 * real PostgreSQL ({@code MICRONET_TEST_DB_URL}, which {@code scripts/test} always sets; without it the
 * PostgreSQL cases fail, they are not skipped). One pool per engine, made and migrated on first use; the
 * PostgreSQL database is shared with other tests, so {@link #close} first deletes the rows the test names.
 */
public final class TestDatabases {

  public enum Engine { H2, POSTGRESQL }

  public static final String DB_URL_VARIABLE = "MICRONET_TEST_DB_URL";

  private final Vertx vertx;
  private final Path dataDir;
  private final Consumer<Pool> migrate;
  private final Map<Engine, Pool> pools = new EnumMap<>(Engine.class);

  /** Pools on {@code vertx}, the H2 one below {@code tempDir}; {@code migrate} runs once on each new pool. */
  public TestDatabases(Vertx vertx, Path tempDir, Consumer<Pool> migrate) {
    this.vertx = vertx;
    this.dataDir = tempDir.resolve("h2");
    this.migrate = migrate;
  }

  /** The engine's pool (8 connections), made and migrated the first time it is asked for. */
  public synchronized Pool pool(Engine engine) {
    Pool existing = pools.get(engine);
    if (existing != null) {
      return existing;
    }
    Pool pool = Database.pool(vertx, config(engine, dataDir, 8));
    pools.put(engine, pool);
    migrate.accept(pool);
    return pool;
  }

  /** Runs {@code deleteRows} (the test's own rows) on every pool made, then closes it. */
  public synchronized void close(Consumer<Pool> deleteRows) {
    for (Pool pool : pools.values()) {
      deleteRows.accept(pool);
      await(pool.close());
    }
  }

  /** The storage settings of {@code engine}: H2 files in {@code dataDir}, or the PostgreSQL of the environment. */
  public static MicronetConfig config(Engine engine, Path dataDir, int poolSize) {
    JsonObject storage = new JsonObject().put("dataDir", dataDir.toString()).put("poolSize", poolSize);
    if (engine == Engine.POSTGRESQL) {
      String url = System.getenv(DB_URL_VARIABLE);
      if (url == null || url.isBlank()) {
        fail(DB_URL_VARIABLE + " is not set: the PostgreSQL cases of this test need a database. "
          + "scripts/test sets it; by hand: MICRONET_TEST_DB_URL=\"$(scripts/test-postgres start)\" mvn test …");
      }
      storage.put("dbUrl", url);
    } else {
      storage.putNull("dbUrl");
    }
    return MicronetConfig.load(new JsonObject().put("storage", storage), Map.of());
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no result after 60 s", e);
    }
  }
}
