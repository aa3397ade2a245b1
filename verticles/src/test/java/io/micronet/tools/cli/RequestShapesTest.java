package io.micronet.tools.cli;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the arguments turn into on the wire: method, path, query, JSON body and the bearer token, recorded by a
 * stand-in that answers every request with {@code {"ok":true}}. It checks the CLI's side only; what the platform
 * does with these requests is the all-in-one's and the lead's end-to-end test.
 */
class RequestShapesTest {

  record Seen(String method, String uri, String authorization, String body) {
  }

  @TempDir
  Path cache;

  private HttpServer server;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private String url;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
        exchange.getRequestHeaders().getFirst("Authorization"), body));
      byte[] reply = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, reply.length);
      exchange.getResponseBody().write(reply);
      exchange.close();
    });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Seen only(String... args) {
    Map<String, String> env = new HashMap<>(Map.of("XDG_CACHE_HOME", cache.toString(), "MICRONET_URL", url,
      "MICRONET_TOKEN", "the.env.token"));
    CliRunner.Result result = CliRunner.run(env, "", args);
    assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
    assertEquals(1, seen.size(), () -> "one request: " + seen);
    return seen.remove(0);
  }

  @Test
  void lifecycleCommands() {
    Seen start = only("start", "products");
    assertEquals("POST /api/services/products/start", start.method() + " " + start.uri());
    assertEquals(new JsonObject(), new JsonObject(start.body()));
    Seen stop = only("stop", "products", "node-b");
    assertEquals("POST /api/services/products/stop", stop.method() + " " + stop.uri());
    assertEquals(new JsonObject().put("node", "node-b"), new JsonObject(stop.body()));
    Seen scale = only("scale", "products", "3");
    assertEquals("POST /api/services/products/scale", scale.method() + " " + scale.uri());
    assertEquals(new JsonObject().put("instances", 3), new JsonObject(scale.body()));
    assertEquals("Bearer the.env.token", scale.authorization());
  }

  @Test
  void failureCommands() {
    Seen error = only("fail", "products", "error", "30", "--rate", "0.5");
    assertEquals("POST /api/services/products/failures", error.method() + " " + error.uri());
    assertEquals(new JsonObject().put("mode", "error").put("durationSeconds", 30).put("rate", 0.5), new JsonObject(error.body()));
    Seen range = only("fail", "orders", "LATENCY", "60", "--latency", "100-300", "--instance", "orders-1");
    assertEquals(new JsonObject().put("mode", "latency").put("durationSeconds", 60)
      .put("latencyMs", new JsonObject().put("min", 100).put("max", 300)).put("instanceId", "orders-1"), new JsonObject(range.body()));
    Seen fixed = only("fail", "orders", "latency", "5", "--latency", "250");
    assertEquals(250, new JsonObject(fixed.body()).getInteger("latencyMs"));
    Seen crash = only("fail", "users", "crash", "20");
    assertEquals(new JsonObject().put("mode", "crash").put("durationSeconds", 20), new JsonObject(crash.body()));
    Seen recover = only("recover", "users");
    assertEquals("DELETE /api/services/users/failures", recover.method() + " " + recover.uri());
  }

  @Test
  void readCommandsAndTheirQueries() {
    assertEquals("GET /api/nodes?size=100", line(only("nodes")));
    assertEquals("GET /api/metrics", line(only("metrics")));
    assertEquals("GET /api/metrics?service=products", line(only("metrics", "products")));
    assertEquals("GET /api/graph", line(only("health")));
    assertEquals("GET /api/activity?page=0&size=20", line(only("activity")));
    assertEquals("GET /api/activity?kind=failure&service=order%20s&page=2&size=5",
      line(only("activity", "--kind", "failure", "--service", "order s", "--size", "5", "--page", "2")));
    Seen odd = only("start", "a/b");
    assertEquals("/api/services/a%2Fb/start", odd.uri(), "a name cannot leave its path segment");
    Seen status = only("status");
    assertEquals("GET /status", line(status));
    assertEquals(null, status.authorization(), "status is public: no token is sent");
  }

  @Test
  void aTokenFlagBeatsTheEnvironmentAndJsonPrintsTheReplyAsItIs() {
    CliRunner.Result result = CliRunner.run(Map.of("XDG_CACHE_HOME", cache.toString(), "MICRONET_TOKEN", "the.env.token"),
      "", "--url", url + "/", "--token", "the.flag.token", "--json", "scale", "products", "2");
    assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
    assertEquals("{\"ok\":true}\n", result.out());
    assertEquals("Bearer the.flag.token", seen.get(0).authorization());
    assertTrue(seen.get(0).uri().startsWith("/api/"), "the trailing slash of --url is dropped");
  }

  private static String line(Seen seen) {
    return seen.method() + " " + seen.uri();
  }
}
