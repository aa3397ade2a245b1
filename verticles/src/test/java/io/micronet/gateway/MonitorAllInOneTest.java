package io.micronet.gateway;

import io.micronet.monitor.MonitorVerticle;
import io.micronet.shared.chaos.Failure;
import io.micronet.shared.chaos.FailureControl;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.messaging.CallContext;
import io.micronet.shared.messaging.Envelope;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static io.vertx.core.http.HttpMethod.GET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The health monitor in the all-in-one (users, products, orders, gateway, and monitors deployed here; checks every
 * second): injected failures on products show up as its breaker opening, products DOWN and orders DEGRADED "because
 * products is DOWN" on {@code /status}, the health and activity feeds, and go back to UP after the failure's duration;
 * the graph; and a standby monitor taking over when the leader stops.
 */
class MonitorAllInOneTest {

  /** Bounded waits only: the longest any of them may take before the test fails (never a timing assertion). */
  static final long WAIT_MS = 45_000;

  @TempDir
  static Path dataDir;
  static AllInOne app;
  static final Map<String, String> monitors = new LinkedHashMap<>();
  static final List<JsonObject> health = new CopyOnWriteArrayList<>();
  static final List<JsonObject> activity = new CopyOnWriteArrayList<>();
  static final List<JsonObject> breakers = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    JsonArray definitions = MicronetConfig.load(new JsonObject(), Map.of()).section("services").getJsonArray("definitions").copy();
    definitions.forEach(d -> ((JsonObject) d).put("healthCheck", new JsonObject().put("intervalSeconds", 1).put("timeoutMs", 500)));
    app = AllInOne.start(dataDir, new JsonObject().put("services", new JsonObject().put("definitions", definitions)));
    app.vertx.eventBus().<JsonObject>consumer(Feeds.HEALTH, m -> health.add(m.body()));
    app.vertx.eventBus().<JsonObject>consumer(Feeds.ACTIVITY, m -> activity.add(m.body()));
    app.vertx.eventBus().<JsonObject>consumer(Feeds.BREAKERS, m -> breakers.add(m.body()));
    deployMonitor();
    awaitStatus("the monitor's view, all UP", s -> "monitor".equals(s.getString("source")) && "UP".equals(s.getString("status")));
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @BeforeEach
  void allUp() {
    // what an earlier test injected has ended, and the view says so
    awaitStatus("all UP before the test", s -> "monitor".equals(s.getString("source")) && "UP".equals(s.getString("status")));
  }

  static MonitorVerticle deployMonitor() {
    MonitorVerticle monitor = new MonitorVerticle();
    String id = AllInOne.await(app.vertx.deployVerticle(monitor, new DeploymentOptions().setConfig(app.config)));
    monitors.put(monitor.instanceId(), id);
    return monitor;
  }

