package io.micronet.storage;

import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.storage.TestDatabases.Engine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static io.micronet.storage.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Idempotency keys expire: within their lifetime the same key answers the first write again; after it, the key
 * counts as absent and the request runs anew; the purge deletes expired rows (and only those, and only its own
 * service's) in batches. On both engines, with a clock the test moves. Rows are scoped to this run by service
 * names that nothing else uses (the PostgreSQL database is shared with other tests), and deleted at the end.
 */
class IdempotencyExpiryTest {

  private static final String RUN = "idx" + UUID.randomUUID().toString().substring(0, 8);
  private static final Duration TTL = Duration.ofHours(24);
  private static final AtomicInteger SEQ = new AtomicInteger();

  @TempDir
  static Path tempDir;

  private static Vertx vertx;
  private static TestDatabases databases;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    databases = new TestDatabases(vertx, tempDir, pool -> await(new IdempotentWrites(pool, "any").migrate(vertx)));
  }

  @AfterAll
  static void stop() {
    try {
      databases.close(pool -> await(SqlTemplate.forUpdate(pool, "DELETE FROM idempotency_keys WHERE service LIKE #{run}")
        .execute(Map.of("run", RUN + "%"))));
    } finally {
      await(vertx.close());
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aKeyAnswersTheFirstWriteUntilItExpiresThenTheRequestRunsAgain(Engine engine) {
    MutableClock clock = new MutableClock(Instant.parse("2001-01-01T00:00:00Z"));
    IdempotentWrites writes = new IdempotentWrites(databases.pool(engine), service(), TTL, clock);
    AtomicInteger runs = new AtomicInteger();
    ServiceRequest request = keyed("key-1");

    ServiceResponse first = await(writes.run(request, conn -> Future.succeededFuture(ServiceResponse.created(
      new JsonObject().put("run", runs.incrementAndGet())))));
    assertEquals(1, runs.get());

    clock.advance(TTL.minusMinutes(1));
    ServiceResponse replayed = await(writes.run(request, conn -> Future.succeededFuture(ServiceResponse.created(
      new JsonObject().put("run", runs.incrementAndGet())))));
    assertEquals(1, runs.get(), "within its lifetime the key answers the first write");
    assertEquals(body(first), body(replayed));

    clock.advance(Duration.ofMinutes(2));
    ServiceResponse again = await(writes.run(request, conn -> Future.succeededFuture(ServiceResponse.created(
      new JsonObject().put("run", runs.incrementAndGet())))));
    assertEquals(2, runs.get(), "an expired key is absent: the request ran again");
    assertEquals(new JsonObject().put("run", 2), body(again));

    ServiceResponse rememberedAgain = await(writes.run(request, conn -> Future.succeededFuture(ServiceResponse.created(
      new JsonObject().put("run", runs.incrementAndGet())))));
    assertEquals(2, runs.get(), "and its new answer is remembered");
    assertEquals(body(again), body(rememberedAgain));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aClaimThatExpiredIsFreeForAWaitingRequest(Engine engine) {
    MutableClock clock = new MutableClock(Instant.parse("2001-01-01T00:00:00Z"));
    Pool pool = databases.pool(engine);
    IdempotentWrites writes = new IdempotentWrites(pool, service(), TTL, clock);
    ServiceRequest request = keyed("key-2");
    // the orders way: claim, work, remember in separate steps
    await(pool.withTransaction(conn -> writes.claim(conn, request, request.body())
      .compose(v -> writes.remember(conn, request, request.body(), ServiceResponse.created(new JsonObject().put("order", "A"))))));

    ServiceResponse within = await(writes.awaitAnswer(request, request.body(), 1000,
      () -> Future.succeededFuture(ServiceResponse.created(new JsonObject().put("order", "B")))));
    assertEquals(new JsonObject().put("order", "A"), body(within), "the stored answer while the key lives");

    clock.advance(TTL.plusSeconds(1));
    ServiceResponse after = await(writes.awaitAnswer(request, request.body(), 1000,
      () -> Future.succeededFuture(ServiceResponse.created(new JsonObject().put("order", "B")))));
    assertEquals(new JsonObject().put("order", "B"), body(after), "an expired key lets the request run anew");
    await(pool.withTransaction(conn -> writes.claim(conn, request, request.body())));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void thePurgeDeletesExpiredKeysOfItsServiceInBatchesAndNothingElse(Engine engine) {
    MutableClock clock = new MutableClock(Instant.parse("2001-01-01T00:00:00Z"));
    Pool pool = databases.pool(engine);
    String service = service();
    String neighbour = service();
    IdempotentWrites writes = new IdempotentWrites(pool, service, TTL, clock);
    IdempotentWrites neighbours = new IdempotentWrites(pool, neighbour, TTL, clock);
    for (int i = 0; i < 7; i++) {
      write(writes, "old-" + i);
    }
    write(neighbours, "neighbour-old");
    clock.advance(Duration.ofHours(12));
    for (int i = 0; i < 3; i++) {
      write(writes, "young-" + i);
    }
    clock.advance(Duration.ofHours(12).plusSeconds(1));

    long deleted = await(writes.purge().run(2, 1000));

    assertEquals(7, deleted, "the seven expired keys, two at a time");
    assertEquals(3, count(pool, service), "the keys younger than their lifetime stay");
    assertEquals(1, count(pool, neighbour), "another service's keys are its own purge's business");
    assertEquals(0, (long) await(writes.purge().run(2, 1000)), "nothing left to purge");

    clock.advance(Duration.ofHours(13));
    assertEquals(2, (long) await(writes.purge().run(1, 2)), "a run stops after its batches");
    assertEquals(1, (long) await(writes.purge().run(1, 2)), "the next one goes on");
    assertEquals(0, count(pool, service));
  }

  private static void write(IdempotentWrites writes, String key) {
    await(writes.run(keyed(key), conn -> Future.succeededFuture(ServiceResponse.created(new JsonObject().put("key", key)))));
  }

  private static long count(Pool pool, String service) {
    return await(SqlTemplate.forQuery(pool, "SELECT COUNT(*) AS n FROM idempotency_keys WHERE service = #{service}")
      .execute(Map.of("service", service))).iterator().next().getLong("n");
  }

  private static String service() {
    return RUN + "-" + SEQ.incrementAndGet();
  }

  private static ServiceRequest keyed(String key) {
    return new ServiceRequest("create", "req-" + UUID.randomUUID(), "caller-1", "client", key,
      new JsonObject(), new JsonObject(), new JsonObject().put("name", "x"));
  }

  private static JsonObject body(ServiceResponse response) {
    Object body = response.body();
    return body instanceof JsonObject json ? json : new JsonObject(body.toString());
  }
}
