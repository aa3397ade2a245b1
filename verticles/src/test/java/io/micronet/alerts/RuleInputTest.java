package io.micronet.alerts;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rules as callers send them: each kind's valid shape, the defaults, and every bad field named in one 422. */
class RuleInputTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static Rule parse(JsonObject body) {
    return RuleInput.parse(body, "r1", false, NOW, NOW);
  }

  private static JsonObject details(JsonObject body) {
    ServiceException e = assertThrows(ServiceException.class, () -> parse(body), body::encode);
    assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
    return (JsonObject) e.details();
  }

  static JsonObject threshold() {
    return new JsonObject().put("name", "errors").put("kind", "threshold").put("service", "products").put("metric", "errorRate")
      .put("op", ">").put("value", 0.05).put("forSeconds", 30);
  }

  @Test
  void eachKindParsesWithItsDefaults() {
    Rule rule = parse(threshold());
    assertEquals("errorRate", rule.metric());
    assertEquals(0.05, rule.value());
    assertEquals(30, rule.forSeconds());
    assertEquals(0, rule.keepFiringSeconds());
    assertEquals("warning", rule.severity());
    assertTrue(rule.enabled());
    assertFalse(rule.builtIn());
    assertEquals(rule, Rule.fromJson(rule.toJson()), "stored and read back");

    Rule z = parse(new JsonObject().put("name", "z").put("kind", "zscore").put("service", "*").put("metric", "p99")
      .put("window", new JsonObject().put("seconds", 600).put("k", 3.5).put("robust", true)));
    assertEquals(new Rule.Window(600, 3.5, true), z.window());
    assertTrue(z.appliesTo("anything"));
    assertFalse(z.appliesTo("node"), "every service but the node agents, whose actions take seconds by design");
    assertTrue(parse(new JsonObject().put("name", "n").put("kind", "threshold").put("service", "node").put("metric", "p99")
      .put("op", ">").put("value", 60_000)).appliesTo("node"), "a rule that names them watches them");
    assertEquals(z, Rule.fromJson(z.toJson()));

    Rule burst = parse(new JsonObject().put("name", "b").put("kind", "burst").put("service", "orders")
      .put("burst", new JsonObject().put("count", 50).put("withinSeconds", 60)));
    assertEquals(new Rule.Burst(50, 60), burst.burst());
    assertEquals("errors", burst.metric());

    Rule status = parse(new JsonObject().put("name", "s").put("kind", "status").put("service", "orders")
      .put("statuses", new JsonArray().add("DOWN").add("DEGRADED")));
    assertEquals(List.of("DOWN", "DEGRADED"), status.statuses());
    assertEquals(List.of("DOWN"), parse(new JsonObject().put("name", "s").put("kind", "status").put("service", "x")).statuses());

    Rule signal = parse(new JsonObject().put("name", "b").put("kind", "signal").put("service", "*").put("metric", "breakerOpen"));
    assertEquals(0.0, signal.value());
    assertEquals(">", signal.op());
  }

  @Test
  void everyBadFieldIsNamed() {
    Map<String, JsonObject> cases = Map.ofEntries(
      Map.entry("metric", threshold().put("metric", "cpu")),
      Map.entry("op", threshold().put("op", "==")),
      Map.entry("forSeconds", threshold().put("forSeconds", -1)),
      Map.entry("keepFiringSeconds", threshold().put("keepFiringSeconds", 86_401)),
      Map.entry("kind", threshold().put("kind", "magic")),
      Map.entry("severity", threshold().put("severity", "panic")),
      Map.entry("name", threshold().put("name", "")),
      Map.entry("service", threshold().putNull("service")),
      Map.entry("value", threshold().put("value", "high")),
      Map.entry("enabled", threshold().put("enabled", "yes")),
      Map.entry("statuses", new JsonObject().put("name", "s").put("kind", "status").put("service", "x")
        .put("statuses", new JsonArray().add("UP"))),
      Map.entry("window", new JsonObject().put("name", "z").put("kind", "zscore").put("service", "*").put("metric", "p99")),
      Map.entry("burst", new JsonObject().put("name", "b").put("kind", "burst").put("service", "*")));
    cases.forEach((field, body) -> assertTrue(details(body).containsKey(field), field + " in " + details(body).encode()));
    assertTrue(details(threshold().put("forSeconds", 1.5)).containsKey("forSeconds"), "a whole number");
    assertTrue(details(threshold().put("value", Double.NaN)).containsKey("value"));
    assertTrue(details(new JsonObject().put("name", "s").put("kind", "signal").put("service", "x").put("metric", "errorRate"))
      .containsKey("metric"), "a signal names a signal");

    JsonObject many = details(threshold().put("op", "=").put("forSeconds", -5).put("severity", "loud"));
    assertEquals(3, many.size(), "all at once: " + many.encode());
  }

  @Test
  void windowsAndBurstsAreBounded() {
    for (Object[] c : new Object[][] {{5, 3.0, "window.seconds"}, {86_401, 3.0, "window.seconds"}, {60, 0.4, "window.k"},
      {60, 21.0, "window.k"}}) {
      JsonObject body = new JsonObject().put("name", "z").put("kind", "zscore").put("service", "*").put("metric", "errorRate")
        .put("window", new JsonObject().put("seconds", c[0]).put("k", c[1]));
      assertTrue(details(body).containsKey((String) c[2]), body.encode());
    }
    for (Object[] c : new Object[][] {{0, 60, "burst.count"}, {100_001, 60, "burst.count"}, {5, 0, "burst.withinSeconds"},
      {5, 86_401, "burst.withinSeconds"}}) {
      JsonObject body = new JsonObject().put("name", "b").put("kind", "burst").put("service", "*")
        .put("burst", new JsonObject().put("count", c[0]).put("withinSeconds", c[1]));
      assertTrue(details(body).containsKey((String) c[2]), body.encode());
    }
    ServiceException notAnObject = assertThrows(ServiceException.class, () -> RuleInput.parse(new JsonArray(), "r", false, NOW, NOW));
    assertEquals(ErrorCode.BAD_REQUEST, notAnObject.code());
  }

  @Test
  void silencesNeedAMatcherAndAFutureEnd() {
    Silence ok = Silence.parse(new JsonObject().put("matchers", new JsonObject().put("service", "orders")).put("minutes", 30), "s1", "mona", NOW);
    assertEquals(NOW.plusSeconds(1800), ok.endsAt());
    assertEquals(ok, Silence.fromJson(ok.toJson()));
    assertEquals("line one\n\tline two", Silence.parse(new JsonObject().put("matchers", new JsonObject().put("service", "orders"))
      .put("minutes", 30).put("reason", "line one\n\tline two"), "s2", "mona", NOW).reason(), "line breaks and tabs are text");
    for (Object[] c : new Object[][] {
      {new JsonObject().put("minutes", 5), "matchers"},
      {new JsonObject().put("matchers", new JsonObject()).put("minutes", 5), "matchers"},
      {new JsonObject().put("matchers", new JsonObject().put("colour", "red")).put("minutes", 5), "matchers.colour"},
      {new JsonObject().put("matchers", new JsonObject().put("service", "a")).put("endsAt", "2025-01-01T00:00:00Z"), "endsAt"},
      {new JsonObject().put("matchers", new JsonObject().put("service", "a")).put("endsAt", "tomorrow"), "endsAt"},
      {new JsonObject().put("matchers", new JsonObject().put("service", "a")).put("minutes", 0), "minutes"},
      {new JsonObject().put("matchers", new JsonObject().put("service", "a")), "minutes"},
      {new JsonObject().put("matchers", new JsonObject().put("service", "a")).put("minutes", 5).put("reason", 7), "reason"},
      {new JsonObject().put("matchers", new JsonObject().put("service", "a")).put("minutes", 5).put("reason", "deploy\u0000"), "reason"},
      {new JsonObject().put("matchers", new JsonObject().put("service", "a")).put("minutes", 5).put("reason", "x\u001b[2J"), "reason"},
      {new JsonObject().put("matchers", new JsonObject().put("service", "a")).put("minutes", 5).put("reason", "\ud800"), "reason"},
      {new JsonObject().put("matchers", new JsonObject().put("service", "a\u0000")).put("minutes", 5), "matchers.service"}}) {
      ServiceException e = assertThrows(ServiceException.class, () -> Silence.parse(c[0], "s", "m", NOW), c[0]::toString);
      assertTrue(((JsonObject) e.details()).containsKey((String) c[1]), c[1] + " in " + e.details());
    }
  }
}