  @Test
  void errorsOnProductsOpenTheBreakerMakeProductsDownAndOrdersDegradedThenRecover() {
    int healthBefore = health.size();
    int activityBefore = activity.size();
    int breakersBefore = breakers.size();
    inject("products", Failure.Mode.ERROR, 8);

    // traffic: the gateway's circuit to products opens after a few failures
    until("the gateway's circuit to products opens", () -> app.call(GET, "/api/products").send(),
      r -> breakers.subList(breakersBefore, breakers.size()).stream().anyMatch(b -> "gateway".equals(b.getString("caller"))
        && "products".equals(b.getString("service")) && "OPEN".equals(b.getString("state"))));
    // the circuit may open before the next check: wait for the check's word too
    JsonObject status = awaitStatus("products DOWN by its check and orders DEGRADED because of it",
      s -> "DOWN".equals(serviceStatus(s, "products")) && reasons(s, "products").get(0).contains("injected failure (error mode)")
        && "DEGRADED".equals(serviceStatus(s, "orders")));
    System.out.println("/status during the failure: " + status.encode());
    assertEquals("monitor", status.getString("source"));
    assertEquals("DEGRADED", status.getString("status"));
    assertTrue(reasons(status, "orders").contains("DEGRADED because products is DOWN"), status.encode());
    assertTrue(reasons(status, "products").get(0).contains("injected failure (error mode)"), status.encode());
    assertEquals("UP", serviceStatus(status, "users"));

    List<JsonObject> changes = health.subList(healthBefore, health.size()).stream().filter(e -> "change".equals(e.getString("type"))).toList();
    assertTrue(changes.stream().anyMatch(c -> "products".equals(c.getString("service")) && "DOWN".equals(c.getString("status"))
      && "UP".equals(c.getString("previous"))), changes.toString());
    assertTrue(changes.stream().anyMatch(c -> "orders".equals(c.getString("service")) && "DEGRADED".equals(c.getString("status"))
      && c.getJsonArray("reasons").contains("DEGRADED because products is DOWN")), changes.toString());
    JsonObject snapshot = health.stream().filter(e -> "snapshot".equals(e.getString("type"))).reduce((a, b) -> b).orElseThrow();
    assertTrue(snapshot.getJsonObject("services").getJsonObject("products").getJsonArray("instances").getJsonObject(0).containsKey("breaker"));
    assertTrue(activity.subList(activityBefore, activity.size()).stream().anyMatch(a -> "health".equals(a.getString("kind"))
      && "products".equals(a.getString("service"))), "a health activity event for products");
    assertTrue(activity.subList(activityBefore, activity.size()).stream().anyMatch(a -> "breaker".equals(a.getString("kind"))
      && "products".equals(a.getString("service"))), "a breaker activity event for products");

    HttpResponse<Buffer> services = app.call(GET, "/api/services?size=100").bearer(app.managerToken()).send();
    JsonObject products = services.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
      .filter(i -> "products".equals(i.getString("service"))).findFirst().orElseThrow();
    assertEquals("monitor", products.getString("healthSource"), products.encode());

    long failedAt = System.nanoTime();
    awaitStatus("all UP again after the failure's 8 s", s -> "UP".equals(s.getString("status")));
    System.out.printf("products UP again %d ms after the DOWN was seen (8 s failure)%n", (System.nanoTime() - failedAt) / 1_000_000);
    assertTrue(health.subList(healthBefore, health.size()).stream().anyMatch(c -> "change".equals(c.getString("type"))
      && "products".equals(c.getString("service")) && "UP".equals(c.getString("status"))), "a change back to UP");
    assertEquals(200, until("products answers again", () -> app.call(GET, "/api/products").send(), r -> r.statusCode() == 200).statusCode());
  }

  @Test
  void aCrashIsA503AtOnceThenRecovers() {
    inject("products", Failure.Mode.CRASH, 5);
    long started = System.nanoTime();
    // a request caught by the consumer's removal itself is discarded by Vert.x with a (fast) 504; the next ones find no one
    HttpResponse<Buffer> refused = until("products refuses with 503", () -> app.call(GET, "/api/products").send(), r -> {
      assertTrue(List.of(200, 503, 504).contains(r.statusCode()), () -> r.statusCode() + " " + r.bodyAsString());
      return r.statusCode() == 503;
    });
    AllInOne.assertError(refused, 503, "SERVICE_UNAVAILABLE");
    long before = System.nanoTime();
    AllInOne.assertError(app.call(GET, "/api/products").send(), 503, "SERVICE_UNAVAILABLE");
    System.out.printf("crash: first 503 %d ms after the injection; a 503 then takes %d ms%n", (before - started) / 1_000_000,
      (System.nanoTime() - before) / 1_000_000);
    JsonObject status = awaitStatus("products DOWN: not answering", s -> "DOWN".equals(serviceStatus(s, "products"))
      && reasons(s, "products").get(0).contains("not answering"));
    assertEquals("DEGRADED", serviceStatus(status, "orders"), status.encode());
    assertEquals(200, until("products answers again", () -> app.call(GET, "/api/products").send(), r -> r.statusCode() == 200).statusCode());
    awaitStatus("all UP again", s -> "UP".equals(s.getString("status")));
  }

