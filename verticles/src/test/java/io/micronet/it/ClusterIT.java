package io.micronet.it;

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
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real cluster over loopback: every node is a separate JVM started from the built jar
 * ({@code java -jar micronet.jar -cluster -cluster-host 127.0.0.1}), the products nodes share the test
 * PostgreSQL, and the test only talks to the gateway on node A, as a user would.
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

  /** The JVM flags of scripts/micronet (Hazelcast on Java 17+, logging through SLF4J). */
  private static final List<String> JVM_FLAGS = List.of(
    "--add-modules", "java.se",
    "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens", "java.base/java.lang=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens", "java.management/sun.management=ALL-UNNAMED",
    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
    "-Dvertx.logger-delegate-factory-class-name=io.vertx.core.logging.SLF4JLogDelegateFactory",
    "-Dhazelcast.logging.type=slf4j");

  /** One node JVM: its process, its log, its environment (to restart it alike). */
  record Node(String name, Process process, Path log, Map<String, String> env, long startedNanos) {

    boolean alive() {
      return process.isAlive();
    }

    /** This node's cluster node id, as it logs it once started ("node started", field nodeId). */
    Optional<String> clusterNodeId() {
      return logLines().filter(line -> line.startsWith("{"))
        .map(ClusterIT::parseJson)
        .filter(json -> json != null && "node started".equals(json.getString("message")))
        .map(json -> json.getString("nodeId"))
        .findFirst();
    }

    Stream<String> logLines() {
      try {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream();
      } catch (IOException e) {
        return Stream.empty();
      }
    }

    String logTail() {
      List<String> lines = logLines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
  }

  private Path workDir;
  private Path jar;
  private String dbUrl;
  private String clusterName;
  private String jwtSecret;
  private String managerToken;
  private int gatewayPort;
  private Vertx vertx;
  private WebClient http;
  private Thread killOnExit;
  private final List<Node> nodes = new CopyOnWriteArrayList<>();
  /** Nodes the test killed or stopped on purpose: their exit is expected. */
  private final Set<Node> stoppedByTest = ConcurrentHashMap.newKeySet();
  private final Map<String, Duration> timings = new LinkedHashMap<>();

  private Node a;
  private Node b;
  private Node c;
  private JsonObject product;
  private String firstBInstanceId;

  @BeforeAll
  void prepare() throws IOException {
    dbUrl = System.getenv("MICRONET_TEST_DB_URL");
    if (dbUrl == null || dbUrl.isBlank()) {
      fail("MICRONET_TEST_DB_URL is not set: the cluster test needs a PostgreSQL shared by the products nodes. "
        + "Run the tests with scripts/test (it starts a throwaway PostgreSQL), or set "
        + "MICRONET_TEST_DB_URL=\"$(scripts/test-postgres start)\" before mvn verify.");
    }
    String builtJar = System.getProperty("micronet.jar");
    assertTrue(builtJar != null && Files.isRegularFile(Path.of(builtJar)),
      "system property micronet.jar must name the built fat jar (set by maven-failsafe), got " + builtJar);
    workDir = Path.of(builtJar).toAbsolutePath().getParent().resolve("cluster-it");
    deleteRecursively(workDir);
    Files.createDirectories(workDir);
    // a private copy: a concurrent `mvn package` may rewrite the built jar while the nodes run
    jar = Files.copy(Path.of(builtJar), workDir.resolve("micronet.jar"), StandardCopyOption.REPLACE_EXISTING);

    String runId = UUID.randomUUID().toString().substring(0, 8);
    clusterName = "it-" + runId;
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    jwtSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    gatewayPort = freePort();
    product = new JsonObject()
      .put("name", "cluster-it " + runId)
      .put("description", "made by ClusterIT through the gateway on node A")
      .put("category", "cluster-it")
      .put("price", 12.34)
      .put("stock", 7);

    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    managerToken = Tokens.withSecret(vertx, jwtSecret).issue(new Caller("it-manager", "it-manager", Caller.MANAGER), 3600);
    killOnExit = new Thread(this::killAll, "cluster-it-kill-nodes");
    Runtime.getRuntime().addShutdownHook(killOnExit);
    System.out.println("[cluster-it] cluster " + clusterName + ", gateway port " + gatewayPort + ", node logs in " + workDir);
  }

  @AfterAll
  void tearDown() throws IOException {
    killAll();
    if (killOnExit != null) {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    }
    if (http != null) {
      http.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (!timings.isEmpty()) {
      String report = timings.entrySet().stream()
        .map(e -> String.format("%-52s %6d ms", e.getKey(), e.getValue().toMillis()))
        .collect(Collectors.joining("\n"));
      System.out.println("[cluster-it] measured times:\n" + report);
      Files.writeString(workDir.resolve("timings.txt"), report + "\n");
    }
  }

  @Test
  @Order(1)
  void gatewayOnNodeAServesProductsFromNodeB() {
    a = startNode("a", "gateway", Map.of("MICRONET_HTTP_PORT", Integer.toString(gatewayPort)));
    measure("A start -> gateway answers /health",
      awaitUntil("the gateway on A answers GET /health", NODE_START_LIMIT, a.startedNanos(), () -> get("/health").statusCode() == 200));

    b = startNode("b", "products", Map.of());
    measure("B start -> its record visible at A",
      awaitUntil("A's /status counts 1 products instance", NODE_START_LIMIT, b.startedNanos(), () -> productsOnStatus() == 1));

    JsonObject sent = product;
    HttpResponse<Buffer> created = send(http.post(gatewayPort, "127.0.0.1", "/api/products").bearerTokenAuthentication(managerToken), sent);
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
    b = startNode("b-restarted", "products", b.env());
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
    c = startNode("c", "products", Map.of());
    measure("C start -> its record visible at A",
      awaitUntil("/api/services lists 2 products instances with closed circuits", NODE_START_LIMIT, c.startedNanos(),
        () -> productsInstances().stream().filter(i -> "CLOSED".equals(i.getString("breaker"))).count() == 2));

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

    awaitUntil("/api/services lists only C's products instance", DEATH_LIMIT, killed, () -> {
      List<JsonObject> instances = productsInstances();
      return instances.size() == 1 && clusterNodeId(c).equals(instances.get(0).getString("node"));
    });
  }

  @Test
  @Order(5)
  void sigtermStopsAProductsNodeGracefully() throws InterruptedException {
    stoppedByTest.add(c);
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

  private Node startNode(String name, String verticles, Map<String, String> extraEnv) {
    Path log = workDir.resolve(name + ".log");
    Path dataDir = workDir.resolve("data").resolve(name);
    Map<String, String> env = new LinkedHashMap<>(Map.of(
      "MICRONET_VERTICLES", verticles,
      "MICRONET_CLUSTER_NAME", clusterName,
      "MICRONET_CLUSTER_MEMBERS", "127.0.0.1",
      "MICRONET_DATA_DIR", dataDir.toString(),
      "MICRONET_JWT_SECRET", jwtSecret,
      "MICRONET_DB_URL", dbUrl));
    env.putAll(extraEnv);

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.addAll(List.of("-jar", jar.toString(), "-cluster", "-cluster-host", "127.0.0.1"));
    try {
      Files.createDirectories(dataDir);
      ProcessBuilder builder = new ProcessBuilder(command)
        .directory(dataDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
      // nothing of the developer's own MicroNet settings leaks into the nodes
      builder.environment().keySet().removeIf(variable -> variable.startsWith("MICRONET_"));
      builder.environment().putAll(env);
      Node node = new Node(name, builder.start(), log, Map.copyOf(env), System.nanoTime());
      nodes.add(node);
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + name, e);
    }
  }

  /** SIGKILL, like kill -9: no shutdown hook, no unpublishing. Returns when the process is gone. */
  private long kill9(Node node) {
    stoppedByTest.add(node);
    long killed = System.nanoTime();
    node.process().destroyForcibly();
    try {
      assertTrue(node.process().waitFor(10, TimeUnit.SECONDS), "node " + node.name() + " did not die on SIGKILL");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return killed;
  }

  private void killAll() {
    for (Node node : nodes) {
      node.process().destroyForcibly();
    }
    for (Node node : nodes) {
      try {
        node.process().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
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
    return send(http.get(gatewayPort, "127.0.0.1", path).bearerTokenAuthentication(managerToken), null);
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

  /** The products instances of GET /api/services (manager). */
  private List<JsonObject> productsInstances() {
    HttpResponse<Buffer> response = get("/api/services");
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

  /**
   * Polls {@code condition} until it holds, at most {@code limit} after {@code sinceNanos}; returns the
   * time from {@code sinceNanos} to success. An exception in the condition (say the gateway is not
   * listening yet) counts as "not yet"; an assertion failure in it fails at once, as does the death of a
   * node the test did not kill.
   */
  private Duration awaitUntil(String description, Duration limit, long sinceNanos, BooleanSupplier condition) {
    long deadline = sinceNanos + limit.toNanos();
    Exception lastError = null;
    while (true) {
      assertNoNodeDiedUnexpectedly();
      try {
        if (condition.getAsBoolean()) {
          return elapsedSince(sinceNanos);
        }
      } catch (Exception e) { // Future.await() rethrows checked ones too, e.g. ConnectException
        lastError = e;
      }
      if (System.nanoTime() > deadline) {
        fail("not within " + limit.toSeconds() + " s: " + description
          + (lastError == null ? "" : " (last error: " + lastError + ")") + "; node logs in " + workDir);
      }
      pause(100);
    }
  }

  private void assertNoNodeDiedUnexpectedly() {
    for (Node node : nodes) {
      if (!node.alive() && !stoppedByTest.contains(node)) {
        fail("node " + node.name() + " exited with status " + node.process().exitValue() + "; its log ends with:\n" + node.logTail());
      }
    }
  }

  private void measure(String what, Duration took) {
    timings.put(what, took);
    System.out.printf("[cluster-it] %s: %d ms%n", what, took.toMillis());
  }

  private static Duration elapsedSince(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
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
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- small utilities -----------------------------------------------------------------------------

  static JsonObject parseJson(String text) {
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted((x, y) -> y.compareTo(x)).toList()) {
        Files.delete(path);
      }
    }
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
