package io.micronet.gateway;

import io.micronet.alerts.AlertsVerticle;
import io.micronet.chatops.ChatopsVerticle;
import io.micronet.node.Metrics;
import io.micronet.orders.OrdersVerticle;
import io.micronet.products.ProductsVerticle;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Tokens;
import io.micronet.users.UsersVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The all-in-one node in this JVM, as the launcher builds it (Vert.x with Prometheus metrics), with the
 * users, orders, products, chatops and alerts services and the gateway deployed separately, so a test can take products away
 * and bring it back. The first manager account gets {@link #ADMIN_PASSWORD}.
 * Everything goes through real HTTP on a free loopback port. Also: token minting (ours and hand-crafted
 * bad ones), a small request builder and the contract's error-shape assertions.
 */
final class AllInOne implements AutoCloseable {

  static final String HOST = "127.0.0.1";
  /** Guards against a hang only (a test that waits this long has failed anyway); never a timing assertion. */
  static final long HANG_GUARD_MS = 30_000;
  /** The password of the {@code manager} account the users service creates on its first start. */
  static final String ADMIN_PASSWORD = "test-admin-" + UUID.randomUUID();
  static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  final Vertx vertx;
  final WebClient client;
  final int port;
  final String secret;
  final Tokens tokens;
  final JsonObject config;
  private String productsDeployment;

  private AllInOne(Vertx vertx, int port, String secret, JsonObject config) {
    this.vertx = vertx;
    this.port = port;
    this.secret = secret;
    this.config = config;
    this.tokens = Tokens.withSecret(vertx, secret);
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost(HOST).setDefaultPort(port)
      .setKeepAlive(true).setFollowRedirects(false));
  }

  /**
   * Starts the all-in-one with its data in {@code dataDir}; {@code overrides} is merged over the test
   * defaults (loopback, free HTTP and gRPC ports, a random JWT secret, embedded storage).
   */
  static AllInOne start(Path dataDir, JsonObject overrides) {
    Vertx vertx = metricsVertx();
    int port = freePort();
    String secret = randomSecret();
    JsonObject given = new JsonObject()
      .put("http", new JsonObject().put("host", HOST).put("port", port))
      .put("grpc", new JsonObject().put("port", freePort()))
      .put("storage", new JsonObject().put("dataDir", dataDir.toString()).putNull("dbUrl"))
      .put("security", new JsonObject().put("jwtSecret", secret).put("adminPassword", ADMIN_PASSWORD))
      .put("node", new JsonObject().put("shutdownGraceSeconds", 5))
      .mergeIn(overrides, true);
    // no environment: a MICRONET_* variable of the machine running the tests must not change what is tested
    JsonObject config = MicronetConfig.load(given, Map.of()).json();
    AllInOne app = new AllInOne(vertx, port, secret, config);
    try {
      await(vertx.deployVerticle(new UsersVerticle(), new DeploymentOptions().setConfig(config)));
      app.deployProducts();
      await(vertx.deployVerticle(new OrdersVerticle(), new DeploymentOptions().setConfig(config)));
      await(vertx.deployVerticle(new ChatopsVerticle(), new DeploymentOptions().setConfig(config)));
      await(vertx.deployVerticle(new AlertsVerticle(), new DeploymentOptions().setConfig(config)));
      await(vertx.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config)));
      app.awaitService("users", "UP", 1);
      app.awaitService("orders", "UP", 1);
      app.awaitService("chatops", "UP", 1);
      app.awaitProducts("UP", 1);
      // a manager-only service is not in /status: wait until the gateway routes to it
      poll(() -> app.call(HttpMethod.GET, "/api/rules?size=1").bearer(app.managerToken()).send(), r -> r.statusCode() == 200);
    } catch (RuntimeException | Error e) {
      app.close();
      throw e;
    }
    return app;
  }

  /** A Vert.x built the way the launcher builds it: Prometheus metrics on. */
  static Vertx metricsVertx() {
    return Vertx.builder()
      .with(new VertxOptions().setMetricsOptions(Metrics.options()))
      .withMetrics(Metrics.factory())
      .build();
  }

  void deployProducts() {
    assertTrue(productsDeployment == null, "products is already deployed");
    productsDeployment = await(vertx.deployVerticle(new ProductsVerticle(), new DeploymentOptions().setConfig(config)));
  }

  void undeployProducts() {
    assertNotNull(productsDeployment, "products is not deployed");
    await(vertx.undeploy(productsDeployment));
    productsDeployment = null;
  }

  /** Waits (bounded) until {@code /status} reports products with this status and instance count. */
  void awaitProducts(String status, int instances) {
    awaitService("products", status, instances);
  }

  /** Waits (bounded) until {@code /status} reports the service with this status and instance count. */
  void awaitService(String service, String status, int instances) {
    JsonObject last = poll(() -> call(HttpMethod.GET, "/status").send(),
      r -> r.statusCode() == 200 && status.equals(service(r, service).getString("status"))
        && service(r, service).getInteger("instances", -1) == instances).bodyAsJsonObject();
    assertEquals(status, last.getJsonObject("services").getJsonObject(service).getString("status"));
  }

  private static JsonObject service(HttpResponse<Buffer> status, String service) {
    JsonObject services = status.bodyAsJsonObject().getJsonObject("services", new JsonObject());
    return services.getJsonObject(service, new JsonObject());
  }

  // ---- tokens -----------------------------------------------------------------------------------

  String managerToken() {
    return tokens.issue(new Caller("u-manager", "manager", Caller.MANAGER), 600);
  }

  String clientToken() {
    return tokens.issue(new Caller("u-client", "alice", Caller.CLIENT), 600);
  }

  /** A manager token signed with another key. */
  String forgedToken() {
    return Jwt.hs256(randomSecret(), Jwt.claims("u-manager", "manager", Caller.MANAGER, 600));
  }

  /** A manager token signed with our key that expired half an hour ago. */
  String expiredToken() {
    return Jwt.hs256(secret, Jwt.claims("u-manager", "manager", Caller.MANAGER, -1800));
  }

  /** A manager token with {@code alg:none} and no signature. */
  String noneToken() {
    return Jwt.unsigned(Jwt.claims("u-manager", "manager", Caller.MANAGER, 600));
  }

  /** A hand-made token that should be accepted: proves the bad hand-made ones fail for the right reason. */
  String handMadeValidToken() {
    return Jwt.hs256(secret, Jwt.claims("u-manager", "manager", Caller.MANAGER, 600));
  }

  /** Signs in over REST; the token (fails the test unless 200). */
  String login(String username, String password) {
    HttpResponse<Buffer> login = call(HttpMethod.POST, "/api/auth/login")
      .json(new JsonObject().put("username", username).put("password", password)).send();
    assertEquals(200, login.statusCode(), login.bodyAsString());
    return login.bodyAsJsonObject().getString("token");
  }

  /** The event-bus address of the first instance of a service, as the manager's /api/services lists it. */
  String instanceAddress(String service) {
    JsonObject page = call(HttpMethod.GET, "/api/services?size=100").bearer(managerToken()).send().bodyAsJsonObject();
    return page.getJsonArray("items").stream().map(JsonObject.class::cast)
      .filter(item -> service.equals(item.getString("service"))).findFirst().orElseThrow().getString("address");
  }

  // ---- HTTP -------------------------------------------------------------------------------------

  /** A request to the gateway; the URI goes out exactly as written (no re-encoding of the query). */
  Call call(HttpMethod method, String uri) {
    return new Call(client.request(method, port, HOST, uri).timeout(HANG_GUARD_MS));
  }

  static final class Call {
    private final HttpRequest<Buffer> request;
    private Buffer body;

    Call(HttpRequest<Buffer> request) {
      this.request = request;
    }

    Call bearer(String token) {
      if (token != null) {
        request.putHeader("Authorization", "Bearer " + token);
      }
      return this;
    }

    Call header(String name, String value) {
      request.putHeader(name, value);
      return this;
    }

    Call json(Object value) {
      String text = value instanceof JsonObject json ? json.encode()
        : value instanceof io.vertx.core.json.JsonArray array ? array.encode() : String.valueOf(value);
      return body("application/json", Buffer.buffer(text));
    }

    Call body(String contentType, Buffer buffer) {
      if (contentType != null) {
        request.putHeader("Content-Type", contentType);
      }
      body = buffer;
      return this;
    }

    HttpResponse<Buffer> send() {
      return await(body == null ? request.send() : request.sendBuffer(body));
    }
  }

  /** Repeats {@code action} (bounded: about 15 s) until {@code done} accepts its result; fails otherwise. */
  static <T> T poll(java.util.function.Supplier<T> action, Predicate<T> done) {
    T last = null;
    for (int i = 0; i < 150; i++) {
      last = action.get();
      if (done.test(last)) {
        return last;
      }
      sleep(100);
    }
    String shown = last instanceof HttpResponse<?> r ? r.statusCode() + " " + r.bodyAsString() : String.valueOf(last);
    fail("condition not reached; last result: " + shown);
    return last;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Awaits a future from the test thread; fails (rather than hangs) if it never completes. */
  static <T> T await(Future<T> future) {
    try {
      return future.await(HANG_GUARD_MS * 2, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no result after " + HANG_GUARD_MS * 2 + " ms", e);
    }
  }

  // ---- assertions -------------------------------------------------------------------------------

  /** The contract's error response: status, JSON, {@code {"error":{"code","message"}}}, request id, no stack trace. */
  static JsonObject assertError(HttpResponse<Buffer> response, int status, String code) {
    String text = response.bodyAsString();
    assertEquals(status, response.statusCode(), () -> "status; body: " + text);
    assertJsonType(response);
    assertRequestId(response);
    assertNoStackTrace(text);
    JsonObject body = new JsonObject(text);
    JsonObject error = body.getJsonObject("error");
    assertNotNull(error, () -> "no error object in " + text);
    assertEquals(code, error.getString("code"), () -> "error code in " + text);
    assertTrue(error.getValue("message") instanceof String m && !m.isBlank(), () -> "error message in " + text);
    return error;
  }

  static void assertJsonType(HttpResponse<Buffer> response) {
    String type = response.getHeader("Content-Type");
    assertNotNull(type, "Content-Type");
    assertTrue(type.toLowerCase().startsWith("application/json"), () -> "Content-Type is " + type);
  }

  static String assertRequestId(HttpResponse<Buffer> response) {
    String id = response.getHeader("X-Request-Id");
    assertNotNull(id, "X-Request-Id missing");
    assertFalse(id.isBlank(), "X-Request-Id blank");
    return id;
  }

  static void assertNoStackTrace(String text) {
    if (text == null) {
      return;
    }
    assertFalse(text.contains("Exception"), () -> "body mentions an exception: " + text);
    assertFalse(text.contains("at io."), () -> "body holds a stack trace: " + text);
    assertFalse(text.contains("at java."), () -> "body holds a stack trace: " + text);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String randomSecret() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  static String newRequestId() {
    return "test-" + UUID.randomUUID();
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      await(vertx.close());
    }
  }

  /** Hand-made JWTs (HS256 with a key, or unsigned), to present tokens our {@link Tokens} would never issue. */
  static final class Jwt {

    private Jwt() {
    }

    static JsonObject claims(String sub, String username, String role, long expiresInSeconds) {
      long now = System.currentTimeMillis() / 1000;
      Map<String, Object> claims = new LinkedHashMap<>();
      claims.put("sub", sub);
      claims.put("username", username);
      claims.put("role", role);
      claims.put("iat", now - 60);
      claims.put("exp", now + expiresInSeconds);
      claims.put("iss", Tokens.ISSUER);
      claims.put("aud", Tokens.USER_AUDIENCE);
      return new JsonObject(claims);
    }

    static String hs256(String key, JsonObject claims) {
      String signingInput = part(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + part(claims);
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    static String unsigned(JsonObject claims) {
      return part(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + part(claims) + ".";
    }

    private static String part(JsonObject json) {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
    }
  }
}
