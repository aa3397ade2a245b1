package io.micronet.alerts;

import io.micronet.alerts.delivery.Receiver;
import io.micronet.gateway.ApiRoute;
import io.micronet.gateway.ApiRoutes;
import io.micronet.node.SoloNode;
import io.micronet.shared.events.Feeds;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.micronet.node.SoloNode.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alerts service in the all-in-one as {@code scripts/micronet start} runs it ({@link SoloNode}: the node agent
 * places every service, so failures are injected through {@code POST /api/services/products/failures}), through real
 * HTTP, with small group timings and the test's own default rules: rules CRUD and every bad input of the issue (422,
 * nothing stored); silences' bad input; errors on products → the error-rate alert pending → firing → one firing
 * notification at a webhook receiver this test runs (each signature checked); acknowledged over ChatOps and REST (no repeat after the repeat interval); recovery →
 * resolved, one resolved notification; products stopped → its DOWN alert, and orders' derived alert inhibited
 * ("caused by products DOWN") and not notified; ChatOps {@code alerts}, {@code silence}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertsAllInOneTest {

  private static final String ERRORS_GROUP = "products/t-products-errors";
  private static final int REPEAT_SECONDS = 6;

  private SoloNode node;
  private String manager;
  private final String webhookSecret = "all-in-one-" + UUID.randomUUID();
  private Vertx receiverVertx;
  private Receiver receiver;
  private final List<JsonObject> feed = new CopyOnWriteArrayList<>();
  private final List<JsonObject> activity = new CopyOnWriteArrayList<>();
  private long traffic = -1;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    JsonArray rules = new JsonArray()
      .add(new JsonObject().put("id", "t-products-errors").put("name", "products error rate").put("kind", "threshold")
        .put("service", "products").put("metric", "errorRate").put("op", ">").put("value", 0.05).put("forSeconds", 2)
        .put("keepFiringSeconds", 2).put("severity", "critical"))
      .add(new JsonObject().put("id", "t-service-down").put("name", "service down").put("kind", "status").put("service", "*")
        .put("statuses", new JsonArray().add("DOWN")).put("severity", "critical"))
      .add(new JsonObject().put("id", "t-orders-degraded").put("name", "orders degraded").put("kind", "status").put("service", "orders")
        .put("statuses", new JsonArray().add("DEGRADED")).put("severity", "warning"));
    receiverVertx = Vertx.vertx();
    receiver = new Receiver(receiverVertx);
    JsonObject alerts = new JsonObject().put("groupWaitSeconds", 1).put("groupIntervalSeconds", 2)
      .put("repeatIntervalSeconds", REPEAT_SECONDS).put("evaluateMs", 250).put("defaultRules", rules)
      .put("webhook", new JsonObject().put("url", receiver.url("/hook")).put("secret", webhookSecret)).put("allowPrivateTargets", true);
    node = SoloNode.start(dataDir, new JsonObject()
      // every failing call reaches products: its own error rate is what the rule watches
      .put("breaker", new JsonObject().put("maxFailures", 1_000_000).put("resetTimeoutMs", 1500))
      .put("metrics", new JsonObject().put("sampleSeconds", 1))
      .put("services", new JsonObject().put("alerts", alerts)));
    manager = node.manager();
    node.vertx.eventBus().<JsonObject>consumer(Feeds.ALERTS, m -> feed.add(m.body()));
    node.vertx.eventBus().<JsonObject>consumer(Feeds.ACTIVITY, m -> activity.add(m.body()));
    poll("the alerts service answers", () -> send(HttpMethod.GET, "/api/rules", null).statusCode() == 200);
    poll("products answers", () -> node.send(HttpMethod.GET, "/api/products", null, null).statusCode() == 200);
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.vertx.cancelTimer(traffic);
      node.close();
    }
    if (receiverVertx != null) {
      receiverVertx.close().await();
    }
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, Object body) {
    HttpResponse<Buffer> response = node.send(method, path, manager, body);
    assertFalse(String.valueOf(response.bodyAsString()).contains("Exception"), response.bodyAsString());
    return response;
  }

  private JsonObject expect(HttpMethod method, String path, Object body, int status) {
    HttpResponse<Buffer> response = send(method, path, body);
    assertEquals(status, response.statusCode(), method + " " + path + " " + body + " → " + response.bodyAsString());
    return status == 204 ? null : response.bodyAsJsonObject();
  }

  private long rulesStored() {
    return expect(HttpMethod.GET, "/api/rules?size=100", null, 200).getLong("total");
  }

  private JsonObject chat(String command) {
    JsonObject reply = expect(HttpMethod.POST, "/api/chatops", new JsonObject().put("command", command), 200);
    System.out.println("chatops> " + command + "\n" + reply.getString("text"));
    return reply;
  }

  /** The notifications of a group the webhook receiver took, oldest first; each signed with the channel's secret. */
  private List<JsonObject> notifications(String group) {
    receiver.requests().forEach(r -> assertTrue(r.signedWith(webhookSecret), "signed: " + r.body()));
    return receiver.delivered().stream().filter(n -> group.equals(n.getString("groupKey"))).toList();
  }

  private static JsonObject rule(String name) {
    return new JsonObject().put("name", name).put("kind", "threshold").put("service", "users").put("metric", "p95").put("op", ">=")
      .put("value", 250).put("forSeconds", 30).put("keepFiringSeconds", 60).put("severity", "warning");
  }

  @Test
  @Order(1)
  void rulesAreManagedAndBadRulesAreRefusedWithNothingStored() {
    JsonObject listed = expect(HttpMethod.GET, "/api/rules", null, 200);
    assertEquals(3, listed.getLong("total"), "the test's default rules, stored once: " + listed.encode());
    JsonObject builtIn = expect(HttpMethod.GET, "/api/rules/t-products-errors", null, 200);
    assertTrue(builtIn.getBoolean("builtIn"));
    assertEquals(0.05, builtIn.getDouble("value"));

    JsonObject created = expect(HttpMethod.POST, "/api/rules", rule("users p95"), 201);
    String path = "/api/rules/" + created.getString("id");
    assertEquals("users p95", created.getString("name"));
    assertFalse(created.getBoolean("builtIn"));
    assertTrue(created.getBoolean("enabled"));
    System.out.println("rule: " + created.encode());
    JsonObject updated = expect(HttpMethod.PUT, path, rule("users p95 slow").put("value", 400).put("enabled", false), 200);
    assertEquals(400.0, updated.getDouble("value"));
    assertFalse(updated.getBoolean("enabled"));
    assertEquals(created.getString("createdAt"), updated.getString("createdAt"));
    assertEquals("users p95 slow", expect(HttpMethod.GET, path, null, 200).getString("name"));
    long before = rulesStored();
    assertEquals(4, before);

    Map<String, JsonObject> bad = Map.ofEntries(
      Map.entry("metric", rule("x").put("metric", "cpu")),
      Map.entry("op", rule("x").put("op", "=>")),
      Map.entry("forSeconds", rule("x").put("forSeconds", -1)),
      Map.entry("keepFiringSeconds", rule("x").put("keepFiringSeconds", 86_401)),
      Map.entry("kind", rule("x").put("kind", "magic")),
      Map.entry("severity", rule("x").put("severity", "panic")),
      Map.entry("name", rule("x").putNull("name")),
      Map.entry("service", rule("x").putNull("service")),
      Map.entry("value", rule("x").put("value", "high")),
      Map.entry("statuses", new JsonObject().put("name", "x").put("kind", "status").put("service", "orders")
        .put("statuses", new JsonArray().add("UP"))),
      Map.entry("window.seconds", zscore(new JsonObject().put("seconds", 5).put("k", 3))),
      Map.entry("window.k", zscore(new JsonObject().put("seconds", 600).put("k", 50))),
      Map.entry("window", zscore(null)),
      Map.entry("burst.count", burst(new JsonObject().put("count", 0).put("withinSeconds", 60))),
      Map.entry("burst.withinSeconds", burst(new JsonObject().put("count", 10).put("withinSeconds", 100_000))));
    bad.forEach((field, body) -> {
      JsonObject error = expect(HttpMethod.POST, "/api/rules", body, 422).getJsonObject("error");
      assertEquals("VALIDATION_FAILED", error.getString("code"));
      assertTrue(error.getJsonObject("details").containsKey(field), field + " named in " + error.encode());
      // the same on an update of a built-in rule: refused, unchanged
      expect(HttpMethod.PUT, "/api/rules/t-products-errors", body, 422);
    });
    expect(HttpMethod.POST, "/api/rules", rule("x").put("window", new JsonObject()).put("kind", "zscore").put("k", 1).put("forSeconds", -3)
      .put("keepFiringSeconds", 1e9), 422);
    assertEquals(before, rulesStored(), "nothing stored");
    assertEquals(builtIn, expect(HttpMethod.GET, "/api/rules/t-products-errors", null, 200), "the built-in rule is unchanged");
    expect(HttpMethod.POST, "/api/rules", "[1]", 400);

    expect(HttpMethod.DELETE, path, null, 204);
    expect(HttpMethod.GET, path, null, 404);
    expect(HttpMethod.DELETE, path, null, 404);
    expect(HttpMethod.GET, "/api/alerts?state=burning", null, 422);
    expect(HttpMethod.GET, "/api/alerts/nope", null, 404);
    assertEquals(403, node.send(HttpMethod.GET, "/api/rules", node.client(), null).statusCode());
    assertEquals(401, node.send(HttpMethod.GET, "/api/alerts", null, null).statusCode());
  }

  @Test
  @Order(1)
  void everyAlertsRouteIsForManagersOnly() {
    int checked = 0;
    for (ApiRoute route : ApiRoutes.ALL) {
      if (!AlertsVerticle.SERVICE.equals(route.service())) {
        continue;
      }
      String path = route.path().replaceAll(":[a-zA-Z]+", "t-products-errors");
      JsonObject body = route.method() == HttpMethod.GET || route.method() == HttpMethod.DELETE ? null : new JsonObject();
      assertEquals(403, node.send(route.method(), path, node.client(), body).statusCode(), "a client: " + route.method() + " " + path);
      assertEquals(401, node.send(route.method(), path, null, body).statusCode(), "anonymous: " + route.method() + " " + path);
      checked++;
    }
    assertTrue(checked >= 17, "the alerts, rules, silences, channels and dead-letter routes: " + checked);
    assertEquals("products error rate", expect(HttpMethod.GET, "/api/rules/t-products-errors", null, 200).getString("name"),
      "the rule a client and an anonymous caller tried to change and delete is still there");
  }

  private static JsonObject zscore(JsonObject window) {
    JsonObject rule = new JsonObject().put("name", "z").put("kind", "zscore").put("service", "*").put("metric", "errorRate");
    return window == null ? rule : rule.put("window", window);
  }

  private static JsonObject burst(JsonObject burst) {
    return new JsonObject().put("name", "b").put("kind", "burst").put("service", "*").put("burst", burst);
  }

  @Test
  @Order(2)
  void silencesNeedAMatcherAndAFutureEnd() {
    long before = expect(HttpMethod.GET, "/api/silences", null, 200).getLong("total");
    Map<String, JsonObject> bad = Map.of(
      "matchers", new JsonObject().put("matchers", new JsonObject()).put("minutes", 5),
      "matchers.severity", new JsonObject().put("matchers", new JsonObject().put("severity", "loud")).put("minutes", 5),
      "endsAt", new JsonObject().put("matchers", new JsonObject().put("service", "orders")).put("endsAt", "2001-01-01T00:00:00Z"),
      "minutes", new JsonObject().put("matchers", new JsonObject().put("service", "orders")).put("minutes", 0));
    bad.forEach((field, body) -> {
      JsonObject error = expect(HttpMethod.POST, "/api/silences", body, 422).getJsonObject("error");
      assertTrue(error.getJsonObject("details").containsKey(field), field + " named in " + error.encode());
    });
    expect(HttpMethod.POST, "/api/silences", new JsonObject().put("minutes", 5), 422);
    assertEquals(before, expect(HttpMethod.GET, "/api/silences", null, 200).getLong("total"), "nothing stored");

    JsonObject silence = expect(HttpMethod.POST, "/api/silences", new JsonObject().put("matchers", new JsonObject().put("rule", "nothing"))
      .put("minutes", 10).put("reason", "a test"), 201);
    assertEquals("mona", silence.getString("createdBy"));
    expect(HttpMethod.DELETE, "/api/silences/" + silence.getString("id"), null, 204);
    expect(HttpMethod.DELETE, "/api/silences/" + silence.getString("id"), null, 404);
    poll("created and deleted on the feed", () -> feed.stream().filter(e -> "silence".equals(e.getString("type"))).count() >= 2);
  }

  @Test
  @Order(3)
  void errorsOnProductsFireOnceAreAcknowledgedAndResolveOnce() {
    // a steady trickle of catalog reads, so that products has figures
    traffic = node.vertx.setPeriodic(50, id -> node.client.get("/api/products").send());
    JsonObject failure = expect(HttpMethod.POST, "/api/services/products/failures", new JsonObject().put("mode", "error").put("rate", 1)
      .put("durationSeconds", 300), 200);
    System.out.println("failure: " + failure.encode());
    poll("the error-rate alert fires", () -> firing("t-products-errors") != null);
    JsonObject alert = firing("t-products-errors");
    String id = alert.getString("id");
    assertTrue(feed.stream().anyMatch(e -> "pending".equals(e.getString("change")) && id.equals(e.getJsonObject("alert").getString("id"))),
      "pending first, on the feed");
    poll("one firing notification", () -> notifications(ERRORS_GROUP).size() == 1);
    JsonObject notification = notifications(ERRORS_GROUP).get(0);
    assertEquals("firing", notification.getString("status"));
    assertEquals(id, notification.getJsonArray("alerts").getJsonObject(0).getString("id"));

    JsonObject listed = chat("alerts");
    assertTrue(listed.getString("text").contains(id), listed.getString("text"));
    JsonObject acked = chat("ack " + id);
    assertTrue(acked.getBoolean("ok"), acked.encode());
    JsonObject viaRest = expect(HttpMethod.POST, "/api/alerts/" + id + "/ack", null, 200);
    assertEquals("mona", viaRest.getJsonObject("acknowledged").getString("by"));
    String ackedAt = viaRest.getJsonObject("acknowledged").getString("at");
    assertEquals(ackedAt, expect(HttpMethod.GET, "/api/alerts/" + id, null, 200).getJsonObject("acknowledged").getString("at"),
      "the first acknowledgment stands");
    poll("acknowledged on the feed", () -> feed.stream().anyMatch(e -> "acknowledged".equals(e.getString("change"))));
    JsonObject silence = chat("silence orders 30 planned maintenance");
    assertTrue(silence.getBoolean("ok"), silence.encode());
    JsonObject silences = expect(HttpMethod.GET, "/api/silences", null, 200);
    assertEquals("orders", silences.getJsonArray("items").getJsonObject(0).getJsonObject("matchers").getString("service"));
    expect(HttpMethod.DELETE, "/api/silences/" + silences.getJsonArray("items").getJsonObject(0).getString("id"), null, 204);

    // longer than the repeat interval: an acknowledged alert is not notified again
    SoloNode.poll("past the repeat interval", sleeper(REPEAT_SECONDS * 1000L + 2000));
    assertEquals(1, notifications(ERRORS_GROUP).size(), "no repeat after the acknowledgment: " + notifications(ERRORS_GROUP));
    assertEquals("firing", expect(HttpMethod.GET, "/api/alerts/" + id, null, 200).getString("state"), "still firing");

    expect(HttpMethod.DELETE, "/api/services/products/failures", null, 200);
    poll("resolved", () -> "resolved".equals(expect(HttpMethod.GET, "/api/alerts/" + id, null, 200).getString("state")));
    poll("the resolution notified", () -> notifications(ERRORS_GROUP).size() == 2);
    SoloNode.poll("a group interval more", sleeper(3000));
    List<JsonObject> all = notifications(ERRORS_GROUP);
    assertEquals(List.of("firing", "resolved"), all.stream().map(n -> n.getString("status")).toList(), all.toString());
    assertEquals(id, all.get(1).getJsonArray("alerts").getJsonObject(0).getString("id"));
    JsonObject resolved = expect(HttpMethod.GET, "/api/alerts/" + id, null, 200);
    System.out.println("alert: " + resolved.encode());
    System.out.println("feed event: " + feed.stream().filter(e -> "resolved".equals(e.getString("change"))).findFirst().orElseThrow().encode());
    assertNotNull(resolved.getString("resolvedAt"));
    assertTrue(activity.stream().anyMatch(e -> "alert".equals(e.getString("kind")) && e.getString("text").contains("products error rate")),
      "alerts are on the activity feed");
    node.vertx.cancelTimer(traffic);
  }

  @Test
  @Order(4)
  void whileProductsIsDownOrdersAlertIsInhibited() {
    // orders may still be DEGRADED from the errors before (and its alert notified then): start from a healthy orders
    poll("orders' earlier alert resolved", () -> activeOf("t-orders-degraded", "orders") == null);
    expect(HttpMethod.POST, "/api/services/products/stop", new JsonObject(), 200);
    try {
      poll("products DOWN fires", () -> firingOf("t-service-down", "products") != null);
      JsonObject down = firingOf("t-service-down", "products");
      poll("orders' derived alert, inhibited", () -> {
        JsonObject orders = activeOf("t-orders-degraded", "orders");
        return orders != null && orders.getJsonObject("inhibitedBy") != null;
      });
      JsonObject orders = activeOf("t-orders-degraded", "orders");
      System.out.println("inhibited: " + orders.encode());
      assertEquals(new JsonObject().put("id", down.getString("id")).put("service", "products").put("reason", "caused by products DOWN"),
        orders.getJsonObject("inhibitedBy"));
      SoloNode.poll("a group wait and interval", sleeper(3000));
      assertTrue(notifications("orders/t-orders-degraded").stream().noneMatch(n -> n.getJsonArray("alerts").stream()
        .anyMatch(a -> orders.getString("id").equals(((JsonObject) a).getString("id")))), "an inhibited alert is not notified on its own");
      assertTrue(notifications("products/t-service-down").stream().anyMatch(n -> n.getJsonArray("alerts").getJsonObject(0)
        .getString("id").equals(down.getString("id"))), "its cause is");
    } finally {
      expect(HttpMethod.POST, "/api/services/products/start", new JsonObject(), 200);
    }
    poll("products DOWN resolves", () -> firingOf("t-service-down", "products") == null);
  }

  private JsonObject firing(String ruleId) {
    return firingOf(ruleId, "products");
  }

  private JsonObject firingOf(String ruleId, String service) {
    JsonArray items = expect(HttpMethod.GET, "/api/alerts?state=firing&service=" + service, null, 200).getJsonArray("items");
    return items.stream().map(JsonObject.class::cast).filter(a -> ruleId.equals(a.getString("ruleId"))).findFirst().orElse(null);
  }

  private JsonObject activeOf(String ruleId, String service) {
    JsonArray items = expect(HttpMethod.GET, "/api/alerts?service=" + service, null, 200).getJsonArray("items");
    return items.stream().map(JsonObject.class::cast).filter(a -> ruleId.equals(a.getString("ruleId")) && !"resolved".equals(a.getString("state")))
      .findFirst().orElse(null);
  }

  /** A condition that holds once {@code millis} have passed (a wait, not an assertion on time). */
  private static java.util.function.Supplier<Boolean> sleeper(long millis) {
    long until = System.currentTimeMillis() + millis;
    return () -> System.currentTimeMillis() >= until;
  }

}
