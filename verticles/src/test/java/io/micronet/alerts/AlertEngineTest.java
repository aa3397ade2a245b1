package io.micronet.alerts;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alert engine with a fake clock (the test moves {@link #now}): the state machine, deduplication, grouping with
 * its wait / interval / repeat, keep-firing, silences and their expiry, acknowledgment, inhibition along the
 * dependency graph, each resolution notified once, and a new engine resuming from what the old one stored.
 */
class AlertEngineTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final AlertEngine.Timing TIMING = new AlertEngine.Timing(Duration.ofSeconds(10), Duration.ofSeconds(60),
    Duration.ofHours(4));
  private static final Map<String, List<String>> GRAPH = Map.of("gateway", List.of("orders"), "orders", List.of("products", "users"),
    "products", List.of(), "users", List.of());

  private Instant now;
  private AlertEngine engine;
  private final AtomicInteger ids = new AtomicInteger();
  private final List<Notification> sent = new ArrayList<>();
  private final List<JsonObject> events = new ArrayList<>();

  private final Rule errors = rule("errors", Rule.THRESHOLD, 30, 20);
  private final Rule down = rule("down", Rule.STATUS, 0, 0);

  private static Rule rule(String id, String kind, int forSeconds, int keepFiring) {
    return new Rule(id, id + " rule", kind, "*", "errorRate", ">", 0.05, forSeconds, keepFiring, "critical", null, null,
      Rule.STATUS.equals(kind) ? List.of("DOWN") : List.of(), true, false, START, START);
  }

  @BeforeEach
  void start() {
    now = START;
    engine = newEngine();
  }

  private AlertEngine newEngine() {
    AlertEngine made = new AlertEngine(TIMING, GRAPH, () -> "a" + ids.incrementAndGet());
    made.rules(List.of(errors, down));
    return made;
  }

  private static Condition when(Rule rule, String service) {
    return new Condition(rule, service, null, Rule.STATUS.equals(rule.kind()) ? 2 : 0.5, service + " " + rule.id());
  }

  /** Steps every second for {@code seconds} with these conditions true. */
  private AlertEngine.Step run(int seconds, Condition... conditions) {
    AlertEngine.Step last = null;
    for (int i = 0; i < seconds; i++) {
      now = now.plusSeconds(1);
      last = engine.step(List.of(conditions), now);
      sent.addAll(last.notifications);
      events.addAll(last.events);
    }
    return last;
  }

  private List<String> changes() {
    return events.stream().map(e -> e.getString("change")).toList();
  }

  private Alert only() {
    assertEquals(1, engine.active().size());
    return engine.active().iterator().next();
  }

  @Test
  void pendingThenFiringThenOneNotificationAfterTheGroupWait() {
    run(1, when(errors, "products"));
    assertEquals("pending", only().state);
    run(29, when(errors, "products"));
    assertEquals("pending", only().state, "held 29 s of 30");
    run(1, when(errors, "products"));
    assertEquals("firing", only().state);
    assertEquals(List.of("pending", "firing"), changes());
    run(9, when(errors, "products"));
    assertEquals(List.of(), sent, "the group wait");
    run(1, when(errors, "products"));
    assertEquals(1, sent.size());
    Notification first = sent.get(0);
    assertEquals("firing", first.status());
    assertEquals("products/errors", first.groupKey());
    assertEquals("a1", first.alerts().getJsonObject(0).getString("id"));
    run(600, when(errors, "products"));
    assertEquals(1, sent.size(), "nothing new: no notification before the repeat interval");
    assertEquals(1, engine.active().size(), "one alert for one fingerprint (deduplication)");
  }

  @Test
  void aConditionThatClearsWhilePendingResolvesWithoutANotification() {
    run(5, when(errors, "products"));
    run(1);
    assertEquals(List.of("pending", "resolved"), changes());
    run(120);
    assertEquals(List.of(), sent);
    assertTrue(engine.active().isEmpty());
  }

  @Test
  void groupingDuplicatesRepeatsAndOneResolution() {
    Condition a = new Condition(errors, "orders", "orders-1", 0.5, "one");
    Condition b = new Condition(errors, "orders", "orders-2", 0.5, "two");
    run(45, a, a, b);
    assertEquals(2, engine.active().size(), "one per fingerprint");
    assertEquals(1, sent.size(), "one group, one notification");
    assertEquals(2, sent.get(0).alerts().size());
    run(4 * 3600, a, b);
    assertEquals(2, sent.size(), "repeated after the repeat interval: " + sent);
    assertEquals("firing", sent.get(1).status());
    run(21, b); // a clears; kept firing 20 s, then resolved
    run(60, b);
    assertEquals("resolved", sent.get(2).status());
    assertEquals(1, sent.get(2).alerts().size());
    run(600, b);
    assertEquals(3, sent.size(), "the resolution once, then quiet");
    run(30);
    run(60);
    assertEquals(4, sent.size());
    assertEquals("resolved", sent.get(3).status());
    run(3600);
    assertEquals(4, sent.size());
    assertTrue(sent.stream().map(Notification::id).distinct().count() == 4, "every notification its own id");
  }

  @Test
  void aFlappingConditionKeepsFiringAndIsNotNotifiedAgain() {
    run(45, when(errors, "products"));
    assertEquals(1, sent.size());
    String id = only().id;
    for (int flap = 0; flap < 10; flap++) {
      run(10);
      run(5, when(errors, "products"));
    }
    assertEquals(id, only().id, "the same alert");
    assertEquals("firing", only().state);
    assertEquals(1, sent.size(), "no notification per flip");
    assertFalse(changes().contains("resolved"));
  }

  @Test
  void silencesHoldNotificationsAndExpire() {
    engine.silences(List.of(new Silence("s1", "products", null, null, START, START.plusSeconds(120), "maintenance", "mona", START)));
    run(100, when(errors, "products"));
    assertEquals("s1", only().silencedBy);
    assertTrue(changes().contains("silenced"));
    assertEquals(List.of(), sent);
    AlertEngine.Step expiry = run(20, when(errors, "products"));
    assertTrue(events.stream().anyMatch(e -> "silence".equals(e.getString("type")) && "expired".equals(e.getString("change"))));
    assertNull(only().silencedBy);
    assertNotNull(expiry);
    run(10, when(errors, "products"));
    assertEquals(1, sent.size(), "notified once the silence is over (after the group wait)");
    engine.silences(List.of(new Silence("s2", null, "errors", "critical", now, now.plusSeconds(600), null, "mona", now)));
    run(1, when(errors, "products"));
    assertEquals("s2", only().silencedBy, "matched by rule and severity");
  }

  @Test
  void anAcknowledgedAlertIsNotRepeatedButItsResolutionIsNotified() {
    run(45, when(errors, "products"));
    assertEquals(1, sent.size());
    assertTrue(engine.acknowledged(only().id, "mona", now));
    assertFalse(engine.acknowledged("nope", "mona", now));
    run(5 * 3600, when(errors, "products"));
    assertEquals(1, sent.size(), "no repeat");
    assertEquals("mona", only().ackedBy);
    run(21);
    run(60);
    assertEquals(2, sent.size());
    assertEquals("resolved", sent.get(1).status());
    assertEquals("mona", sent.get(1).alerts().getJsonObject(0).getJsonObject("acknowledged").getString("by"));
  }

  @Test
  void alertsOfServicesDependingOnADownServiceAreInhibited() {
    run(1, when(down, "products"));
    run(45, when(down, "products"), when(errors, "orders"), when(errors, "gateway"), when(errors, "users"));
    Alert cause = engine.active().stream().filter(a -> a.service.equals("products")).findFirst().orElseThrow();
    for (String service : List.of("orders", "gateway")) {
      Alert consequence = engine.active().stream().filter(a -> a.service.equals(service)).findFirst().orElseThrow();
      assertEquals(new JsonObject().put("id", cause.id).put("service", "products").put("reason", "caused by products DOWN"),
        consequence.inhibitedBy, service + " depends on products (gateway through orders)");
    }
    assertNull(engine.active().stream().filter(a -> a.service.equals("users")).findFirst().orElseThrow().inhibitedBy, "users does not");
    assertTrue(changes().contains("inhibited"));
    assertEquals(List.of("products/down", "users/errors"), sent.stream().map(Notification::groupKey).sorted().toList(),
      "the cause and the unrelated alert are notified; the consequences are not");
    run(1, when(errors, "orders"), when(errors, "gateway"), when(errors, "users"));
    assertNull(engine.active().stream().filter(a -> a.service.equals("orders")).findFirst().orElseThrow().inhibitedBy,
      "the cause resolved: inhibition lifted");
    run(70, when(errors, "orders"), when(errors, "gateway"), when(errors, "users"));
    assertTrue(sent.stream().anyMatch(n -> n.groupKey().equals("orders/errors")), "then they are notified on their own");
  }

  @Test
  void aNewLeaderResumesWithoutNotifyingTwice() {
    List<Alert> stored = new ArrayList<>();
    List<AlertGroup> groups = new ArrayList<>();
    AlertEngine.Step step;
    for (int i = 0; i < 45; i++) {
      now = now.plusSeconds(1);
      step = engine.step(List.of(when(errors, "products")), now);
      sent.addAll(step.notifications);
      step.alerts.values().forEach(a -> {
        stored.removeIf(s -> s.id.equals(a.id));
        stored.add(Alert.fromStored(new JsonObject(a.toStored().encode())));
      });
      step.groups.values().forEach(g -> {
        groups.removeIf(s -> s.key.equals(g.key));
        groups.add(AlertGroup.fromJson(new JsonObject(g.toJson().encode())));
      });
    }
    assertEquals(1, sent.size());
    engine = newEngine();
    engine.restore(stored, groups);
    run(3600, when(errors, "products"));
    assertEquals(1, sent.size(), "the new leader knows it was notified");
    assertEquals(stored.get(0).id, only().id, "and goes on with the same alert");
    run(21);
    run(60);
    assertEquals(List.of("firing", "resolved"), sent.stream().map(Notification::status).toList());
  }

  @Test
  void theDependencyClosureIsTransitiveAndIgnoresCycles() {
    Map<String, java.util.Set<String>> closure = AlertEngine.closure(Map.of("a", List.of("b"), "b", List.of("c", "a"), "c", List.of()));
    assertEquals(java.util.Set.of("b", "c"), closure.get("a"));
    assertEquals(java.util.Set.of("a", "c"), closure.get("b"));
  }
}
