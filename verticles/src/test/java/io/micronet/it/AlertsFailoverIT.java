package io.micronet.it;

import io.micronet.alerts.delivery.Receiver;
import io.micronet.it.Nodes.Node;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The alert engine runs once per cluster and a kill -9 of its node loses nothing and repeats nothing. Two node JVMs
 * from the built jar (gateway, products, monitor, metrics, alerts; shared PostgreSQL of {@code MICRONET_TEST_DB_URL}),
 * the default webhook channel pointing at a receiver this test runs (it checks every signature). Node a starts first,
 * so its engine leads. Rule 1 fires and is delivered by a; the receiver then refuses everything, rule 2 fires and its
 * notification waits in a's outbox; kill -9 a; the receiver accepts again → b delivers rule 2's firing once, does not
 * repeat rule 1's, and after the recovery each alert's resolution arrives once. Logs in {@code target/alerts-failover-it}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AlertsFailoverIT {

  private static final Duration NODE_START_LIMIT = Duration.ofSeconds(90);
  private static final Duration ALERT_LIMIT = Duration.ofSeconds(60);

  private Nodes nodes;
  private Path workDir;
  private String dbUrl;
  private String clusterName;
  private String jwtSecret;
  private String manager;
  private Vertx vertx;
  private WebClient http;
  private final String webhookSecret = Nodes.randomSecret();
  private Receiver receiver;
  private volatile boolean refusing;
  private long trafficTimer = -1;
  private final Map<String, Node> byName = new LinkedHashMap<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final Timings timings = new Timings("alerts-failover-it");

  @BeforeAll
  void prepare() throws IOException {
    dbUrl = System.getenv("MICRONET_TEST_DB_URL");
    assumeTrue(dbUrl != null && !dbUrl.isBlank(), "AlertsFailoverIT skipped: MICRONET_TEST_DB_URL is not set (both nodes' alert "
      + "engines share a PostgreSQL). Run with scripts/test, or MICRONET_TEST_DB_URL=\"$(scripts/test-postgres start)\".");
    nodes = Nodes.create("alerts-failover-it");
    workDir = nodes.workDir();
    clusterName = "alerts-it-" + UUID.randomUUID().toString().substring(0, 8);
    jwtSecret = Nodes.randomSecret();
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    manager = Tokens.withSecret(vertx, jwtSecret).issue(new Caller("it-manager", "it-manager", Caller.MANAGER), 3600);
    receiver = new Receiver(vertx, n -> refusing ? 503 : 200);
  }

  @AfterAll
  void tearDown() throws IOException {
    if (vertx != null) {
      vertx.cancelTimer(trafficTimer);
    }
    if (nodes != null) {
      nodes.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (workDir != null) {
      timings.writeTo(workDir);
    }
  }

  @Test
  void killingTheEnginesNodeLosesNoNotificationAndRepeatsNone() throws IOException {
    Node a = start("a");
    nodes.awaitUntil("a answers GET /api/alerts", NODE_START_LIMIT, a.startedNanos(), () -> status("a", "/api/alerts") == 200);
    Node b = start("b");
    nodes.awaitUntil("b answers GET /api/alerts, a lists two nodes", NODE_START_LIMIT, b.startedNanos(),
      () -> status("b", "/api/alerts") == 200 && send(HttpMethod.GET, "a", "/api/nodes", null).bodyAsJsonObject().getJsonArray("items").size() == 2);

    String first = createRule("it products errors above 30 %", 0.3);
    ok(send(HttpMethod.POST, "a", "/api/services/products/failures",
      new JsonObject().put("mode", "error").put("durationSeconds", 600).put("rate", 1)), 200);
    trafficTimer = vertx.setPeriodic(100, id -> {
      send(HttpMethod.GET, "a", "/api/products?size=1", null, false);
      send(HttpMethod.GET, "b", "/api/products?size=1", null, false);
    });
    long injected = System.nanoTime();
    timings.measure("errors injected -> rule 1's firing delivered (by a)", nodes.awaitUntil("rule 1 firing delivered", ALERT_LIMIT, injected,
      () -> delivered(n -> carries(n, first, "firing"))));

    refusing = true;
    String second = createRule("it products errors above 20 %", 0.2);
    long created = System.nanoTime();
    nodes.awaitUntil("rule 2's firing attempted and refused", ALERT_LIMIT, created,
      () -> receiver.requests().stream().map(Receiver.Received::json).anyMatch(n -> carries(n, second, "firing")));
    assertTrue(electedForAlerts(a) && !electedForAlerts(b), "a's engine leads, b's stands by");
    String waiting = receiver.requests().stream().map(Receiver.Received::json).filter(n -> carries(n, second, "firing")).findFirst()
      .orElseThrow().getString("id");

    long killed = nodes.kill9(a);
    refusing = false;
    timings.measure("kill -9 a -> rule 2's waiting notification delivered by b", nodes.awaitUntil("b delivers " + waiting, ALERT_LIMIT, killed,
      () -> delivered(n -> waiting.equals(n.getString("id")))));

    assertTrue(electedForAlerts(b), "b's engine took over");
    send(HttpMethod.DELETE, "b", "/api/services/products/failures", null, false);
    long recovered = System.nanoTime();
    timings.measure("recovery -> both resolutions delivered (by b)", nodes.awaitUntil("both resolved", ALERT_LIMIT, recovered,
      () -> delivered(n -> carries(n, first, "resolved")) && delivered(n -> carries(n, second, "resolved"))));
    vertx.cancelTimer(trafficTimer);

    List<JsonObject> deliveries = receiver.delivered();
    Map<String, Long> byNotification = deliveries.stream().collect(Collectors.groupingBy(n -> n.getString("id"), Collectors.counting()));
    byNotification.forEach((id, times) -> assertEquals(1, times, "notification " + id + " delivered " + times + " times"));
    // the test's two rules: one alert each (a service's error rate), so each firing and each resolution is one
    // notification; a group of several alerts (the built-in per-instance ones) names a still-firing alert again when
    // another joins it, as a group's notification should
    Map<String, Long> byAlertAndStatus = deliveries.stream().flatMap(n -> alerts(n).stream()
        .filter(alert -> first.equals(alert.getString("ruleId")) || second.equals(alert.getString("ruleId")))
        .map(alert -> alert.getString("id") + " " + n.getString("status")))
      .collect(Collectors.groupingBy(key -> key, Collectors.counting()));
    byAlertAndStatus.forEach((key, times) -> assertEquals(1, times, "alert and status " + key + " notified " + times + " times"));
    receiver.requests().forEach(r -> assertTrue(r.signedWith(webhookSecret), "signed with the channel's secret: " + r.body()));
    Files.writeString(workDir.resolve("deliveries.json"), new JsonArray(new ArrayList<>(deliveries)).encodePrettily());
  }

  // ---- the platform ------------------------------------------------------------------------------------------------

  private Node start(String name) throws IOException {
    int port = ports.computeIfAbsent(name, n -> freePort());
    Path dataDir = workDir.resolve("data").resolve(name + "-" + UUID.randomUUID().toString().substring(0, 4));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MICRONET_VERTICLES", "gateway,products,monitor,metrics,alerts");
    env.put("MICRONET_NODE_NAME", name);
    env.put("MICRONET_HTTP_PORT", Integer.toString(port));
    env.put("MICRONET_CLUSTER_NAME", clusterName);
    env.put("MICRONET_CLUSTER_MEMBERS", "127.0.0.1");
    env.put("MICRONET_DATA_DIR", dataDir.toString());
    env.put("MICRONET_JWT_SECRET", jwtSecret);
    env.put("MICRONET_DB_URL", dbUrl);
    env.put("MICRONET_SHUTDOWN_GRACE_SECONDS", "2");
    env.put("MICRONET_ALERT_WEBHOOK_URL", receiver.url("/hook"));
    env.put("MICRONET_ALERT_WEBHOOK_SECRET", webhookSecret);
    env.put("MICRONET_ALERT_ALLOW_PRIVATE_TARGETS", "true");
    Path conf = workDir.resolve("alerts-conf.json");
    // quick groups and retries for a test; a repeat within the test's minutes would be a repeat indeed
    Files.writeString(conf, new JsonObject().put("services", new JsonObject().put("alerts", new JsonObject()
      .put("groupWaitSeconds", 1).put("groupIntervalSeconds", 2).put("repeatIntervalSeconds", 3600)
      .put("delivery", new JsonObject().put("baseDelayMs", 300).put("maxDelayMs", 1500).put("maxAttempts", 1000)))).encodePrettily());
    List<String> args = new ArrayList<>(Nodes.CLUSTER_ARGS);
    args.add("-conf");
    args.add(conf.toString());
    Node node = nodes.start(name + "-" + System.nanoTime() % 10_000, dataDir, env, args);
    byName.put(name, node);
    return node;
  }

  /**
   * A threshold rule on products' error rate, firing at once and kept firing 10 s (while the breakers are open products
   * sees few calls, and its error rate would flap); its id.
   */
  private String createRule(String name, double above) {
    JsonObject rule = ok(send(HttpMethod.POST, "b", "/api/rules", new JsonObject().put("name", name + " " + clusterName)
      .put("kind", "threshold").put("service", "products").put("metric", "errorRate").put("op", ">").put("value", above)
      .put("forSeconds", 0).put("keepFiringSeconds", 10).put("severity", "critical")), 201);
    return rule.getString("id");
  }

  /** Whether the node's log says it was elected for the role {@code alerts} (its JSON log line of Leadership). */
  private static boolean electedForAlerts(Node node) {
    try (var lines = Files.lines(node.log())) {
      return lines.anyMatch(line -> line.contains("\"message\":\"elected\"") && line.contains("\"role\":\"alerts\""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean delivered(Predicate<JsonObject> which) {
    return receiver.delivered().stream().anyMatch(which);
  }

  private static boolean carries(JsonObject notification, String ruleId, String status) {
    return status.equals(notification.getString("status")) && alerts(notification).stream().anyMatch(a -> ruleId.equals(a.getString("ruleId")));
  }

  private static List<JsonObject> alerts(JsonObject notification) {
    return notification.getJsonArray("alerts", new JsonArray()).stream().map(JsonObject.class::cast).toList();
  }

  /** The status of a manager's GET, 0 while the node does not answer at all. */
  private int status(String via, String path) {
    try {
      return send(HttpMethod.GET, via, path, null).statusCode();
    } catch (RuntimeException unreachable) {
      return 0;
    }
  }

  private HttpResponse<Buffer> send(HttpMethod method, String via, String path, JsonObject body) {
    return send(method, via, path, body, true);
  }

  /** A manager's call; {@code await}: its answer, otherwise fire and forget (traffic, a call to a node that may be gone). */
  private HttpResponse<Buffer> send(HttpMethod method, String via, String path, JsonObject body, boolean await) {
    HttpRequest<Buffer> request = http.request(method, ports.get(via), "127.0.0.1", path).bearerTokenAuthentication(manager).timeout(15_000);
    var answer = body == null ? request.send() : request.sendJsonObject(body);
    return await ? answer.await() : null;
  }

  private static JsonObject ok(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), response::bodyAsString);
    return response.bodyAsJsonObject();
  }

  private static int freePort() {
    try {
      return Nodes.freePort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
