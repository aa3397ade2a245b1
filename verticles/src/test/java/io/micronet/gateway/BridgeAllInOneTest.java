package io.micronet.gateway;

import io.micronet.monitor.MonitorVerticle;
import io.vertx.core.DeploymentOptions;
import io.micronet.gateway.BridgeClient.Transport;
import io.micronet.shared.security.Caller;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event-bus bridge of a running all-in-one, over the raw WebSocket, SockJS over WebSocket and SockJS over XHR:
 * deny by default, a token on every frame, feeds by role (also after a role change), a command forwarded with only
 * its verified identity, ChatOps commands by role and broadcasts, origins, frame size, floods and idle sockets. An
 * interceptor sees what reaches {@code micronet.chatops}, so what the bridge forwards is visible.
 */
class BridgeAllInOneTest {

  static final String SHOP = "https://shop.example";

  @TempDir
  static Path dataDir;

  private static AllInOne app;
  private static final AtomicInteger CHATOPS_MESSAGES = new AtomicInteger();
  /** The headers of every message the chatops service was given on its public address. */
  private static final Queue<JsonObject> CHATOPS_HEADERS = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() {
    app = AllInOne.start(dataDir, new JsonObject()
      .put("http", new JsonObject().put("corsOrigins", List.of(SHOP)))
      .put("security", new JsonObject().put("clockSkewSeconds", 1))
      .put("gateway", new JsonObject().put("bridge", new JsonObject().put("maxFrameBytes", 4096)
        .put("framesPerSecond", 40).put("closeAtFramesPerSecond", 150).put("pingTimeoutMs", 3000))));
    // the status command asks the health monitor; its first round comes a moment after the start
    AllInOne.await(app.vertx.deployVerticle(new MonitorVerticle(), new DeploymentOptions().setConfig(app.config)));
    AllInOne.poll(() -> app.call(POST, "/api/chatops").bearer(app.clientToken()).json(new JsonObject().put("command", "status")).send(),
      r -> r.statusCode() == 200);
    // watches what reaches micronet.chatops without taking it from the chatops service
    app.vertx.eventBus().addInboundInterceptor(delivery -> {
      if (BridgeGuard.CHATOPS.equals(delivery.message().address())) {
        CHATOPS_MESSAGES.incrementAndGet();
        JsonObject headers = new JsonObject();
        delivery.message().headers().forEach(header -> headers.put(header.getKey(), header.getValue()));
        CHATOPS_HEADERS.add(headers);
      }
      delivery.next();
    });
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  private static BridgeClient connect(Transport transport) {
    return BridgeClient.connect(app.vertx, app.port, transport);
  }

  /** Sends a command frame and returns the reply's body (the ChatOps reply). */
  private static JsonObject command(BridgeClient client, JsonObject frame) {
    String reply = UUID.randomUUID().toString();
    client.write(frame.put("replyAddress", reply));
    JsonObject answer = client.next();
    assertEquals("rec", answer.getString("type"), () -> "a reply, got " + answer);
    assertEquals(reply, answer.getString("address"));
    return answer.getJsonObject("body");
  }

  private static void assertRejected(BridgeClient client, String what) {
    JsonObject frame = client.next();
    assertEquals(new JsonObject().put("type", "err").put("body", "rejected"), frame, what);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aCommandRunsAsItsVerifiedTokenWhateverHeadersTheFrameCarries(Transport transport) {
    String username = "forger-" + UUID.randomUUID().toString().substring(0, 8);
    String client = app.tokens.issue(new Caller("u-" + username, username, Caller.CLIENT), 600);
    try (BridgeClient socket = connect(transport)) {
      JsonObject frame = BridgeClient.frame("send", BridgeGuard.CHATOPS, null, new JsonObject().put("command", "whoami"), null)
        .put("headers", new JsonObject().put("Authorization", "Bearer " + client).put("x-client-address", "10.9.9.9")
          .put("x-caller-role", "manager").put("x-caller-id", "u-manager").put("action", "stop").put("x-request-id", "mine"));
      JsonObject whoami = command(socket, frame);
      assertEquals(true, whoami.getBoolean("ok"), whoami::encode);
      assertTrue(whoami.getString("text").contains(username) && whoami.getString("text").contains("client"), whoami::encode);
      assertFalse(whoami.encode().contains("manager"), whoami::encode);
      JsonObject headers = CHATOPS_HEADERS.stream().filter(h -> ("Bearer " + client).equals(h.getString("authorization")))
        .findFirst().orElseThrow();
      assertEquals(2, headers.size(), () -> "only the token and a request id: " + headers);
      assertNotEquals("mine", headers.getString("x-request-id"));
      assertTrue(AllInOne.UUID_TEXT.matcher(headers.getString("x-request-id")).matches(), headers.encode());

      // two Authorization headers (another user's beside one's own): neither is believed
      int before = CHATOPS_MESSAGES.get();
      socket.write(BridgeClient.frame("send", BridgeGuard.CHATOPS, null, new JsonObject().put("command", "whoami"), "r-2")
        .put("headers", new JsonObject().put("Authorization", "Bearer " + client).put("authorization", "Bearer " + app.managerToken())));
      assertRejected(socket, "two tokens");
      assertEquals(before, CHATOPS_MESSAGES.get());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aClientRunsItsCommandsButNoManagersOne(Transport transport) {
    String client = app.clientToken();
    try (BridgeClient socket = connect(transport)) {
      for (String allowed : List.of("help", "whoami", "status", "products", "orders", "history", "history 5")) {
        JsonObject reply = command(socket, BridgeClient.frame("send", BridgeGuard.CHATOPS, client, new JsonObject().put("command", allowed), null));
        assertEquals(true, reply.getBoolean("ok"), () -> allowed + ": " + reply.encode());
        assertTrue(reply.getValue("text") instanceof String, reply::encode);
      }
      for (String refused : List.of("stop products", "stop products --yes", "scale products 2 --yes", "fail products error 5 --yes",
        "broadcast hi", "services", "nodes")) {
        JsonObject reply = command(socket, BridgeClient.frame("send", BridgeGuard.CHATOPS, client, new JsonObject().put("command", refused), null));
        assertEquals(false, reply.getBoolean("ok"), () -> refused + ": " + reply.encode());
        assertEquals("FORBIDDEN", reply.getJsonObject("error").getString("code"), () -> refused + ": " + reply.encode());
      }
    }
    app.awaitProducts("UP", 1);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aManagersBroadcastReachesListenersButNoTokenlessSocket(Transport transport) {
    try (BridgeClient listener = connect(transport); BridgeClient tokenless = connect(transport); BridgeClient manager = connect(transport)) {
      listener.register("micronet.broadcast", app.clientToken());
      tokenless.register("micronet.broadcast", null);
      assertRejected(tokenless, "a register without a token");
      awaitFeed(listener, "micronet.broadcast");
      String text = "hi " + UUID.randomUUID();
      JsonObject reply = command(manager, BridgeClient.frame("send", BridgeGuard.CHATOPS, app.managerToken(),
        new JsonObject().put("command", "broadcast \"" + text + "\""), null));
      assertEquals(true, reply.getBoolean("ok"), reply::encode);
      JsonObject heard = listener.until(f -> text.equals(body(f).getString("text"))).stream().reduce((a, b) -> b).orElseThrow();
      assertEquals("broadcast", body(heard).getString("type"));
      assertEquals("manager", body(heard).getString("from"));
      assertTrue(tokenless.drain().stream().noneMatch(f -> "rec".equals(f.getString("type"))), "a socket without a token heard it");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void framesWithoutAValidTokenAreRefusedAndChangeNothing(Transport transport) {
    List<String> bad = new ArrayList<>(List.of("not-a-jwt", app.forgedToken(), app.expiredToken(), app.noneToken(), revokedToken()));
    bad.add(null);
    int before = CHATOPS_MESSAGES.get();
    try (BridgeClient socket = connect(transport)) {
      for (String token : bad) {
        socket.send(BridgeGuard.CHATOPS, token, new JsonObject().put("command", "status"), "r-" + UUID.randomUUID());
        assertRejected(socket, "send with " + token);
        socket.register("micronet.health", token);
        assertRejected(socket, "register with " + token);
        socket.write(BridgeClient.frame("unregister", "micronet.health", token, null, null));
        assertRejected(socket, "unregister with " + token);
      }
      assertEquals(before, CHATOPS_MESSAGES.get(), "no refused command reached chatops");
      // had a refused register registered, this one would be answered address_already_registered
      socket.register("micronet.health", app.clientToken());
      List<JsonObject> frames = awaitFeed(socket, "micronet.health");
      assertTrue(frames.stream().noneMatch(f -> "err".equals(f.getString("type"))), frames.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void sendsToServiceAddressesAndEveryPublishAreRefused(Transport transport) {
    String manager = app.managerToken();
    String products = app.instanceAddress("products");
    // addresses nobody in this all-in-one uses: a consumer here counts what the bridge let through
    List<String> quiet = List.of("micronet.failures.products", "micronet.node.reconciler", "micronet.node.agent.drain",
      "micronet.node.drain", "__vertx.bridge-test", "micronet.chatops.other");
    // and busy ones (discovery announcements, the feeds): refused frames prove it there
    List<String> addresses = new ArrayList<>(quiet);
    addresses.addAll(List.of("vertx.discovery.announce", "micronet.health", "micronet.activity", "micronet.broadcast"));
    Map<String, AtomicInteger> heard = new ConcurrentHashMap<>();
    List<MessageConsumer<Object>> consumers = new ArrayList<>();
    for (String address : quiet) {
      AtomicInteger count = heard.computeIfAbsent(address, a -> new AtomicInteger());
      consumers.add(app.vertx.eventBus().consumer(address, message -> count.incrementAndGet()));
    }
    consumers.forEach(consumer -> AllInOne.await(consumer.completion()));
    long productsBefore = app.call(GET, "/api/products").send().bodyAsJsonObject().getLong("total");
    int before = CHATOPS_MESSAGES.get();
    try (BridgeClient socket = connect(transport)) {
      JsonObject create = new JsonObject().put("params", new JsonObject()).put("query", new JsonObject())
        .put("body", new JsonObject().put("name", "bridged").put("category", "x").put("price", 1).put("stock", 1));
      socket.write(BridgeClient.frame("send", products, manager, create, "r-1")
        .put("headers", new JsonObject().put("Authorization", "Bearer " + manager).put("action", "create")));
      assertRejected(socket, "send to a products instance");
      for (String address : addresses) {
        socket.send(address, manager, new JsonObject().put("mode", "crash"), null);
        assertRejected(socket, "send to " + address);
      }
      for (String address : List.of(BridgeGuard.CHATOPS, "micronet.broadcast", "micronet.health", products)) {
        socket.write(BridgeClient.frame("publish", address, manager, new JsonObject().put("command", "status"), null));
        assertRejected(socket, "publish to " + address);
      }
      for (String address : List.of(BridgeGuard.CHATOPS, products, "__vertx.subs", "micronet.breakers", "micronet.metrics.samples")) {
        socket.register(address, manager);
        assertRejected(socket, "register to " + address);
      }
    } finally {
      consumers.forEach(MessageConsumer::unregister);
    }
    heard.forEach((address, count) -> assertEquals(0, count.get(), address + " heard from the bridge"));
    assertEquals(before, CHATOPS_MESSAGES.get(), "a publish to chatops reached it");
    assertEquals(productsBefore, app.call(GET, "/api/products").send().bodyAsJsonObject().getLong("total"), "nothing was created");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aClientHearsHealthAndBroadcastButNoManagerFeed(Transport transport) {
    try (BridgeClient client = connect(transport); BridgeClient manager = connect(transport)) {
      String clientToken = app.clientToken();
      String managerToken = app.managerToken();
      for (String feed : List.of("micronet.activity", "micronet.metrics", "micronet.alerts")) {
        client.register(feed, clientToken);
        assertRejected(client, "a client registering " + feed);
      }
      client.register("micronet.broadcast", clientToken);
      client.register("micronet.health", clientToken);
      BridgeGuard.FEEDS.keySet().forEach(feed -> manager.register(feed, managerToken));
      awaitFeed(client, "micronet.broadcast");
      awaitFeed(client, "micronet.health");
      for (String feed : BridgeGuard.FEEDS.keySet()) {
        awaitFeed(manager, feed);
      }

      String round = UUID.randomUUID().toString();
      for (String feed : List.of("micronet.activity", "micronet.metrics", "micronet.alerts", "micronet.broadcast", "micronet.health")) {
        app.vertx.eventBus().publish(feed, new JsonObject().put("type", "test").put("round", round));
      }
      List<JsonObject> heard = client.until(f -> "micronet.health".equals(f.getString("address")) && round.equals(body(f).getString("round")));
      assertTrue(heard.stream().noneMatch(f -> List.of("micronet.activity", "micronet.metrics", "micronet.alerts").contains(f.getString("address"))),
        () -> "a client heard a manager feed: " + heard);
      assertTrue(heard.stream().anyMatch(f -> "micronet.broadcast".equals(f.getString("address")) && round.equals(body(f).getString("round"))));
      List<JsonObject> managerHeard = manager.until(f -> "micronet.health".equals(f.getString("address")) && round.equals(body(f).getString("round")));
      for (String feed : List.of("micronet.activity", "micronet.metrics", "micronet.alerts", "micronet.broadcast")) {
        assertTrue(managerHeard.stream().anyMatch(f -> feed.equals(f.getString("address")) && round.equals(body(f).getString("round"))), feed);
      }
      assertTrue(managerHeard.stream().allMatch(f -> !f.containsKey("headers") && !f.containsKey("replyAddress")), managerHeard.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aDemotedManagerStopsHearingManagerFeedsAndAnExpiredRegistrationStops(Transport transport) {
    String admin = app.login("manager", AllInOne.ADMIN_PASSWORD);
    String username = "listener-" + UUID.randomUUID().toString().substring(0, 8);
    String id = register(username);
    assertEquals(200, app.call(PUT, "/api/users/" + id).bearer(admin).json(new JsonObject().put("role", "manager")).send().statusCode());
    String promoted = app.login(username, "listener-password");
    String shortLived = app.tokens.issue(new Caller("u-short", "shorty", Caller.CLIENT), 5);
    try (BridgeClient socket = connect(transport)) {
      socket.register("micronet.activity", promoted);
      socket.register("micronet.health", shortLived);
      socket.register("micronet.broadcast", app.clientToken());
      awaitFeed(socket, "micronet.activity");
      awaitFeed(socket, "micronet.health");

      assertEquals(200, app.call(PUT, "/api/users/" + id).bearer(admin).json(new JsonObject().put("role", "client")).send().statusCode());
      // from some round on (revocation and expiry reach the verifier within seconds), neither feed is delivered any more
      awaitSilent(socket, List.of("micronet.activity", "micronet.health"));
    }
  }

  @Test
  void originsOtherThanTheGatewaysAndTheConfiguredAreRefused() {
    HttpResponse<Buffer> foreign = app.call(GET, "/eventbus/info").header("Origin", "https://evil.example").send();
    AllInOne.assertError(foreign, 403, "FORBIDDEN");
    assertEquals(200, app.call(GET, "/eventbus/info").header("Origin", SHOP).send().statusCode());
    assertEquals(200, app.call(GET, "/eventbus/info").header("Origin", "http://" + AllInOne.HOST + ":" + app.port).send().statusCode());
    assertEquals(200, app.call(GET, "/eventbus/info").send().statusCode(), "no Origin: not a browser");
    for (Transport transport : Transport.values()) {
      BridgeClient.connect(app.vertx, app.port, transport, SHOP, false).close();
      BridgeClient evil = BridgeClient.unopened(app.vertx, app.port, transport, "https://evil.example");
      boolean refused = AllInOne.await(evil.open().map(false).otherwise(true));
      evil.close();
      assertTrue(refused, transport + ": a foreign origin is refused");
    }
    var ws = app.vertx.createWebSocketClient();
    Throwable chat = AllInOne.await(ws.connect(new WebSocketConnectOptions().setHost(AllInOne.HOST).setPort(app.port)
      .setURI(ChatSocket.PATH).addHeader("Origin", "https://evil.example").addHeader("Authorization", "Bearer " + app.clientToken()))
      .map(s -> (Throwable) null).otherwise(e -> e));
    assertNotNull(chat, "the chat socket refuses a foreign origin");
    assertTrue(chat.getMessage().contains("403"), chat.getMessage());
    ws.close();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anOversizeFrameIsRefusedAndTheSocketStillWorks(Transport transport) {
    String token = app.clientToken();
    try (BridgeClient socket = connect(transport)) {
      int before = CHATOPS_MESSAGES.get();
      JsonObject big = BridgeClient.frame("send", BridgeGuard.CHATOPS, token, new JsonObject().put("command", "x".repeat(5000)), "r-big");
      if (transport == Transport.SOCKJS_XHR) {
        assertEquals(413, socket.xhrSendStatus(big.encode()));
      } else {
        socket.write(big);
        assertRejected(socket, "an oversize frame");
      }
      assertEquals(before, CHATOPS_MESSAGES.get());
      JsonObject help = command(socket, BridgeClient.frame("send", BridgeGuard.CHATOPS, token, new JsonObject().put("command", "help"), null));
      assertEquals(true, help.getBoolean("ok"), help::encode);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"RAW_WEBSOCKET", "SOCKJS_WEBSOCKET"})
  void aFloodIsRefusedOrClosedAndOthersAreStillServed(Transport transport) {
    String token = app.clientToken();
    int before = CHATOPS_MESSAGES.get();
    try (BridgeClient flooder = connect(transport)) {
      long started = System.nanoTime();
      for (int i = 0; i < 2000 && !flooder.isClosed(); i++) {
        flooder.send(BridgeGuard.CHATOPS, token, new JsonObject().put("command", "status " + i), null);
      }
      boolean closed = flooder.awaitClosed();
      List<JsonObject> frames = flooder.drain();
      long refused = frames.stream().filter(f -> "err".equals(f.getString("type"))).count();
      System.out.printf("%s flood: closed=%s, %d refusals, %d reached chatops, %.0f ms%n", transport, closed, refused,
        CHATOPS_MESSAGES.get() - before, (System.nanoTime() - started) / 1e6);
      assertTrue(closed, "a socket that floods is closed");
      assertTrue(CHATOPS_MESSAGES.get() - before < 2000, "not every frame of the flood went on");
    }
    try (BridgeClient other = connect(transport)) {
      JsonObject help = command(other, BridgeClient.frame("send", BridgeGuard.CHATOPS, token, new JsonObject().put("command", "help"), null));
      assertEquals(true, help.getBoolean("ok"), help::encode);
    }
    assertEquals(200, app.call(GET, "/health").send().statusCode());
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"RAW_WEBSOCKET", "SOCKJS_WEBSOCKET"})
  void aFloodOfFramesTheBridgeCannotReadIsClosedToo(Transport transport) {
    // no token needed: the bridge answers these itself (invalid_json, missing_type, invalid_type), the hook never sees them
    List<String> junk = List.of("not json", "{}", "{\"type\":\"x\",\"address\":\"a\"}", "{\"type\":\"send\"}");
    // it pings as a browser does, so that only the flood can close it (not the idle timeout)
    try (BridgeClient flooder = connect(transport)) {
      int sent = 0;
      for (; sent < 5000 && !flooder.isClosed(); sent++) {
        flooder.writeText(junk.get(sent % junk.size()));
      }
      boolean closed = flooder.awaitClosed();
      System.out.printf("%s junk flood: closed=%s after %d frames sent, %d answers read%n", transport, closed, sent, flooder.drain().size());
      assertTrue(closed, "a socket that floods is closed, whatever its frames are");
    }
    assertEquals(200, app.call(GET, "/health").send().statusCode());
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aSocketThatPingsButNeverShowsATokenIsClosedAndOneThatDidStays(Transport transport) throws InterruptedException {
    try (BridgeClient anonymous = BridgeClient.connect(app.vertx, app.port, transport, null, true);
         BridgeClient signedIn = BridgeClient.connect(app.vertx, app.port, transport, null, true)) {
      signedIn.register("micronet.broadcast", app.clientToken());
      awaitFeed(signedIn, "micronet.broadcast");
      assertTrue(anonymous.awaitClosed(), "pings alone do not keep a socket without a valid token");
      assertFalse(signedIn.isClosed(), "a socket whose frames showed a valid token is kept while it pings");
    }
  }

  @Test
  void aSilentSocketIsClosed() {
    try (BridgeClient silent = BridgeClient.connect(app.vertx, app.port, Transport.RAW_WEBSOCKET, null, false)) {
      assertTrue(silent.awaitClosed(), "no ping for longer than pingTimeoutMs: closed");
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static JsonObject body(JsonObject frame) {
    return frame.getValue("body") instanceof JsonObject body ? body : new JsonObject();
  }

  /** Publishes probes on {@code feed} until the socket hears one (its registration is in place); the frames read. */
  private static List<JsonObject> awaitFeed(BridgeClient socket, String feed) {
    List<JsonObject> frames = new ArrayList<>();
    String probe = UUID.randomUUID().toString();
    long timer = app.vertx.setPeriodic(200, id -> app.vertx.eventBus().publish(feed, new JsonObject().put("type", "probe").put("probe", probe)));
    try {
      frames.addAll(socket.until(f -> feed.equals(f.getString("address")) && probe.equals(body(f).getString("probe"))));
    } finally {
      app.vertx.cancelTimer(timer);
    }
    return frames;
  }

  /**
   * Rounds of one event on each of {@code silenced} then a marker on micronet.broadcast (which the socket still hears),
   * until a round in which the socket heard none of the silenced feeds before the marker (bounded).
   */
  private static void awaitSilent(BridgeClient socket, List<String> silenced) {
    for (int i = 0; i < 150; i++) {
      String round = UUID.randomUUID().toString();
      silenced.forEach(feed -> app.vertx.eventBus().publish(feed, new JsonObject().put("type", "test").put("round", round)));
      app.vertx.eventBus().publish("micronet.broadcast", new JsonObject().put("type", "marker").put("round", round));
      List<JsonObject> heard = socket.until(f -> "micronet.broadcast".equals(f.getString("address")) && round.equals(body(f).getString("round")));
      if (heard.stream().noneMatch(f -> silenced.contains(f.getString("address")))) {
        return;
      }
      AllInOne.sleep(100);
    }
    throw new AssertionError("the socket kept hearing " + silenced);
  }

  private static String revokedToken() {
    String username = "revoked-" + UUID.randomUUID().toString().substring(0, 8);
    String id = register(username);
    String token = app.login(username, "listener-password");
    assertEquals(204, app.call(DELETE, "/api/users/" + id).bearer(token).send().statusCode());
    AllInOne.assertError(app.call(GET, "/api/users/me").bearer(token).send(), 401, "UNAUTHORIZED");
    return token;
  }

  private static String register(String username) {
    HttpResponse<Buffer> created = app.call(POST, "/api/auth/register").json(new JsonObject().put("username", username)
      .put("email", username + "@example.com").put("password", "listener-password")).send();
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

}
