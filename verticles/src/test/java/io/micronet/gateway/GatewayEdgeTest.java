package io.micronet.gateway;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.discovery.InstanceRecords;
import io.micronet.shared.discovery.NodeIdentity;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Tokens;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.servicediscovery.ServiceDiscovery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static io.micronet.gateway.AllInOne.HOST;
import static io.micronet.gateway.AllInOne.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's edge, through real HTTP on gateways alone (no services but a users instance that records what the
 * gateway sends it; the real throttle behind a proxy: UsersAllInOneTest): security headers on every answer, who
 * may read /metrics, the management port, the client's address behind a trusted proxy (rate limit, login throttle)
 * and not from anyone else, and the idle timeout.
 */
class GatewayEdgeTest {

  private static final String SECRET = "edge-test-" + UUID.randomUUID();
  /** Gateways that each show one thing: defaults; behind a proxy on this host; a tiny rate limit; a short idle timeout. */
  private static int plainPort;
  private static int proxiedPort;
  private static int managementPort;
  private static int limitedPort;
  private static int idlePort;

  private static Vertx vertx;
  private static WebClient client;
  private static ServiceDiscovery discovery;
  private static final BlockingQueue<String> loginClientAddresses = new ArrayBlockingQueue<>(16);
  private static String managerToken;
  private static String clientToken;

