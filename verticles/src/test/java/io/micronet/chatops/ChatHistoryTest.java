package io.micronet.chatops;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.security.Caller;
import io.micronet.storage.TestDatabases;
import io.micronet.storage.TestDatabases.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.micronet.storage.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ChatOps history on both engines: every entry kept with who, role, text and outcome, texts cut to their columns
 * (a huge or unicode command is stored, not refused by the database), one user's or everyone's, newest first, paged,
 * and purged by age. This run's users have ids of their own, so other tests' rows in the shared PostgreSQL stay.
 */
class ChatHistoryTest {

  private static final String RUN = "h" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir
  static Path tempDir;

  private static Vertx vertx;
  private static TestDatabases databases;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    databases = new TestDatabases(vertx, tempDir, pool -> await(new ChatHistory(pool).migrate(vertx)));
  }

  @AfterAll
  static void stop() {
    try {
      databases.close(pool -> await(SqlTemplate.forUpdate(pool, "DELETE FROM chatops_history WHERE user_id LIKE #{prefix}")
        .execute(Map.of("prefix", RUN + "%"))));
    } finally {
      await(vertx.close());
    }
  }

  private static Invocation as(Caller caller) {
    return new Invocation(caller, "t", null, new ServiceRequest("command", null, caller, null, new JsonObject(), new JsonObject(), null, null, 0));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void keptListedAndPurged(Engine engine) {
    ChatHistory history = new ChatHistory(databases.pool(engine));
    Caller carla = new Caller(RUN + engine + "-c", "carla", Caller.CLIENT);
    Caller mona = new Caller(RUN + engine + "-m", "mona", Caller.MANAGER);
    Instant t0 = Instant.parse("2002-01-01T00:00:00Z");
    await(history.record(as(carla), "products \"lämp ✓\"", ChatReply.ok("1 of 1 product(s)", null), t0));
    await(history.record(as(carla), "x".repeat(5000), ChatReply.failed(ErrorCode.BAD_REQUEST, "y".repeat(2000)), t0.plusSeconds(1)));
    await(history.record(as(mona), "stop products --yes", ChatReply.ok("done", null), t0.plusSeconds(2)));

    List<JsonObject> own = await(history.list(carla.id(), 0, 10)).items();
    assertEquals(2, own.size());
    JsonObject newest = own.get(0);
    assertEquals(ChatHistory.MAX_COMMAND, newest.getString("command").length(), "a huge command is kept, cut to its column");
    assertEquals(ChatHistory.MAX_REPLY, newest.getString("reply").length());
    assertEquals(false, newest.getBoolean("ok"));
    assertEquals("2002-01-01T00:00:01Z", newest.getString("time"));
    JsonObject first = own.get(1);
    assertEquals("products \"lämp ✓\"", first.getString("command"));
    assertEquals("carla", first.getString("user"));
    assertEquals("client", first.getString("role"));
    assertEquals(1, await(history.list(carla.id(), 1, 1)).items().size());
    assertEquals(2, await(history.list(carla.id(), 1, 1)).total());
    assertEquals("stop products --yes", await(history.list(mona.id(), 0, 10)).items().get(0).getString("command"));

    // the purge takes what is older than the cut (only this test writes times in 2002)
    assertEquals(2L, await(history.deleteOlderThan(t0.plusSeconds(2).toEpochMilli())));
    assertEquals(0, await(history.list(carla.id(), 0, 10)).total());
    assertEquals(1, await(history.list(mona.id(), 0, 10)).total());
  }
}