  @Test
  void theGraphHasNodesServicesInstancesAndEdges() {
    HttpResponse<Buffer> response = app.call(GET, "/api/graph").bearer(app.managerToken()).send();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject graph = response.bodyAsJsonObject();
    System.out.println("GET /api/graph: " + graph.encode());
    assertEquals(1, graph.getJsonArray("nodes").size(), "one node");
    JsonObject node = graph.getJsonArray("nodes").getJsonObject(0);
    assertTrue(node.getInteger("instances") >= 3, node.encode());
    List<String> services = graph.getJsonArray("services").stream().map(s -> ((JsonObject) s).getString("name")).toList();
    assertTrue(services.containsAll(List.of("users", "products", "orders")), services.toString());
    assertFalse(services.contains("monitor"), "node-scoped services are not in the view");
    graph.getJsonArray("services").forEach(s -> {
      JsonObject service = (JsonObject) s;
      // what an operator may do with it: users, products and orders are started, stopped and scaled cluster-wide
      if (List.of("users", "products", "orders").contains(service.getString("name"))) {
        assertEquals("cluster", service.getString("scope"), service.encode());
      }
    });
    JsonArray edges = graph.getJsonArray("edges");
    assertTrue(edges.contains(new JsonObject().put("from", "orders").put("to", "products").put("status", "UP")), edges.encode());
    assertTrue(edges.contains(new JsonObject().put("from", "orders").put("to", "users").put("status", "UP")), edges.encode());
    graph.getJsonArray("instances").forEach(i -> {
      JsonObject instance = (JsonObject) i;
      assertTrue(services.contains(instance.getString("service")), instance.encode());
      assertEquals(node.getString("id"), instance.getString("node"));
    });
    AllInOne.assertError(app.call(GET, "/api/graph").bearer(app.clientToken()).send(), 403, "FORBIDDEN");
    AllInOne.assertError(app.call(GET, "/api/graph").send(), 401, "UNAUTHORIZED");
  }

  @Test
  void aStandbyTakesOverWhenTheLeaderStops() {
    MonitorVerticle standby = deployMonitor();
    String leader = latestSnapshot().getString("leaderInstance");
    assertTrue(monitors.containsKey(leader), "the leader is one of ours: " + leader);
    assertNotEquals(standby.instanceId(), leader, "the first one deployed still leads");
    long stopped = System.nanoTime();
    AllInOne.await(app.vertx.undeploy(monitors.remove(leader)));
    until("the standby leads", MonitorAllInOneTest::latestSnapshot, s -> standby.instanceId().equals(s.getString("leaderInstance")));
    System.out.printf("the standby led %d ms after the leader stopped%n", (System.nanoTime() - stopped) / 1_000_000);
    awaitStatus("the new leader's view on /status", s -> "monitor".equals(s.getString("source")) && "UP".equals(s.getString("status")));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Publishes a failure to every instance of {@code service}, as the node agent would (a manager's token, per Envelope). */
  static void inject(String service, Failure.Mode mode, int seconds) {
    Failure failure = new Failure(mode, 1.0, 0, 0, null, System.currentTimeMillis() + seconds * 1000L, "manager");
    app.vertx.eventBus().publish(FailureControl.address(service), Envelope.body(new JsonObject(), new JsonObject(), failure.toJson()),
      Envelope.options(FailureControl.INJECT, new CallContext("test-" + mode.label(), app.managerToken(), null, null), 5000));
  }

  static JsonObject latestSnapshot() {
    return health.stream().filter(e -> "snapshot".equals(e.getString("type"))).reduce((a, b) -> b).orElse(new JsonObject());
  }

  static JsonObject awaitStatus(String what, Predicate<JsonObject> done) {
    return until(what, () -> app.call(GET, "/status").send().bodyAsJsonObject(), done);
  }

  static String serviceStatus(JsonObject status, String service) {
    JsonObject entry = status.getJsonObject("services", new JsonObject()).getJsonObject(service);
    return entry == null ? null : entry.getString("status");
  }

  static List<String> reasons(JsonObject status, String service) {
    return status.getJsonObject("services").getJsonObject(service).getJsonArray("reasons").stream().map(String::valueOf).toList();
  }

  static <T> T until(String what, Supplier<T> action, Predicate<T> done) {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    T last = null;
    while (System.currentTimeMillis() < deadline) {
      last = action.get();
      if (done.test(last)) {
        return last;
      }
      AllInOne.sleep(100);
    }
    String shown = last instanceof HttpResponse<?> r ? r.statusCode() + " " + r.bodyAsString() : String.valueOf(last);
    fail(what + ": not reached within " + WAIT_MS + " ms; last: " + shown);
    return last;
  }
}
