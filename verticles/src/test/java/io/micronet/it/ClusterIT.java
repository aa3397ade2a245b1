package io.micronet.it;

import io.micronet.it.Nodes.Node;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static io.micronet.it.Nodes.certs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real cluster across hosts: three hosts of the test bed ({@link NetBed}: network namespaces on a bridge; the class
 * is skipped, saying why, where none can be made), every node a separate JVM started from the built jar inside its
 * host ({@code java -jar micronet.jar -cluster -cluster-host <host address>}, members {@code host:5701}, event-bus TLS
 * from {@code scripts/micronet certs}, the default ports): A (gateway) on host 1, B (products) on host 2 — killed and
 * restarted there —, C (products) on host 3. The products nodes share the test PostgreSQL (reached through a relay on
 * the bridge: it listens on this machine's loopback), and the test only talks to A's gateway at host 1's address, as a
 * user would. A {@code kill -9} here is a process death: its host lives on, and its kernel refuses connections to the
 * dead node's ports at once, as on one machine; a host that vanishes is {@link PartitionIT}'s case.
 *
 * <p>The steps build on each other (A + B, B killed, B restarted, C added, C stopped), so they run in
 * order on one cluster; once a step fails the later ones are skipped. Node logs are kept in
 * {@code target/cluster-it/<node>.log}, the measured times in {@code target/cluster-it/timings.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ClusterIT.SkipAfterFirstFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterIT {

  /** A's gateway, on host 1: the default HTTP port (every host has its own). */
  private static final int GATEWAY_PORT = 8000;
  private static final int HOST_A = 1;
  private static final int HOST_B = 2;
  private static final int HOST_C = 3;
  /** A node JVM: from launch to "its products instance is routable at A". */
  private static final Duration NODE_START_LIMIT = Duration.ofSeconds(60);
  /** After kill -9: the gateway must answer 503 and the dead node's records must be gone by then. */
  private static final Duration DEATH_LIMIT = Duration.ofSeconds(15);
  /** After SIGTERM: the node unpublishes its record itself, no reaping needed. */
  private static final Duration GRACEFUL_UNPUBLISH_LIMIT = Duration.ofSeconds(5);
  private static final Duration GRACEFUL_EXIT_LIMIT = Duration.ofSeconds(20);
  /** A 503 that is decided without waiting for a timeout. */
  private static final long FAST_ANSWER_MS = 1_000;
  private static final long REQUEST_TIMEOUT_MS = 10_000;

  private NetBed bed;
  private Nodes nodes;
  private Path workDir;
  private Path certs;
  /** The test PostgreSQL as the hosts reach it (through the relay on the bridge). */
  private String dbUrl;
  private String clusterName;
  private String jwtSecret;
  private String managerToken;
  private Vertx vertx;
  private WebClient http;
  private final Timings timings = new Timings("cluster-it");

  private Node a;
  private Node b;
  private Node c;
  private JsonObject product;
  private String firstBInstanceId;

  @BeforeAll
  void prepare() throws Exception {
    bed = NetBed.up(3); // skips the class where no bed can be made
    String testDbUrl = System.getenv("MICRONET_TEST_DB_URL");
    if (testDbUrl == null || testDbUrl.isBlank()) {
      fail("MICRONET_TEST_DB_URL is not set: the cluster test needs a PostgreSQL shared by the products nodes. "
        + "Run the tests with scripts/test (it starts a throwaway PostgreSQL), or set "
        + "MICRONET_TEST_DB_URL=\"$(scripts/test-postgres start)\" before mvn verify.");
    }
    // a private copy of the built jar in target/cluster-it, every node JVM killed at the end (Nodes)
    nodes = Nodes.create("cluster-it");
    workDir = nodes.workDir();

    String runId = UUID.randomUUID().toString().substring(0, 8);
    clusterName = "it-" + runId;
    jwtSecret = Nodes.randomSecret();
    certs = workDir.resolve("certs");
    certs("ca", certs.toString());
    certs("node", certs.toString(), "a", bed.address(HOST_A));
    certs("node", certs.toString(), "b", bed.address(HOST_B));
    certs("node", certs.toString(), "c", bed.address(HOST_C));
    product = new JsonObject()
      .put("name", "cluster-it " + runId)
      .put("description", "made by ClusterIT through the gateway on node A")
      .put("category", "cluster-it")
      .put("price", 12.34)
      .put("stock", 7);

    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    dbUrl = bed.reachableFromHosts(vertx, testDbUrl);
    managerToken = Tokens.withSecret(vertx, jwtSecret).issue(new Caller("it-manager", "it-manager", Caller.MANAGER), 3600);
    System.out.println("[cluster-it] cluster " + clusterName + ", members " + bed.members() + ", gateway "
      + bed.address(HOST_A) + ":" + GATEWAY_PORT + ", node logs in " + workDir);
  }

  @AfterAll
  void tearDown() throws IOException {
    Closer.closeAll(nodes, http == null ? null : http::close, vertx == null ? null : () -> vertx.close().await(), bed);
    timings.writeTo(workDir);
  }

  @Test
  @Order(1)
  void gatewayOnNodeAServesProductsFromNodeB() {
    a = startNode("a", HOST_A, "gateway", Map.of());
    measure("A start -> gateway answers /health",
      awaitUntil("the gateway on A answers GET /health", NODE_START_LIMIT, a.startedNanos(), () -> get("/health").statusCode() == 200));

    b = startNode("b", HOST_B, "products", Map.of());
    measure("B start -> its record visible at A",
      awaitUntil("A's /status counts 1 products instance", NODE_START_LIMIT, b.startedNanos(), () -> productsOnStatus() == 1));

    JsonObject sent = product;
    HttpResponse<Buffer> created = send(http.post(GATEWAY_PORT, bed.address(HOST_A), "/api/products").bearerTokenAuthentication(managerToken), sent);
    assertEquals(201, created.statusCode(), () -> "POST /api/products: " + created.bodyAsString());
    product = created.bodyAsJsonObject();
    for (String field : sent.fieldNames()) {
      assertEquals(sent.getValue(field), product.getValue(field), "field " + field + " of the created " + product);
    }

    HttpResponse<Buffer> read = get(productPath());
    assertEquals(200, read.statusCode(), () -> "GET " + productPath() + ": " + read.bodyAsString());
    JsonObject body = read.bodyAsJsonObject();
    for (String field : List.of("id", "name", "description", "category", "price", "stock", "createdAt", "updatedAt")) {
      assertEquals(product.getValue(field), body.getValue(field), "field " + field + " of " + body);
    }

    List<JsonObject> instances = productsInstances();
    assertEquals(1, instances.size(), () -> "products instances: " + instances);
    String node = instances.get(0).getString("node");
    assertNotEquals(clusterNodeId(a), node, "the products instance must live on B, not on the gateway's node");
    assertEquals(clusterNodeId(b), node, "the products instance is B's");
    firstBInstanceId = instances.get(0).getString("id");
  }

  @Test
  @Order(2)
  void killingBGivesFast503AndItsRecordsAreReaped() {
    long killed = kill9(b);
    // the records are watched in the background while the product is requested in the foreground
    CompletableFuture<Duration> recordsGone = CompletableFuture.supplyAsync(() ->
      awaitUntil("/api/services lists no products instance after B's kill -9", DEATH_LIMIT, killed, () -> productsInstances().isEmpty()));

    AtomicInteger timeouts = new AtomicInteger();
    Duration first503 = awaitUntil("GET " + productPath() + " answers 503 SERVICE_UNAVAILABLE after B's kill -9", DEATH_LIMIT, killed, () -> {
      HttpResponse<Buffer> response = get(productPath());
      // on the way: 503 (circuit open, no instance) or 504 (a call that was in flight timed out), never a 500
      assertTrue(response.statusCode() == 503 || response.statusCode() == 504,
        () -> "while B is dying GET " + productPath() + " must answer 503 or 504, got " + response.statusCode() + " " + response.bodyAsString());
      assertEquals(response.statusCode() == 503 ? "SERVICE_UNAVAILABLE" : "UPSTREAM_TIMEOUT", errorCode(response), response::bodyAsString);
      if (response.statusCode() == 504) {
        timeouts.incrementAndGet();
      }
      return response.statusCode() == 503;
    });
    measure("kill -9 B -> first 503 (after " + timeouts.get() + " x 504)", first503);
    measure("kill -9 B -> its record gone from /api/services", join(recordsGone));

    // with no instance left the gateway knows at once: 503 without waiting for any timeout
    assertFast503();
  }

  @Test
  @Order(3)
  void restartedBIsUsedAgain() {
    b = startNode("b-restarted", HOST_B, "products", b.env());
    measure("restarted B start -> its record visible at A",
      awaitUntil("A's /status counts 1 products instance again", NODE_START_LIMIT, b.startedNanos(), () -> productsOnStatus() == 1));
    awaitUntil("GET " + productPath() + " answers 200 again", Duration.ofSeconds(10), System.nanoTime(), () -> get(productPath()).statusCode() == 200);

    List<JsonObject> instances = productsInstances();
    assertEquals(1, instances.size(), () -> "products instances: " + instances);
    assertNotEquals(firstBInstanceId, instances.get(0).getString("id"), "the restarted node publishes a new instance");
    assertEquals(clusterNodeId(b), instances.get(0).getString("node"), "the products instance is the restarted B's");
  }

  @Test
  @Order(4)
  void readsKeepSucceedingWhenBDiesWhileCAlsoServes() {
    c = startNode("c", HOST_C, "products", Map.of());
    awaitUntil("C's agent is listed by GET /api/nodes", NODE_START_LIMIT, c.startedNanos(), () -> nodeNames().contains("c"));
    // across hosts the first call to a node that just joined opens an event-bus TLS connection (a handshake: about a
    // second on this machine), and the reconciler gives nothing to an agent that does not answer its describe within
    // node.agentTimeoutMs (1 s): wait until A's event bus has been answered by C's agent (a GET /api/nodes that A's
    // gateway sent there, which its access log names), so that the reconciler on A hears from C in time
    String cAgent = agentOf("c");
    awaitUntil("A's gateway is answered by C's agent " + cAgent, NODE_START_LIMIT, c.startedNanos(), () -> {
      get("/api/nodes");
      return a.logLines().map(Nodes::parseJson).anyMatch(line -> line != null && "request".equals(line.getString("message"))
        && "/api/nodes".equals(line.getString("path")) && Integer.valueOf(200).equals(line.getInteger("status"))
        && cAgent.equals(line.getString("instance")));
    });
    // the desired count is cluster-wide (set by the first node); a second instance is asked for, and the reconciler
    // places it on the node with fewer (C)
    HttpResponse<Buffer> scaled = send(http.post(GATEWAY_PORT, bed.address(HOST_A), "/api/services/products/scale").bearerTokenAuthentication(managerToken),
      new JsonObject().put("instances", 2));
    assertEquals(200, scaled.statusCode(), scaled::bodyAsString);
    measure("C start -> its record visible at A",
      awaitUntil("/api/services lists 2 products instances with closed circuits", NODE_START_LIMIT, c.startedNanos(),
        () -> productsInstances().stream().filter(i -> "CLOSED".equals(i.getString("breaker"))).count() == 2));
    assertEquals(Set.of(clusterNodeId(b), clusterNodeId(c)), productsInstances().stream().map(i -> i.getString("node")).collect(Collectors.toSet()),
      "one products instance on B, one on C");

    List<String> failures = new ArrayList<>();
    long slowestAfterKillMs = 0;
    long killed = 0;
    for (int i = 1; i <= 60; i++) {
      if (i == 11) {
        killed = kill9(b);
      }
      long sent = System.nanoTime();
      HttpResponse<Buffer> response = get(productPath());
      long tookMs = (System.nanoTime() - sent) / 1_000_000;
      if (killed != 0) {
        slowestAfterKillMs = Math.max(slowestAfterKillMs, tookMs);
      }
      if (response.statusCode() != 200) {
        failures.add("GET #" + i + " -> " + response.statusCode() + " " + response.bodyAsString());
      }
      pause(20);
    }
    assertEquals(List.of(), failures, "every GET must succeed through B's death (retried on C)");
    measure("slowest GET after kill -9 B (with C serving)", Duration.ofMillis(slowestAfterKillMs));

    // B's instance is gone, and the reconciler places the second one again, on C (the only node left for products)
    awaitUntil("/api/services lists only C's products instances, 2 of them", DEATH_LIMIT, killed, () -> {
      List<JsonObject> instances = productsInstances();
      return instances.size() == 2 && instances.stream().allMatch(i -> clusterNodeId(c).equals(i.getString("node")));
    });
  }

  @Test
  @Order(5)
  void sigtermStopsAProductsNodeGracefully() throws InterruptedException {
    nodes.expectExit(c);
    long stopped = System.nanoTime();
    c.process().destroy(); // SIGTERM
    measure("SIGTERM C -> its record gone from /api/services",
      awaitUntil("C's record leaves /api/services without reaping", GRACEFUL_UNPUBLISH_LIMIT, stopped, () -> productsInstances().isEmpty()));
    assertTrue(c.process().waitFor(GRACEFUL_EXIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS),
      "C must exit within " + GRACEFUL_EXIT_LIMIT.toSeconds() + " s of SIGTERM");
    measure("SIGTERM C -> process exited", elapsedSince(stopped));
    assertEquals(0, c.process().exitValue(), () -> "exit status of C after SIGTERM; log:\n" + c.logTail());
    assertFast503();
  }

  // ---- nodes --------------------------------------------------------------------------------------

  /** Node {@code name} inside host {@code host}, with that host's certificate (a restarted node is the same node again). */
  private Node startNode(String name, int host, String verticles, Map<String, String> extraEnv) {
    String nodeName = name.replace("-restarted", "");
    Path dataDir = workDir.resolve("data").resolve(name);
    Map<String, String> env = new LinkedHashMap<>(Map.of(
      "MICRONET_VERTICLES", verticles,
      "MICRONET_NODE_NAME", nodeName,
      "MICRONET_CLUSTER_NAME", clusterName,
      "MICRONET_CLUSTER_MEMBERS", bed.members(),
      "MICRONET_DATA_DIR", dataDir.toString(),
      "MICRONET_JWT_SECRET", jwtSecret,
      "MICRONET_DB_URL", dbUrl));
    env.putAll(Nodes.clusterTls(certs, nodeName));
    env.putAll(extraEnv);
    return nodes.startOnHost(bed, host, name, dataDir, env);
  }

  /** SIGKILL, like kill -9: no shutdown hook, no unpublishing. Returns when the process is gone. */
  private long kill9(Node node) {
    return nodes.kill9(node);
  }

  private String clusterNodeId(Node node) {
    awaitUntil("node " + node.name() + " logs its cluster node id", NODE_START_LIMIT, node.startedNanos(), () -> node.clusterNodeId().isPresent());
    return node.clusterNodeId().orElseThrow();
  }

  // ---- what a user sees through the gateway ------------------------------------------------------

  private String productPath() {
    return "/api/products/" + product.getString("id");
  }

  private HttpResponse<Buffer> get(String path) {
    return send(http.get(GATEWAY_PORT, bed.address(HOST_A), path).bearerTokenAuthentication(managerToken), null);
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request, JsonObject body) {
    request.timeout(REQUEST_TIMEOUT_MS);
    return (body == null ? request.send() : request.sendJsonObject(body)).await();
  }

  /** The products count of GET /status (anyone may read it). */
  private int productsOnStatus() {
    JsonObject products = get("/status").bodyAsJsonObject().getJsonObject("services").getJsonObject("products");
    return products == null ? 0 : products.getInteger("instances");
  }

  /** The node names of GET /api/nodes (manager). */
  private Set<String> nodeNames() {
    HttpResponse<Buffer> response = get("/api/nodes");
    assertEquals(200, response.statusCode(), response::bodyAsString);
    return response.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
      .map(node -> node.getString("name")).collect(Collectors.toSet());
  }

  /** The instance id of node {@code name}'s agent (GET /api/nodes). */
  private String agentOf(String name) {
    HttpResponse<Buffer> response = get("/api/nodes");
    assertEquals(200, response.statusCode(), response::bodyAsString);
    return response.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
      .filter(node -> name.equals(node.getString("name"))).map(node -> node.getString("agent")).findFirst().orElseThrow();
  }

  /** The products instances of GET /api/services (manager). */
  private List<JsonObject> productsInstances() {
    HttpResponse<Buffer> response = get("/api/services?size=100");
    assertEquals(200, response.statusCode(), response::bodyAsString);
    return response.bodyAsJsonObject().getJsonArray("items").stream()
      .map(JsonObject.class::cast)
      .filter(instance -> "products".equals(instance.getString("service")))
      .toList();
  }

  private static String errorCode(HttpResponse<Buffer> response) {
    JsonObject body = parseJson(response.bodyAsString());
    JsonObject error = body == null ? null : body.getJsonObject("error");
    return error == null ? null : error.getString("code");
  }

  private void assertFast503() {
    long sent = System.nanoTime();
    HttpResponse<Buffer> response = get(productPath());
    long tookMs = (System.nanoTime() - sent) / 1_000_000;
    assertEquals(503, response.statusCode(), response::bodyAsString);
    assertEquals("SERVICE_UNAVAILABLE", errorCode(response), response::bodyAsString);
    assertTrue(tookMs < FAST_ANSWER_MS, "with no instance left the 503 must come at once, took " + tookMs + " ms");
  }

  // ---- waiting and measuring ------------------------------------------------------------------------

  /** Polls {@code condition} until it holds, failing after {@code limit} or at once when a node died unexpectedly (see Nodes). */
  private Duration awaitUntil(String description, Duration limit, long sinceNanos, BooleanSupplier condition) {
    return nodes.awaitUntil(description, limit, sinceNanos, condition);
  }

  private void measure(String what, Duration took) {
    timings.measure(what, took);
  }

  private static Duration elapsedSince(long startNanos) {
    return Nodes.elapsedSince(startNanos);
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  private static void pause(long millis) {
    Nodes.pause(millis);
  }

  private static JsonObject parseJson(String text) {
    return Nodes.parseJson(text);
  }

  /** The steps share one cluster: once one fails, the later ones would only fail for the same reason. */
  static class SkipAfterFirstFailure implements TestWatcher, ExecutionCondition {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SkipAfterFirstFailure.class);

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      context.getParent().orElseThrow().getStore(NAMESPACE).put("failed", context.getDisplayName());
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (context.getTestMethod().isEmpty()) {
        return ConditionEvaluationResult.enabled("the class runs");
      }
      String failed = context.getParent().orElseThrow().getStore(NAMESPACE).get("failed", String.class);
      return failed == null ? ConditionEvaluationResult.enabled("no earlier step failed")
        : ConditionEvaluationResult.disabled("skipped: the earlier step " + failed + " failed");
    }
  }
}
