package io.micronet.alerts;

import io.micronet.shared.storage.Page;
import io.micronet.storage.TestDatabases;
import io.micronet.storage.TestDatabases.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.micronet.storage.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alerts tables on both engines: rules stored, updated, deleted; the default rules stored once only; alerts written
 * by the leader (insert, then update), read back with an acknowledgment made elsewhere (the first stands), paged with
 * filters, and what a new leader loads; silences; group timings; the outbox keeping a notification once. Every row of
 * this run carries {@link #P} in its id or service (the PostgreSQL database is shared) and is deleted at the end.
 */
class AlertRepositoryTest {

  private static final String P = "ar" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir
  static Path tempDir;

  private static Vertx vertx;
  private static TestDatabases databases;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    databases = new TestDatabases(vertx, tempDir, pool -> {
      await(new AlertRepository(pool).migrate(vertx));
    });
  }

  @AfterAll
  static void stop() {
    try {
      databases.close(pool -> {
        for (String sql : List.of("DELETE FROM alert_rules WHERE id LIKE #{p}", "DELETE FROM alerts WHERE id LIKE #{p}",
          "DELETE FROM alert_silences WHERE id LIKE #{p}", "DELETE FROM alert_groups WHERE group_key LIKE #{p}")) {
          await(SqlTemplate.forUpdate(pool, sql).execute(Map.of("p", P + "%")));
        }
      });
    } finally {
      await(vertx.close());
    }
  }

  private static Rule rule(String id, String name) {
    return new Rule(P + id, name, Rule.THRESHOLD, P + "svc", "errorRate", ">", 0.05, 30, 10, "critical", null, null, List.of(), true,
      false, T, T);
  }

  private static Alert alert(String id, String service, String state) {
    Alert alert = new Alert(P + id, "f-" + id, P + "rule", Rule.THRESHOLD, service, null, new JsonObject().put("service", service), T);
    alert.state = state;
    alert.rule = "errors";
    alert.severity = "critical";
    alert.since = T;
    alert.updatedAt = T;
    alert.lastActiveAt = T;
    alert.summary = "x";
    alert.firingAt = T;
    return alert;
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void rulesAndTheDefaultsStoredOnce(Engine engine) {
    AlertRepository repository = new AlertRepository(databases.pool(engine));
    Rule rule = rule("r-" + engine, "errors");
    await(repository.insertRule(rule));
    assertEquals(rule, await(repository.rule(rule.id())));
    Rule disabled = rule.withState(false, T.plusSeconds(5));
    assertTrue(await(repository.updateRule(disabled)));
    assertFalse(await(repository.rule(rule.id())).enabled());
    assertTrue(await(repository.rules()).stream().anyMatch(r -> r.id().equals(rule.id())));
    assertTrue(await(repository.deleteRule(rule.id())));
    assertFalse(await(repository.deleteRule(rule.id())));
    assertNull(await(repository.rule(rule.id())));
    assertFalse(await(repository.updateRule(rule)), "gone");

    // the flag is the whole database's: the first call of the run may find it set by another test's service
    await(repository.insertDefaultsOnce(List.of(), T));
    Rule builtIn = rule("d-" + engine, "shipped");
    assertFalse(await(repository.insertDefaultsOnce(List.of(builtIn), T)), "only on the very first start");
    assertNull(await(repository.rule(builtIn.id())));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void alertsWrittenByTheLeaderAcknowledgedElsewhereAndResumed(Engine engine) {
    AlertRepository repository = new AlertRepository(databases.pool(engine));
    String service = P + "s-" + engine;
    Alert firing = alert("a-" + engine, service, Alert.FIRING);
    Alert resolved = alert("b-" + engine, service, Alert.RESOLVED);
    resolved.notified = true;
    Alert quiet = alert("c-" + engine, service, Alert.RESOLVED);
    await(repository.saveAlerts(List.of(firing, resolved, quiet)));
    assertTrue(await(repository.acknowledge(firing.id, "mona", T.plusSeconds(3))));
    assertFalse(await(repository.acknowledge(firing.id, "otto", T.plusSeconds(4))), "the first acknowledgment stands");
    firing.value = 0.9;
    await(repository.saveAlerts(List.of(firing)));
    Alert read = await(repository.alert(firing.id));
    assertEquals(0.9, read.value, "updated");
    assertEquals("mona", read.ackedBy, "the leader's write kept the acknowledgment");
    assertEquals(T.plusSeconds(3), read.ackedAt);
    assertEquals(firing.toStored().put("acknowledged", read.toJson().getJsonObject("acknowledged")), read.toStored());

    List<String> unfinished = await(repository.unfinishedAlerts()).stream().map(a -> a.id).filter(id -> id.startsWith(P)).toList();
    assertTrue(unfinished.contains(firing.id) && unfinished.contains(resolved.id) && !unfinished.contains(quiet.id), unfinished.toString());
    resolved.resolutionNotified = true;
    await(repository.saveAlerts(List.of(resolved)));
    assertFalse(await(repository.unfinishedAlerts()).stream().anyMatch(a -> a.id.equals(resolved.id)), "its resolution went out");

    Page<Alert> page = await(repository.alerts(null, service, 0, 2));
    assertEquals(3, page.total());
    assertEquals(firing.id, page.items().get(0).id, "active first");
    assertEquals(1, await(repository.alerts(Alert.RESOLVED, service, 1, 1)).items().size());
    assertEquals(List.of(firing.id), await(repository.alerts(Alert.FIRING, service, 0, 20)).items().stream().map(a -> a.id).toList());
    assertNull(await(repository.alert(P + "none")));

    Alert blip = alert("d-" + engine, service, Alert.PENDING);
    blip.firingAt = null;
    await(repository.saveAlerts(List.of(blip)));
    assertEquals(Alert.PENDING, await(repository.alert(blip.id)).state);
    blip.state = Alert.RESOLVED;
    await(repository.saveAlerts(List.of(blip)));
    assertNull(await(repository.alert(blip.id)), "resolved while pending: never fired, not kept");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void silencesGroupsAndTheOutbox(Engine engine) {
    AlertRepository repository = new AlertRepository(databases.pool(engine));
    Silence silence = new Silence(P + "s-" + engine, "orders", null, "critical", T, T.plusSeconds(600), "maintenance", "mona", T);
    await(repository.insertSilence(silence));
    assertEquals(silence, await(repository.silence(silence.id())));
    assertTrue(await(repository.liveSilences()).contains(silence));
    await(repository.markExpired(List.of(silence.id())));
    assertFalse(await(repository.liveSilences()).contains(silence));
    assertTrue(await(repository.silences(true, 0, 100)).items().contains(silence));
    assertTrue(await(repository.deleteSilence(silence.id())));
    assertFalse(await(repository.deleteSilence(silence.id())));

    AlertGroup group = new AlertGroup(P + "g-" + engine, T);
    await(repository.saveGroups(List.of(group), List.of()));
    group.lastSentAt = T.plusSeconds(10);
    group.lastFiring = List.of("x", "y");
    group.seq = 2;
    await(repository.saveGroups(List.of(group), List.of()));
    AlertGroup read = await(repository.groups()).stream().filter(g -> g.key.equals(group.key)).findFirst().orElseThrow();
    assertEquals(group.toJson(), read.toJson());
    await(repository.saveGroups(List.of(), List.of(group.key)));
    assertTrue(await(repository.groups()).stream().noneMatch(g -> g.key.equals(group.key)));

  }
}
