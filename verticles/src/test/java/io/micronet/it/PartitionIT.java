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
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static io.micronet.it.Nodes.certs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A network partition between two hosts of the test bed ({@link NetBed}: network namespaces on a bridge; skipped
 * where none can be made): the gateway on host 1, products on host 2 (embedded storage), event-bus TLS between them
 * (certificates from {@code scripts/micronet certs}). The test talks to host 1's gateway at 10.77.0.11 as a user
 * would. Host 2's link is cut — nothing closed, packets just vanish — for 10 s and then for 60 s: host 1 must answer a
 * fast 503 once Hazelcast drops host 2, and after the link returns the halves must merge and every request be
 * answered 200 again within 30 s, with exactly the one products instance there was and both node agents listed.
 * The measured times are printed and written to {@code target/partition-it/timings.txt} (not asserted, except the
 * issue's 30 s to heal); node logs in {@code target/partition-it/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ClusterIT.SkipAfterFirstFailure.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PartitionIT {

  private static final int GATEWAY_PORT = 8000;
  /** Hang guard for a node JVM from launch to serving (a loaded 2-core machine). */
  private static final Duration NODE_START_LIMIT = Duration.ofSeconds(90);
  /** After the cut: Hazelcast drops a silent member after 5 s without heartbeats; this only guards against a hang. */
  private static final Duration DETECTION_LIMIT = Duration.ofSeconds(30);
  /** The issue's requirement: served again within 30 s of the link's return. */
  private static final Duration HEAL_LIMIT = Duration.ofSeconds(30);
  /** "Every request 200 again": this many in a row. */
  private static final int HEALED_IN_A_ROW = 10;
  /** A 503 decided without waiting for a timeout. */
  private static final long FAST_ANSWER_MS = 1_000;
  private static final long REQUEST_TIMEOUT_MS = 10_000;

  private NetBed bed;
  private Nodes nodes;
  private Path workDir;
  private Path certs;
  private String clusterName;
  private String jwtSecret;
  private String managerToken;
  private Vertx vertx;
  private WebClient http;
  private final Timings timings = new Timings("partition-it");

  private Node host1;
  private Node host2;
  private JsonObject product;

  @BeforeAll
  void prepare() throws Exception {
    bed = NetBed.up(2); // skips the class where no bed can be made
    nodes = Nodes.create("partition-it");
    workDir = nodes.workDir();
    String runId = UUID.randomUUID().toString().substring(0, 8);
    clusterName = "partition-" + runId;
    jwtSecret = Nodes.randomSecret();
    certs = workDir.resolve("certs");
    certs("ca", certs.toString());
    certs("node", certs.toString(), "h1", bed.address(1));
    certs("node", certs.toString(), "h2", bed.address(2));
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    managerToken = Tokens.withSecret(vertx, jwtSecret).issue(new Caller("it-manager", "it-manager", Caller.MANAGER), 3600);
    System.out.println("[partition-it] cluster " + clusterName + ", members " + bed.members() + ", node logs in " + workDir);
  }

  @AfterAll
  void tearDown() throws IOException {
    Closer.closeAll(nodes, http == null ? null : http::close, vertx == null ? null : () -> vertx.close().await(), bed);
    timings.writeTo(workDir);
  }

  @Test
  @Order(1)
  void theClusterFormsAcrossHosts() {
    host1 = startNode(1, "gateway", Map.of("MICRONET_HTTP_PORT", Integer.toString(GATEWAY_PORT)));
    host2 = startNode(2, "products", Map.of());
    measure("host 1 start -> its gateway answers /health",
      awaitUntil("the gateway on host 1 answers GET /health", NODE_START_LIMIT, host1.startedNanos(), () -> get("/health").statusCode() == 200));
    measure("host 2 start -> host 1's gateway serves products",
      awaitUntil("GET /api/products answers 200 at host 1", NODE_START_LIMIT, host2.startedNanos(), () -> get("/api/products").statusCode() == 200));

    JsonObject sent = new JsonObject().put("name", "partition-it " + clusterName).put("description", "served across hosts")
      .put("category", "partition-it").put("price", 9.5).put("stock", 3);
    HttpResponse<Buffer> created = send(http.post(GATEWAY_PORT, bed.address(1), "/api/products").bearerTokenAuthentication(managerToken), sent);
    assertEquals(201, created.statusCode(), created::bodyAsString);
    product = created.bodyAsJsonObject();
    assertEquals(200, get(productPath()).statusCode());
    assertOneProductsInstanceOnHost2();
    awaitUntil("GET /api/nodes lists h1 and h2", NODE_START_LIMIT, System.nanoTime(), () -> nodeNames().equals(Set.of("h1", "h2")));
  }

  @Test
  @Order(2)
  void aTenSecondCutHeals() {
    partition("10 s", Duration.ofSeconds(10));
  }

  @Test
  @Order(3)
  void aSixtySecondCutHeals() {
    partition("60 s", Duration.ofSeconds(60));
  }

  /** Cuts host 2 for {@code length}: a fast 503 at host 1 once host 2 is dropped, every request 200 after the heal. */
  private void partition(String label, Duration length) {
    long cut = bed.cut(2);
    List<Integer> answers = new ArrayList<>();
    Duration first503 = awaitUntil("a fast 503 SERVICE_UNAVAILABLE at host 1 after host 2's cut", DETECTION_LIMIT, cut, () -> {
      long sent = System.nanoTime();
      HttpResponse<Buffer> response = get(productPath());
      long tookMs = (System.nanoTime() - sent) / 1_000_000;
      answers.add(response.statusCode());
      // on the way: 504 (a call that went to the silent host timed out) or 503 (circuit open), never a 500
      assertTrue(response.statusCode() == 503 || response.statusCode() == 504,
        () -> "while host 2 is cut off GET " + productPath() + " must answer 503 or 504, got " + response.statusCode() + " " + response.bodyAsString());
      return response.statusCode() == 503 && tookMs < FAST_ANSWER_MS && "SERVICE_UNAVAILABLE".equals(errorCode(response));
    });
    measure(label + " cut -> first fast 503 at host 1 (after " + answers.stream().filter(s -> s == 504).count() + " x 504)", first503);

    // the rest of the cut: host 1 has nothing to route products to, and says so at once every time
    long slowestMs = 0;
    while (System.nanoTime() - cut < length.toNanos()) {
      long sent = System.nanoTime();
      HttpResponse<Buffer> response = get(productPath());
      slowestMs = Math.max(slowestMs, (System.nanoTime() - sent) / 1_000_000);
      assertEquals(503, response.statusCode(), () -> "while split: " + response.bodyAsString());
      nodes.assertNoNodeDiedUnexpectedly();
      Nodes.pause(200);
    }
    measure(label + " cut -> slowest 503 while split", Duration.ofMillis(slowestMs));

    long restored = bed.restore(2);
    int[] inARow = {0};
    long[] firstOfRun = {0};
    awaitUntil(HEALED_IN_A_ROW + " GETs in a row answer 200 at host 1 after the link returned", HEAL_LIMIT, restored, () -> {
      long sent = System.nanoTime();
      int status = get(productPath()).statusCode();
      if (status != 200) {
        inARow[0] = 0;
        return false;
      }
      if (inARow[0]++ == 0) {
        firstOfRun[0] = sent;
      }
      return inARow[0] >= HEALED_IN_A_ROW;
    });
    measure(label + " cut: restore -> every request 200 again", Duration.ofNanos(firstOfRun[0] - restored));
    measure(label + " cut: restore -> GET /api/nodes lists both hosts",
      awaitUntil("GET /api/nodes lists h1 and h2 after the heal", HEAL_LIMIT, restored, () -> nodeNames().equals(Set.of("h1", "h2"))));
    // both halves elected a reconciler while split: after the merge one of them leads, not both
    measure(label + " cut: restore -> one reconciler again", awaitUntil("exactly one node leads the reconciler after the heal",
      HEAL_LIMIT, restored, () -> reconcilers().size() == 1));
    // nothing doubled, nothing lost: the one products instance there was, on host 2
    assertOneProductsInstanceOnHost2();
    assertTrue(host2.logLines().anyMatch(line -> line.contains("cluster merged after a network partition"))
        || host1.logLines().anyMatch(line -> line.contains("cluster merged after a network partition")),
      "one of the halves logs that it merged");
  }

  // ---- nodes --------------------------------------------------------------------------------------

  private Node startNode(int host, String verticles, Map<String, String> extraEnv) {
    String name = "h" + host;
    Path dataDir = workDir.resolve("data").resolve(name);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MICRONET_VERTICLES", verticles);
    env.put("MICRONET_NODE_NAME", name);
    env.put("MICRONET_CLUSTER_NAME", clusterName);
    env.put("MICRONET_CLUSTER_MEMBERS", bed.members());
    env.put("MICRONET_DATA_DIR", dataDir.toString());
    env.put("MICRONET_JWT_SECRET", jwtSecret);
    env.putAll(Nodes.clusterTls(certs, name));
    env.putAll(extraEnv);
    return nodes.startOnHost(bed, host, name, dataDir, env);
  }

  private void assertOneProductsInstanceOnHost2() {
    List<JsonObject> instances = productsInstances();
    assertEquals(1, instances.size(), () -> "products instances: " + instances);
    assertEquals(host2.clusterNodeId().orElse("?"), instances.get(0).getString("node"), () -> "the products instance is host 2's: " + instances);
  }

  // ---- what a user sees through host 1's gateway ---------------------------------------------------

  private String productPath() {
    return "/api/products/" + product.getString("id");
  }

  private HttpResponse<Buffer> get(String path) {
    return send(http.get(GATEWAY_PORT, bed.address(1), path).bearerTokenAuthentication(managerToken), null);
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request, JsonObject body) {
    request.timeout(REQUEST_TIMEOUT_MS);
    return (body == null ? request.send() : request.sendJsonObject(body)).await();
  }

  private Set<String> nodeNames() {
    HttpResponse<Buffer> response = get("/api/nodes");
    if (response.statusCode() != 200) {
      return Set.of();
    }
    return response.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
      .map(node -> node.getString("name")).collect(Collectors.toSet());
  }

  /** The names of the nodes whose agent says it leads the reconciler (GET /api/nodes). */
  private List<String> reconcilers() {
    HttpResponse<Buffer> response = get("/api/nodes");
    if (response.statusCode() != 200) {
      return List.of("?", "?");
    }
    return response.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
      .filter(node -> node.getBoolean("reconciler", false)).map(node -> node.getString("name")).toList();
  }

  private List<JsonObject> productsInstances() {
    HttpResponse<Buffer> response = get("/api/services?size=100");
    assertEquals(200, response.statusCode(), response::bodyAsString);
    return response.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
      .filter(instance -> "products".equals(instance.getString("service"))).toList();
  }

  private static String errorCode(HttpResponse<Buffer> response) {
    JsonObject body = Nodes.parseJson(response.bodyAsString());
    JsonObject error = body == null ? null : body.getJsonObject("error");
    return error == null ? null : error.getString("code");
  }

  private Duration awaitUntil(String description, Duration limit, long sinceNanos, BooleanSupplier condition) {
    return nodes.awaitUntil(description, limit, sinceNanos, condition);
  }

  private void measure(String what, Duration took) {
    timings.measure(what, took);
  }
}
