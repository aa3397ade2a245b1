package io.micronet.node;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Tokens;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.micronet.shared.messaging.CallContext;
import io.micronet.shared.messaging.Envelope;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The all-in-one as {@code scripts/micronet start} runs it — one {@link NodeVerticle} whose agent places every
 * instance (node name {@code solo}) — on loopback with a free port, embedded storage in {@code dataDir}, and tokens
 * signed with its key, for tests in any package that need the whole platform (operations, ChatOps, the bridge).
 */
public final class SoloNode implements AutoCloseable {

  public static final String HOST = "127.0.0.1";
  private static final long POLL_LIMIT_MS = 30_000;

  public final Vertx vertx;
  public final WebClient client;
  public final int port;
  public final Tokens tokens;
  /** The first password of the {@code manager} account (security.adminPassword), for signing in as a person would. */
  public final String adminPassword;

  private SoloNode(Vertx vertx, int port, Tokens tokens, String adminPassword) {
    this.vertx = vertx;
    this.port = port;
    this.tokens = tokens;
    this.adminPassword = adminPassword;
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost(HOST).setDefaultPort(port));
  }

  /** Starts it; {@code overrides} are merged over the test defaults. */
  public static SoloNode start(Path dataDir, JsonObject overrides) {
    Vertx vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(Metrics.options())).withMetrics(Metrics.factory()).build();
    int port = freePort();
    String secret = UUID.randomUUID() + "-" + UUID.randomUUID();
    JsonObject given = new JsonObject()
      .put("http", new JsonObject().put("host", HOST).put("port", port))
      .put("grpc", new JsonObject().put("port", freePort()))
      .put("storage", new JsonObject().put("dataDir", dataDir.toString()).putNull("dbUrl"))
      .put("security", new JsonObject().put("jwtSecret", secret).put("adminPassword", "admin-" + UUID.randomUUID()))
      .put("node", new JsonObject().put("shutdownGraceSeconds", 2).put("name", "solo"))
      .mergeIn(overrides, true);
    // no environment: a MICRONET_* variable of the machine running the tests must not change what is tested
    JsonObject config = MicronetConfig.load(given, Map.of()).json();
    SoloNode node = new SoloNode(vertx, port, Tokens.withSecret(vertx, secret), config.getJsonObject("security").getString("adminPassword"));
    try {
      vertx.deployVerticle(new NodeVerticle(), new DeploymentOptions().setConfig(config)).await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      node.close();
      throw new IllegalStateException("the all-in-one did not start", e);
    }
    return node;
  }

  /** A token of a user with this id, name and role (no such user need exist: tokens are what services believe). */
  public String token(String id, String username, String role) {
    return tokens.issue(new Caller(id, username, role), 3600);
  }

  public String manager() {
    return token("m1", "mona", Caller.MANAGER);
  }

  public String client() {
    return token("c1", "carla", Caller.CLIENT);
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, String token, Object body) {
    var request = client.request(method, path).timeout(15_000);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    try {
      return (body == null ? request.send() : body instanceof JsonObject json ? request.sendJsonObject(json)
        : request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(String.valueOf(body))))
        .await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " got no answer", e);
    }
  }

  /**
   * Runs {@code action} ({@code deploy} / {@code undeploy} {service}) on this node's agent over the event bus, as the
   * reconciler does — e.g. to stop and start the gateway under an open page, which no REST call can do.
   */
  public JsonObject agent(String action, JsonObject body) {
    ServiceDiscovery discovery = ServiceDiscovery.create(vertx);
    try {
      Record agent = discovery.getRecord(r -> NodeAgent.SERVICE.equals(r.getName())).await(10, TimeUnit.SECONDS);
      Object reply = vertx.eventBus().request(agent.getLocation().getString(Record.ENDPOINT), Envelope.body(new JsonObject(), new JsonObject(), body),
        Envelope.options(action, new CallContext(null, manager(), null, null), 60_000)).await(70, TimeUnit.SECONDS).body();
      return reply instanceof Buffer encoded ? new JsonObject(encoded) : (JsonObject) reply;
    } catch (Exception e) {
      throw new IllegalStateException("the node agent did not " + action + " " + body.encode(), e);
    } finally {
      discovery.close();
    }
  }

  /** Instances of {@code service} that {@code /status} counts (0 when it lists none). */
  public int statusInstances(String service) {
    JsonObject entry = send(HttpMethod.GET, "/status", null, null).bodyAsJsonObject().getJsonObject("services").getJsonObject(service);
    return entry == null ? 0 : entry.getInteger("instances");
  }

  /** Waits (bounded: a hang guard, never a timing assertion) until {@code condition} holds. */
  public static void poll(String what, Supplier<Boolean> condition) {
    long deadline = System.currentTimeMillis() + POLL_LIMIT_MS;
    while (System.currentTimeMillis() < deadline) {
      if (Boolean.TRUE.equals(condition.get())) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    fail("not within " + POLL_LIMIT_MS + " ms: " + what);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      vertx.close().await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the all-in-one did not stop", e);
    }
  }
}
