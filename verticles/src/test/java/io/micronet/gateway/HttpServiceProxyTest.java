package io.micronet.gateway;

import io.micronet.node.NodeVerticle;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Tokens;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plain HTTP services announced in a node's conf ({@code discovery.httpEndpoints}) and listed in the gateway's
 * ({@code gateway.httpEndpoints}) are fronted by the gateway like the event-bus services: access rule,
 * round-robin, per-instance breaker, retry of reads. Announced but not listed: not fronted. Only JSON comes back.
 */
class HttpServiceProxyTest {

  private static final String SECRET = "proxy-test-" + UUID.randomUUID();

  private static Vertx vertx;
  private static WebClient client;
  private static int gatewayPort;
  private static int healthyPort;
  private static int brokenPort;
  private static int htmlPort;
  private static int hiddenPort;
  private static String clientToken;
  private static String managerToken;

  @BeforeAll
  static void start(@TempDir Path dataDir) throws IOException {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    healthyPort = listen(vertx.createHttpServer().requestHandler(req -> req.response()
      .putHeader("Content-Type", "application/json")
      .end(new JsonObject()
        .put("path", req.path())
        .put("query", req.query())
        .put("requestId", req.getHeader("x-request-id"))
        .put("callerRole", req.getHeader("x-caller-role"))
        .encode())));
    brokenPort = listen(vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(500).end("broken")));
    htmlPort = listen(vertx.createHttpServer().requestHandler(req -> req.response()
      .putHeader("Content-Type", "text/html").end("<script>alert(document.cookie)</script>")));
    hiddenPort = listen(vertx.createHttpServer().requestHandler(req -> req.response()
      .putHeader("Content-Type", "application/json").end("{\"secret\":true}")));
    gatewayPort = freePort();
    JsonObject conf = new JsonObject()
      .put("node", new JsonObject().put("verticles", List.of("gateway")))
      .put("http", new JsonObject().put("port", gatewayPort))
      .put("storage", new JsonObject().put("dataDir", dataDir.toString()))
      .put("security", new JsonObject().put("jwtSecret", SECRET))
      .put("breaker", new JsonObject().put("maxFailures", 2).put("resetTimeoutMs", 60_000))
      // the node announces four endpoints; the gateway fronts the three its own list names
      .put("discovery", new JsonObject().put("httpEndpoints", new JsonArray()
        .add(endpoint(healthyPort))
        .add(endpoint(brokenPort))
        .add(endpoint("pages", htmlPort))
        .add(endpoint("hidden", hiddenPort))))
      .put("gateway", new JsonObject().put("httpEndpoints", new JsonArray()
        .add(endpoint(healthyPort))
        .add(endpoint(brokenPort))
        .add(endpoint("pages", htmlPort))));
    vertx.deployVerticle(new NodeVerticle(), new DeploymentOptions().setConfig(MicronetConfig.load(conf, Map.of()).json())).await();
    Tokens tokens = Tokens.withSecret(vertx, SECRET);
    clientToken = tokens.issue(new Caller("c1", "carla", Caller.CLIENT), 600);
    managerToken = tokens.issue(new Caller("m1", "mona", Caller.MANAGER), 600);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void theServiceIsReachedBelowItsRootWithTheCallersIdentity() {
    HttpResponse<Buffer> anonymous = get("/api/legacy/items?colour=red", null);
    assertEquals(401, anonymous.statusCode());

    for (int i = 0; i < 6; i++) {
      HttpResponse<Buffer> response = get("/api/legacy/items?colour=red", clientToken);
      assertEquals(200, response.statusCode(), "reads are retried on the healthy instance");
      JsonObject body = response.bodyAsJsonObject();
      assertEquals("/v1/items", body.getString("path"));
      assertEquals("colour=red", body.getString("query"));
      assertEquals(response.getHeader("X-Request-Id"), body.getString("requestId"));
      assertEquals("client", body.getString("callerRole"));
    }

    JsonArray instances = get("/api/services", managerToken).bodyAsJsonObject().getJsonArray("items");
    // the three endpoints this gateway fronts, and the node's agent
    assertEquals(4, instances.size(), instances.encode());
    assertEquals(1, instances.stream().filter(i -> "node".equals(((JsonObject) i).getString("service"))).count(), instances.encode());
    for (Object item : instances) {
      JsonObject instance = (JsonObject) item;
      if (!instance.getString("service").equals("legacy")) {
        continue;
      }
      String expected = instance.getString("address").endsWith(":" + brokenPort + "/v1") ? "OPEN" : "CLOSED";
      assertEquals(expected, instance.getString("breaker"), instance.encode());
      assertEquals("http", instance.getString("kind"));
    }
  }

  @Test
  void anEndpointAnnouncedButNotListedByTheGatewayIsNotRouted() {
    // the same node's listed endpoints are routed: the record reached this gateway, it is the list that decides
    assertEquals(200, get("/api/legacy/items", clientToken).statusCode());
    HttpResponse<Buffer> hidden = get("/api/hidden/anything", managerToken);
    assertEquals(404, hidden.statusCode(), hidden.bodyAsString());
    assertEquals("NOT_FOUND", hidden.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  @Test
  void anAnswerThatIsNotJsonBecomesA502ContractError() {
    HttpResponse<Buffer> response = get("/api/pages/index", clientToken);
    assertEquals(502, response.statusCode(), response.bodyAsString());
    assertTrue(response.getHeader("Content-Type").startsWith("application/json"), response.getHeader("Content-Type"));
    assertEquals("nosniff", response.getHeader("X-Content-Type-Options"));
    assertEquals("BAD_GATEWAY", response.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertFalse(response.bodyAsString().contains("<script>"));
  }

  @Test
  void anUnknownServiceIsA404() {
    HttpResponse<Buffer> response = get("/api/nothing-here/x", clientToken);
    assertEquals(404, response.statusCode());
    assertEquals("NOT_FOUND", response.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  private static HttpResponse<Buffer> get(String path, String token) {
    var request = client.get(gatewayPort, "127.0.0.1", path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return request.send().await();
  }

  private static JsonObject endpoint(int port) {
    return endpoint("legacy", port);
  }

  private static JsonObject endpoint(String name, int port) {
    return new JsonObject().put("name", name).put("host", "127.0.0.1").put("port", port).put("root", "/v1").put("access", "any");
  }

  private static int listen(HttpServer server) {
    return server.listen(0, "127.0.0.1").await().actualPort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
