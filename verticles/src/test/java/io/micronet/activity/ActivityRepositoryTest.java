package io.micronet.activity;

import io.micronet.shared.events.ActivityEvent;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.storage.MutableClock;
import io.micronet.storage.TestDatabases;
import io.micronet.storage.TestDatabases.Engine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.micronet.storage.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The activity store on both engines: each event kept once, written in batches only while leading (junk and a bad
 * event do not stop the rest), listed newest first with filters, pruned by age and by count. This run's events carry
 * ids with {@link #PREFIX}, services of their own and times in 2001 (the pruning's clock is the test's), so no other
 * test's rows are touched in the shared PostgreSQL; they are deleted at the end.
 */
class ActivityRepositoryTest {

  private static final String PREFIX = "ar" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private static final Instant START = Instant.parse("2001-05-01T00:00:00Z");

  @TempDir
  static Path tempDir;

  private static Vertx vertx;
  private static TestDatabases databases;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    databases = new TestDatabases(vertx, tempDir, pool -> await(new ActivityRepository(pool).migrate(vertx)));
  }

  @AfterAll
  static void stop() {
    try {
      databases.close(pool -> await(SqlTemplate.forUpdate(pool, "DELETE FROM activity_events WHERE id LIKE #{prefix}")
        .execute(Map.of("prefix", PREFIX + "%"))));
    } finally {
      await(vertx.close());
    }
  }

  private static ActivityEvent event(String id, Instant time, ActivityEvent.Kind kind, String service, String text) {
    return new ActivityEvent(PREFIX + id, time, "system", kind, service, service + "-1", "node-a", text);
  }

  private static JsonObject list(ActivityStore store, JsonObject query) {
    ServiceResponse answer = await(store.list(ActivityQueryTest.request(query)));
    return (JsonObject) answer.body();
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void eventsAreKeptOnceOnlyWhileLeadingAndListedNewestFirst(Engine engine) {
    ActivityRepository repository = new ActivityRepository(databases.pool(engine));
    AtomicBoolean leading = new AtomicBoolean(false);
    ActivityStore store = new ActivityStore(repository, new MutableClock(START), leading::get, 100_000, Duration.ofDays(30));
    String service = PREFIX + "list-" + engine;
    ActivityEvent started = event("a-" + engine, START, ActivityEvent.Kind.LIFECYCLE, service, "started");
    ActivityEvent failed = event("b-" + engine, START.plusSeconds(1), ActivityEvent.Kind.FAILURE, service, "failure \u0000 injected");
    ActivityEvent health = event("c-" + engine, START.plusSeconds(2), ActivityEvent.Kind.HEALTH, service, "DOWN");

    assertFalse(store.onEvent(started.toJson()), "a standby keeps nothing");
    leading.set(true);
    assertTrue(store.onEvent(started.toJson()));
    assertTrue(store.onEvent(started.toJson()), "the same event twice (the store keeps it once)");
    assertTrue(store.onEvent(failed.toJson()));
    assertTrue(store.onEvent(health.toJson()));
    assertFalse(store.onEvent(new JsonObject().put("type", "activity").put("id", "x")), "junk");
    assertFalse(store.onEvent("text"), "junk");
    assertEquals(4, await(store.flush()));
    assertEquals(0, store.queued());

    JsonObject page = list(store, new JsonObject().put("service", service));
    assertEquals(3, page.getLong("total"));
    assertEquals(List.of(health.id(), failed.id(), started.id()),
      page.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("id")).toList(), "newest first");
    JsonObject first = page.getJsonArray("items").getJsonObject(0);
    assertEquals(health.toJson(), first, "stored as published");
    assertEquals("failure   injected".replace("   ", " \u0020 ").length(),
      page.getJsonArray("items").getJsonObject(1).getString("text").length());
    assertFalse(page.getJsonArray("items").getJsonObject(1).getString("text").contains("\u0000"));

    JsonObject failures = list(store, new JsonObject().put("service", service).put("kind", "failure"));
    assertEquals(1, failures.getLong("total"));
    assertEquals(failed.id(), failures.getJsonArray("items").getJsonObject(0).getString("id"));
    JsonObject second = list(store, new JsonObject().put("service", service).put("size", "2").put("page", "1"));
    assertEquals(1, second.getJsonArray("items").size());
    assertEquals(1, second.getInteger("page"));
    assertEquals(2, second.getInteger("size"));
    assertEquals(3, second.getLong("total"));
  }

  /**
   * Events published while no writer led (the old leader gone, a partition's side still electing one) reached only
   * the standbys: the one that takes over writes what it heard in the last half minute, once, and nothing older.
   */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void aStandbyThatTakesOverWritesWhatItHeardMeanwhile(Engine engine) {
    ActivityRepository repository = new ActivityRepository(databases.pool(engine));
    AtomicBoolean leading = new AtomicBoolean(false);
    MutableClock clock = new MutableClock(START);
    ActivityStore store = new ActivityStore(repository, clock, leading::get, 100_000, Duration.ofDays(30));
    String service = PREFIX + "handover-" + engine;
    ActivityEvent old = event("old-" + engine, START, ActivityEvent.Kind.LIFECYCLE, service, "heard long ago");
    ActivityEvent stored = event("stored-" + engine, START.plusSeconds(40), ActivityEvent.Kind.LIFECYCLE, service, "the old leader wrote it");
    ActivityEvent unheard = event("lost-" + engine, START.plusSeconds(41), ActivityEvent.Kind.CLUSTER, service, "node h1 left");

    assertFalse(store.onEvent(old.toJson()), "a standby queues nothing");
    clock.advance(Duration.ofSeconds(40));
    await(repository.insert(List.of(stored)));
    assertFalse(store.onEvent(stored.toJson()));
    clock.advance(Duration.ofSeconds(1));
    assertFalse(store.onEvent(unheard.toJson()));
    assertEquals(0, store.queued());

    leading.set(true);
    assertEquals(2, store.tookOver(), "the last 30 s: the stored one and the lost one, not the one from 41 s ago");
    assertEquals(2, await(store.flush()));
    JsonObject page = list(store, new JsonObject().put("service", service));
    assertEquals(List.of(unheard.id(), stored.id()),
      page.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("id")).toList(), "each once, newest first");
    assertEquals(0, store.tookOver(), "taken over once");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aBatchTheDatabaseRefusesIsWrittenEventByEventAndTheQueueIsBounded(Engine engine) {
    String service = PREFIX + "batch-" + engine;
    String poison = PREFIX + "batch-" + engine + "-poison";
    // a database that refuses one event (and so any batch holding it)
    ActivityRepository repository = new ActivityRepository(databases.pool(engine)) {
      @Override
      Future<Void> insert(List<ActivityEvent> events) {
        return events.stream().anyMatch(e -> e.id().equals(poison)) ? Future.failedFuture("refused") : super.insert(events);
      }
    };
    ActivityStore store = new ActivityStore(repository, new MutableClock(START), () -> true, 100_000, Duration.ofDays(30));
    for (int i = 0; i < 5; i++) {
      assertTrue(store.onEvent(event("batch-" + engine + "-" + i, START.plusMillis(i), ActivityEvent.Kind.SCALE, service, "scaled").toJson()));
    }
    assertTrue(store.onEvent(new ActivityEvent(poison, START, "system", ActivityEvent.Kind.SCALE, service, null, null, "bad").toJson()));
    assertEquals(6, await(store.flush()));
    assertEquals(5, list(store, new JsonObject().put("service", service)).getLong("total"), "all but the refused one");

    for (int i = 0; i < ActivityStore.MAX_QUEUED + 3; i++) {
      store.onEvent(event("q-" + engine + "-" + i, START, ActivityEvent.Kind.SCALE, service, "queued").toJson());
    }
    assertEquals(ActivityStore.MAX_QUEUED, store.queued(), "bounded");
    assertEquals(3, store.dropped(), "the oldest went, counted");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void anEventWithATimeNoDatabaseCanHoldIsJunkAndTheStoreGoesOnWriting(Engine engine) {
    ActivityRepository repository = new ActivityRepository(databases.pool(engine));
    ActivityStore store = new ActivityStore(repository, new MutableClock(START), () -> true, 100_000, Duration.ofDays(30));
    String service = PREFIX + "time-" + engine;
    // ISO-8601 instants a parser takes but epoch milliseconds cannot hold (a junk event on the feed)
    for (String time : List.of("+300000000-01-01T00:00:00Z", "-300000000-01-01T00:00:00Z")) {
      store.onEvent(event("time-" + engine + time, START, ActivityEvent.Kind.SCALE, service, "junk").toJson().put("time", time));
      try {
        await(store.flush());
      } catch (RuntimeException e) {
        System.out.printf("%s: flush of an event at %s failed: %s%n", engine, time, e);
      }
    }
    ActivityEvent good = event("time-" + engine + "-good", START, ActivityEvent.Kind.SCALE, service, "good");
    assertTrue(store.onEvent(good.toJson()));
    await(store.flush());
    assertEquals(List.of(good.id()), list(store, new JsonObject().put("service", service)).getJsonArray("items").stream()
      .map(item -> ((JsonObject) item).getString("id")).toList(), "the store still writes; the junk was never kept");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void pruningKeepsTheRetentionAndTheNewestMaxEvents(Engine engine) {
    // this engine's table holds only this case's events while it runs its pruning (the other cases' rows are older)
    ActivityRepository repository = new ActivityRepository(databases.pool(engine));
    MutableClock clock = new MutableClock(START.plus(Duration.ofDays(400)));
    String service = PREFIX + "prune-" + engine;
    ActivityStore store = new ActivityStore(repository, clock, () -> true, 3, Duration.ofDays(30));
    Instant base = clock.instant().minus(Duration.ofDays(40));
    for (int i = 0; i < 8; i++) {
      // two old ones (40 and 35 days), six within the retention
      Instant time = i == 0 ? base : i == 1 ? base.plus(Duration.ofDays(5)) : clock.instant().minusSeconds(100 - i);
      store.onEvent(event("prune-" + engine + "-" + i, time, ActivityEvent.Kind.ALERT, service, "alert " + i).toJson());
    }
    await(store.flush());
    long before = await(repository.count());
    long removed = await(store.prune());
    System.out.printf("%s: %d events, pruning removed %d%n", engine, before, removed);
    JsonObject kept = list(store, new JsonObject().put("service", service));
    assertEquals(List.of(PREFIX + "prune-" + engine + "-7", PREFIX + "prune-" + engine + "-6", PREFIX + "prune-" + engine + "-5"),
      kept.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("id")).toList());
    assertTrue(await(repository.count()) <= 3, "at most maxEvents in all");
  }
}
