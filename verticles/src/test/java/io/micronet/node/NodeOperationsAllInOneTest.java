package io.micronet.node;

import io.micronet.shared.messaging.CallContext;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.events.Feeds;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The all-in-one as {@code scripts/micronet start} runs it — {@link NodeVerticle}, its agent placing every instance —
 * operated through real HTTP: nodes, scale, stop the last instance and start again, failure injection (error, then
 * crash) with breakers opening and recovery, bad input refused with nothing changed, and the roles. Times are printed,
 * not asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeOperationsAllInOneTest {

  private static final long POLL_LIMIT_MS = 30_000;

  private SoloNode solo;
  private Vertx vertx;
  private WebClient client;
  private String manager;
  private String clientToken;
  private final List<JsonObject> activity = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start(@TempDir Path dataDir) {
    solo = SoloNode.start(dataDir, new JsonObject().put("breaker", new JsonObject().put("maxFailures", 3).put("resetTimeoutMs", 1500)));
    vertx = solo.vertx;
    client = solo.client;
    manager = solo.manager();
    clientToken = solo.client();
    vertx.eventBus().<JsonObject>consumer(Feeds.ACTIVITY, message -> activity.add(message.body()));
  }

  @AfterAll
  void stop() {
    if (solo != null) {
      solo.close();
    }
  }

  @Test
  @Order(1)
  void servesAsSoonAsTheNodeHasStarted() {
    // no waiting: the first node elected itself and placed its instances before it called itself started
    HttpResponse<Buffer> products = send(HttpMethod.GET, "/api/products", null, null);
    assertEquals(200, products.statusCode(), products.bodyAsString());
    JsonArray nodes = nodes();
    assertEquals(1, nodes.size(), nodes.encode());
    JsonObject node = nodes.getJsonObject(0);
    assertEquals("solo", node.getString("name"));
    assertEquals(true, node.getBoolean("reconciler"), node.encode());
    assertEquals(List.of("activity", "alerts", "chatops", "gateway", "metrics", "monitor", "orders", "products", "users"), node.getJsonArray("verticles").getList());
    assertEquals(1, count(node, "products"));
    assertEquals(1, count(node, "gateway"));
  }

  @Test
  @Order(2)
  void scaleProductsTo3AndBackTo1() {
    long started = System.nanoTime();
    HttpResponse<Buffer> up = send(HttpMethod.POST, "/api/services/products/scale", manager, new JsonObject().put("instances", 3));
    assertEquals(200, up.statusCode(), up.bodyAsString());
    JsonObject answer = up.bodyAsJsonObject();
    assertEquals(1, answer.getInteger("previous"));
    assertEquals(3, answer.getInteger("desired"));
    System.out.printf("[node-ops] scale 1 → 3 answered in %d ms: %s%n", millisSince(started), answer.getString("text"));
    poll("/status counts 3 products instances", () -> statusInstances("products") == 3);
    poll("GET /api/nodes counts 3 products instances", () -> count(nodes().getJsonObject(0), "products") == 3);
    assertTrue(activity.stream().anyMatch(e -> "scale".equals(e.getString("kind")) && "mona".equals(e.getString("actor"))
      && "products".equals(e.getString("service"))), "a scale event by mona on the activity feed: " + activity);

    HttpResponse<Buffer> down = send(HttpMethod.POST, "/api/services/products/scale", manager, new JsonObject().put("instances", 1));
    assertEquals(200, down.statusCode(), down.bodyAsString());
    assertEquals(1, down.bodyAsJsonObject().getInteger("desired"));
    poll("/status counts 1 products instance", () -> statusInstances("products") == 1);
    assertEquals(1, count(nodes().getJsonObject(0), "products"));
    assertEquals(200, send(HttpMethod.GET, "/api/products", null, null).statusCode());
  }

  @Test
  @Order(3)
  void stoppingTheLastInstanceAnswers503AtOnceAndStartBringsItBack() {
    HttpResponse<Buffer> stopped = send(HttpMethod.POST, "/api/services/products/stop", manager, null);
    assertEquals(200, stopped.statusCode(), stopped.bodyAsString());
    assertEquals(0, stopped.bodyAsJsonObject().getInteger("desired"));
    assertTrue(stopped.bodyAsJsonObject().getString("text").contains("no instance"), stopped.bodyAsString());
    HttpResponse<Buffer> gone = send(HttpMethod.GET, "/api/products", null, null);
    assertEquals(503, gone.statusCode(), gone.bodyAsString());
    assertEquals("SERVICE_UNAVAILABLE", gone.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals(0, count(nodes().getJsonObject(0), "products"));
    HttpResponse<Buffer> again = send(HttpMethod.POST, "/api/services/products/stop", manager, null);
    assertEquals(409, again.statusCode(), "nothing left to stop: " + again.bodyAsString());

    long started = System.nanoTime();
    HttpResponse<Buffer> start = send(HttpMethod.POST, "/api/services/products/start", manager, new JsonObject().put("node", "solo"));
    assertEquals(200, start.statusCode(), start.bodyAsString());
    assertEquals(1, start.bodyAsJsonObject().getInteger("desired"));
    poll("GET /api/products answers 200 again", () -> send(HttpMethod.GET, "/api/products", null, null).statusCode() == 200);
    System.out.printf("[node-ops] start → 200 after %d ms%n", millisSince(started));
  }

  @Test
  @Order(4)
  void badInputIsRefusedAndChangesNothing() {
    expectError("POST", "/api/services/products/scale", new JsonObject().put("instances", -1), 422, "VALIDATION_FAILED");
    expectError("POST", "/api/services/products/scale", new JsonObject().put("instances", 65), 422, "VALIDATION_FAILED");
    expectError("POST", "/api/services/products/scale", new JsonObject().put("instances", "3"), 422, "VALIDATION_FAILED");
    expectError("POST", "/api/services/products/scale", new JsonObject().put("instances", 2.5), 422, "VALIDATION_FAILED");
    expectError("POST", "/api/services/products/scale", new JsonObject(), 422, "VALIDATION_FAILED");
    expectRaw("/api/services/products/scale", "{\"instances\":1e400}", 422);
    expectRaw("/api/services/products/scale", "{\"instances\":", 400);
    expectRaw("/api/services/products/scale", "[3]", 400);
    expectError("POST", "/api/services/nope/scale", new JsonObject().put("instances", 1), 404, "NOT_FOUND");
    expectError("POST", "/api/services/gateway/scale", new JsonObject().put("instances", 2), 409, "CONFLICT");
    expectError("POST", "/api/services/products/start", new JsonObject().put("node", "nowhere"), 404, "NOT_FOUND");
    expectError("POST", "/api/services/products/stop", new JsonObject().put("node", 3), 422, "VALIDATION_FAILED");
    expectError("POST", "/api/services/products/failures", new JsonObject().put("mode", "explode").put("durationSeconds", 5), 422, "VALIDATION_FAILED");
    expectError("POST", "/api/services/products/failures", new JsonObject().put("mode", "error").put("durationSeconds", 0), 422, "VALIDATION_FAILED");
    expectError("POST", "/api/services/products/failures", new JsonObject().put("mode", "error").put("durationSeconds", 5).put("rate", 2), 422, "VALIDATION_FAILED");
    expectError("POST", "/api/services/products/failures", new JsonObject().put("mode", "latency").put("durationSeconds", 5)
      .put("latencyMs", new JsonObject().put("min", 9).put("max", 3)), 422, "VALIDATION_FAILED");
    expectError("POST", "/api/services/products/failures", new JsonObject().put("mode", "crash").put("durationSeconds", 5)
      .put("instanceId", "products-00000000"), 404, "NOT_FOUND");
    expectError("POST", "/api/services/nope/failures", new JsonObject().put("mode", "crash").put("durationSeconds", 5), 404, "NOT_FOUND");
    expectError("DELETE", "/api/services/nope/failures", null, 404, "NOT_FOUND");
    expectError("GET", "/api/nodes?size=1000", null, 422, "VALIDATION_FAILED");
    // nothing changed: still one products instance, serving
    assertEquals(1, count(nodes().getJsonObject(0), "products"));
    assertEquals(200, send(HttpMethod.GET, "/api/products", null, null).statusCode());
  }

  @Test
  @Order(5)
  void anErrorFailureOpensTheBreakerAndRecoveryCloses() {
    HttpResponse<Buffer> injected = send(HttpMethod.POST, "/api/services/products/failures", manager,
      new JsonObject().put("mode", "error").put("rate", 1).put("durationSeconds", 60));
    assertEquals(200, injected.statusCode(), injected.bodyAsString());
    assertEquals(1, injected.bodyAsJsonObject().getJsonArray("instances").size(), injected.bodyAsString());
    assertTrue(injected.bodyAsJsonObject().containsKey("until"));
    long started = System.nanoTime();
    int errors500 = 0;
    HttpResponse<Buffer> last;
    do {
      last = send(HttpMethod.GET, "/api/products", null, null);
      assertTrue(last.statusCode() == 500 || last.statusCode() == 503, "500 (the failure) or 503 (breaker open): " + last.bodyAsString());
      errors500 += last.statusCode() == 500 ? 1 : 0;
      assertTrue(millisSince(started) < POLL_LIMIT_MS, "the breaker must open");
    } while (last.statusCode() != 503);
    assertTrue(errors500 >= 1, "the failure answered 500 before the breaker opened");
    long sent = System.nanoTime();
    assertEquals(503, send(HttpMethod.GET, "/api/products", null, null).statusCode());
    System.out.printf("[node-ops] error injected: %d × 500, then the breaker opened after %d ms; an open-circuit 503 took %d ms%n",
      errors500, millisSince(started), millisSince(sent));

    HttpResponse<Buffer> recovered = send(HttpMethod.DELETE, "/api/services/products/failures", manager, null);
    assertEquals(200, recovered.statusCode(), recovered.bodyAsString());
    long recovering = System.nanoTime();
    poll("GET /api/products answers 200 after the recovery", () -> send(HttpMethod.GET, "/api/products", null, null).statusCode() == 200);
    System.out.printf("[node-ops] DELETE failures → 200 after %d ms (breaker reset)%n", millisSince(recovering));
  }

  @Test
  @Order(6)
  void aCrashAnswersFast503AndEndsByItself() {
    HttpResponse<Buffer> injected = send(HttpMethod.POST, "/api/services/products/failures", manager,
      new JsonObject().put("mode", "crash").put("durationSeconds", 4));
    assertEquals(200, injected.statusCode(), injected.bodyAsString());
    long started = System.nanoTime();
    HttpResponse<Buffer> refused = AllInOnePoll.until(() -> send(HttpMethod.GET, "/api/products", null, null),
      r -> r.statusCode() == 503, POLL_LIMIT_MS);
    System.out.printf("[node-ops] crash → first 503 after %d ms%n", millisSince(started));
    assertEquals("SERVICE_UNAVAILABLE", refused.bodyAsJsonObject().getJsonObject("error").getString("code"));
    poll("GET /api/products answers 200 once the crash ended", () -> send(HttpMethod.GET, "/api/products", null, null).statusCode() == 200);
    System.out.printf("[node-ops] crash (4 s) → 200 again after %d ms%n", millisSince(started));
  }

  @Test
  @Order(7)
  void everyNewRouteIsForManagers() {
    List<String[]> routes = List.of(new String[] {"GET", "/api/nodes"}, new String[] {"POST", "/api/services/products/start"},
      new String[] {"POST", "/api/services/products/stop"}, new String[] {"POST", "/api/services/products/scale"},
      new String[] {"POST", "/api/services/products/failures"}, new String[] {"DELETE", "/api/services/products/failures"});
    for (String[] route : routes) {
      HttpMethod method = HttpMethod.valueOf(route[0]);
      JsonObject body = method == HttpMethod.POST ? new JsonObject().put("instances", 0) : null;
      assertEquals(401, send(method, route[1], null, body).statusCode(), route[0] + " " + route[1] + " without a token");
      assertEquals(403, send(method, route[1], clientToken, body).statusCode(), route[0] + " " + route[1] + " with a client token");
    }
    assertEquals(1, count(nodes().getJsonObject(0), "products"), "nothing changed");
  }

  /**
   * The reconciler's own address takes commands from node agents only (a service token): straight onto the bus, as
   * any member of the cluster could, neither anonymous, nor a client, nor even a manager (managers go through the REST
   * routes and an agent) may apply a command or announce a node's arrival.
   */
  @Test
  @Order(8)
  void theReconcilersAddressTakesNothingButAServiceToken() {
    JsonObject arrival = new JsonObject().put("id", "forged-node").put("name", "forged").put("verticles", new JsonArray().add("products"));
    JsonObject scale = new JsonObject().put("kind", "SCALE").put("service", "products").put("instances", 5);
    for (String action : List.of(NodeAgent.ARRIVED, NodeAgent.APPLY)) {
      JsonObject body = action.equals(NodeAgent.ARRIVED) ? arrival : scale;
      assertEquals(401, refusal(action, body, null), action + " without a token");
      assertEquals(403, refusal(action, body, clientToken), action + " with a client token");
      assertEquals(403, refusal(action, body, manager), action + " with a manager token");
    }
    assertEquals(1, count(nodes().getJsonObject(0), "products"), "nothing changed");
    assertEquals(1, nodes().size(), "no node made up");
  }

  private int refusal(String action, JsonObject body, String token) {
    try {
      vertx.eventBus().request(NodeAgent.RECONCILER_ADDRESS, Envelope.body(new JsonObject(), new JsonObject(), body),
        Envelope.options(action, new CallContext("reconciler-test", token, null, null), 5_000)).await(10, TimeUnit.SECONDS);
      return 200;
    } catch (ReplyException e) {
      return e.failureCode();
    } catch (Exception e) {
      throw new AssertionError(action + ": " + e, e);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  private void expectError(String method, String path, JsonObject body, int status, String code) {
    HttpResponse<Buffer> response = send(HttpMethod.valueOf(method), path, manager, body);
    assertEquals(status, response.statusCode(), method + " " + path + " " + body + ": " + response.bodyAsString());
    assertEquals(code, response.bodyAsJsonObject().getJsonObject("error").getString("code"), response.bodyAsString());
  }

  private void expectRaw(String path, String raw, int status) {
    HttpResponse<Buffer> response = client.request(HttpMethod.POST, path).bearerTokenAuthentication(manager)
      .putHeader("Content-Type", "application/json").timeout(10_000).sendBuffer(Buffer.buffer(raw)).await();
    assertEquals(status, response.statusCode(), raw + ": " + response.bodyAsString());
    assertTrue(response.bodyAsJsonObject().getJsonObject("error") != null, response.bodyAsString());
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, String token, JsonObject body) {
    var request = client.request(method, path).timeout(15_000);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return (body == null ? request.send() : request.sendJsonObject(body)).await();
  }

  private JsonArray nodes() {
    HttpResponse<Buffer> response = send(HttpMethod.GET, "/api/nodes", manager, null);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject page = response.bodyAsJsonObject();
    assertEquals(page.getJsonArray("items").size(), page.getInteger("total"), page.encode());
    return page.getJsonArray("items");
  }

  private static int count(JsonObject node, String service) {
    return (int) node.getJsonArray("instances").stream().map(JsonObject.class::cast)
      .filter(i -> service.equals(i.getString("service"))).count();
  }

  private int statusInstances(String service) {
    JsonObject entry = send(HttpMethod.GET, "/status", null, null).bodyAsJsonObject().getJsonObject("services").getJsonObject(service);
    return entry == null ? 0 : entry.getInteger("instances");
  }

  private void poll(String what, Supplier<Boolean> condition) {
    AllInOnePoll.until(condition, done -> done, POLL_LIMIT_MS, what);
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }

  /** Bounded polling (a hang guard, never a timing assertion). */
  static final class AllInOnePoll {

    static <T> T until(Supplier<T> action, Predicate<T> done, long limitMs) {
      return until(action, done, limitMs, "the condition");
    }

    static <T> T until(Supplier<T> action, Predicate<T> done, long limitMs, String what) {
      long deadline = System.currentTimeMillis() + limitMs;
      T last = null;
      while (System.currentTimeMillis() < deadline) {
        last = action.get();
        if (done.test(last)) {
          return last;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return fail("not within " + limitMs + " ms: " + what + " (last: " + last + ")");
    }
  }
}