  @BeforeAll
  static void start(@TempDir Path dataDir) {
    vertx = AllInOne.metricsVertx();
    client = WebClient.create(vertx);
    JsonObject tinyLimit = new JsonObject().put("requestsPerSecond", 1).put("burst", 3);
    plainPort = gateway(dataDir, new JsonObject());
    managementPort = AllInOne.freePort();
    proxiedPort = gateway(dataDir, new JsonObject()
      .put("gateway", new JsonObject().put("trustedProxies", new JsonArray().add("127.0.0.0/8")).put("rateLimit", tinyLimit))
      .put("management", new JsonObject().put("port", managementPort)));
    limitedPort = gateway(dataDir, new JsonObject().put("gateway", new JsonObject().put("rateLimit", tinyLimit)));
    idlePort = gateway(dataDir, new JsonObject().put("http", new JsonObject().put("idleTimeoutSeconds", 1)));

    Tokens tokens = Tokens.withSecret(vertx, SECRET);
    managerToken = tokens.issue(new Caller("m1", "mona", Caller.MANAGER), 600);
    clientToken = tokens.issue(new Caller("c1", "carla", Caller.CLIENT), 600);

    // a users instance that only notes which client address the gateway passed on with a login
    String address = InstanceRecords.address("users", "recorder");
    vertx.eventBus().consumer(address, message -> {
      loginClientAddresses.offer(String.valueOf(message.headers().get(Envelope.CLIENT_ADDRESS)));
      message.reply(new JsonObject().put("token", "t"));
    }).completion().await();
    discovery = ServiceDiscovery.create(vertx);
    discovery.publish(InstanceRecords.eventBusInstance("users", "recorder", NodeIdentity.nodeId(vertx), address, "test")).await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static int gateway(Path dataDir, JsonObject overrides) {
    int port = AllInOne.freePort();
    JsonObject given = new JsonObject()
      .put("http", new JsonObject().put("host", HOST).put("port", port))
      .put("storage", new JsonObject().put("dataDir", dataDir.toString()))
      .put("security", new JsonObject().put("jwtSecret", SECRET));
    JsonObject config = MicronetConfig.load(given.mergeIn(overrides, true), Map.of()).json();
    vertx.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config)).await();
    return port;
  }

  // ---- security headers ---------------------------------------------------------------------------

  @Test
  void everyAnswerCarriesTheSecurityHeaders() {
    List<HttpResponse<Buffer>> responses = List.of(
      get(plainPort, "/health").send().await(),
      get(plainPort, "/no/such/page").send().await(),
      get(plainPort, "/docs").send().await(),
      get(plainPort, "/docs.js").send().await(),
      get(plainPort, "/").send().await(),
      get(plainPort, "/openapi.json").send().await(),
      get(plainPort, "/api/products").send().await(),
      get(plainPort, "/api/users/me").send().await(),
      client.request(HttpMethod.DELETE, plainPort, HOST, "/api/products").send().await(),
      get(managementPort, "/metrics").send().await(),
      get(managementPort, "/elsewhere").send().await());
    for (HttpResponse<Buffer> response : responses) {
      String what = response.statusCode() + " " + response.bodyAsString().substring(0, Math.min(80, response.bodyAsString().length()));
      assertEquals("nosniff", response.getHeader("X-Content-Type-Options"), what);
      assertEquals("DENY", response.getHeader("X-Frame-Options"), what);
      assertEquals("no-referrer", response.getHeader("Referrer-Policy"), what);
      String csp = response.getHeader("Content-Security-Policy");
      assertNotNull(csp, what);
      for (String directive : List.of("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'")) {
        assertTrue(csp.contains(directive), csp);
      }
      assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
    }
  }

  @Test
  void thePagesRunNoInlineScriptAndSwaggerUiKeepsNoToken() {
    Pattern inline = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>|<style|\\son[a-z]+=", Pattern.CASE_INSENSITIVE);
    for (String page : List.of("/docs", "/")) {
      String html = get(plainPort, page).send().await().bodyAsString();
      assertFalse(inline.matcher(html).find(), "the policy would block an inline script or style on " + page + ": " + html);
    }
    String init = get(plainPort, "/docs.js").send().await().bodyAsString();
    assertTrue(init.contains("persistAuthorization: false"), init);
    assertFalse(init.contains("persistAuthorization: true"), init);
    assertEquals(200, get(plainPort, "/js/app.js").send().await().statusCode());
    assertEquals(200, get(plainPort, "/css/app.css").send().await().statusCode());
  }

  // ---- /metrics -------------------------------------------------------------------------------------

  @Test
  void metricsOnTheMainPortAnswerADirectLoopbackCallerOrAManager() {
    HttpResponse<Buffer> direct = get(plainPort, "/metrics").send().await();
    assertEquals(200, direct.statusCode(), direct.bodyAsString());
    assertTrue(direct.bodyAsString().contains("vertx_http_server"), "Prometheus text");

    // what a reverse proxy on this host looks like: loopback, with a forwarding header
    for (String header : List.of("X-Forwarded-For", "Forwarded", "X-Real-IP")) {
      assertError(get(plainPort, "/metrics").putHeader(header, "203.0.113.5").send().await(), 403, "FORBIDDEN");
    }
    HttpResponse<Buffer> manager = get(plainPort, "/metrics").putHeader("X-Forwarded-For", "203.0.113.5")
      .bearerTokenAuthentication(managerToken).send().await();
    assertEquals(200, manager.statusCode(), manager.bodyAsString());
    assertError(get(plainPort, "/metrics").bearerTokenAuthentication(clientToken).send().await(), 403, "FORBIDDEN");
    assertError(get(plainPort, "/metrics").bearerTokenAuthentication("not.a.token").send().await(), 401, "UNAUTHORIZED");
    assertError(get(plainPort, "/metrics").putHeader("Authorization", "Basic bWU6cHc=").send().await(), 401, "UNAUTHORIZED");

    // our own proxy is on loopback: a request from it is an outside request, even without a header
    assertError(get(proxiedPort, "/metrics").send().await(), 403, "FORBIDDEN");
    assertEquals(200, get(proxiedPort, "/metrics").bearerTokenAuthentication(managerToken).send().await().statusCode());
  }

  @Test
  void theManagementPortServesMetricsAndHealthOnly() {
    HttpResponse<Buffer> metrics = get(managementPort, "/metrics").putHeader("X-Forwarded-For", "203.0.113.5").send().await();
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.bodyAsString().contains("vertx_http_server"), "Prometheus text");
    HttpResponse<Buffer> health = get(managementPort, "/health").send().await();
    assertEquals(200, health.statusCode());
    assertEquals("UP", health.bodyAsJsonObject().getString("status"));
    assertError(get(managementPort, "/api/products").send().await(), 404, "NOT_FOUND");
    assertError(get(managementPort, "/status").send().await(), 404, "NOT_FOUND");
  }

  // ---- the client's address -------------------------------------------------------------------------

  @Test
  void behindATrustedProxyEachForwardedClientHasItsOwnBucket() {
    exhaust(proxiedPort, "198.51.100.1");
    HttpResponse<Buffer> other = get(proxiedPort, "/health").putHeader("X-Forwarded-For", "198.51.100.2").send().await();
    assertEquals(200, other.statusCode(), "another client behind the proxy is not limited by the first");
  }

  @Test
  void fromAnUntrustedPeerAForgedHeaderBuysNoFreshBucket() {
    exhaust(limitedPort, "198.51.100.1");
    int allowed = 0;
    for (int i = 0; i < 5; i++) {
      int status = get(limitedPort, "/health").putHeader("X-Forwarded-For", "198.51.100." + (10 + i)).send().await().statusCode();
      allowed += status == 200 ? 1 : 0;
    }
    System.out.println("forged X-Forwarded-For from an untrusted peer, 5 requests after the bucket ran dry: " + allowed + " allowed");
    // had the header been believed, all five would have had a fresh bucket; the refill (1/s) may let one or so through
    assertTrue(allowed < 5, allowed + " of 5 allowed");
  }

  @Test
  void theLoginThrottleSeesTheForwardedClient() throws InterruptedException {
    JsonObject login = new JsonObject().put("username", "mona").put("password", "secret-secret");
    HttpResponse<Buffer> response = AllInOne.poll(() -> client.post(proxiedPort, HOST, "/api/auth/login")
        .putHeader("X-Forwarded-For", "6.6.6.6, 198.51.100.7").sendJsonObject(login).await(),
      r -> r.statusCode() == 200);
    assertEquals(200, response.statusCode());
    String passed = null;
    for (String seen = loginClientAddresses.poll(10, TimeUnit.SECONDS); seen != null; seen = loginClientAddresses.poll()) {
      passed = seen;
    }
    assertEquals("198.51.100.7", passed);

    // the same header straight from an untrusted peer: the peer's own address
    AllInOne.poll(() -> client.post(plainPort, HOST, "/api/auth/login").putHeader("X-Forwarded-For", "198.51.100.7")
      .sendJsonObject(login).await(), r -> r.statusCode() == 200);
    assertEquals("127.0.0.1", loginClientAddresses.poll(10, TimeUnit.SECONDS));
  }

  // ---- idle timeout ---------------------------------------------------------------------------------

  @Test
  void anIdleConnectionIsClosed() throws Exception {
    NetSocket socket = vertx.createNetClient().connect(idlePort, HOST).await();
    Promise<Void> closed = Promise.promise();
    long start = System.nanoTime();
    socket.closeHandler(v -> closed.tryComplete());
    // bounded: a server without an idle timeout keeps the connection, and this fails instead of hanging
    closed.future().await(AllInOne.HANG_GUARD_MS, TimeUnit.MILLISECONDS);
    System.out.printf("idle connection closed by the gateway after %.1f s (idleTimeoutSeconds 1)%n", (System.nanoTime() - start) / 1e9);

    NetSocket other = vertx.createNetClient().connect(plainPort, HOST).await();
    Promise<Void> otherClosed = Promise.promise();
    other.closeHandler(v -> otherClosed.tryComplete());
    Thread.sleep(2500);
    assertFalse(otherClosed.future().isComplete(), "the default (60 s) keeps a connection idle for 2.5 s");
    other.close();
  }

  // ---- helpers --------------------------------------------------------------------------------------

  private static HttpRequest<Buffer> get(int port, String uri) {
    return client.get(port, HOST, uri).timeout(AllInOne.HANG_GUARD_MS);
  }

  /** Sends as one forwarded client until the gateway says 429 (bounded). */
  private static void exhaust(int port, String forwardedClient) {
    for (int i = 0; i < 50; i++) {
      HttpResponse<Buffer> response = get(port, "/health").putHeader("X-Forwarded-For", forwardedClient).send().await();
      if (response.statusCode() == 429) {
        assertNotNull(response.getHeader("Retry-After"));
        return;
      }
    }
    throw new AssertionError("the rate limit never answered 429");
  }
}
