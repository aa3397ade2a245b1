package io.micronet.gateway;

import io.micronet.monitor.MonitorVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The ChatOps WebSocket of a running all-in-one, as a terminal tool uses it: the token at connect (none or a bad
 * one: 401 and no socket), one JSON command per text frame and one reply each; bad frames, oversize frames and
 * floods get a clear reply or a closed socket; a token revoked mid-session ends it with 4401. What the commands
 * themselves answer is the chatops service's (ChatOpsAllInOneTest).
 */
class ChatSocketAllInOneTest {

  @TempDir
  static Path dataDir;

  private static AllInOne app;

  @BeforeAll
  static void start() {
    app = AllInOne.start(dataDir, new JsonObject()
      .put("gateway", new JsonObject().put("bridge", new JsonObject().put("maxFrameBytes", 2048)
        .put("framesPerSecond", 20).put("closeAtFramesPerSecond", 100))));
    // the status command asks the health monitor; its first round comes a moment after the start
    AllInOne.await(app.vertx.deployVerticle(new MonitorVerticle(), new DeploymentOptions().setConfig(app.config)));
    AllInOne.poll(() -> app.call(POST, "/api/chatops").bearer(app.clientToken()).json(new JsonObject().put("command", "status")).send(),
      r -> r.statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  /** One terminal connection: text replies queue up for the test thread; the close code is kept. */
  private static final class Terminal implements AutoCloseable {
    final WebSocketClient client = app.vertx.createWebSocketClient();
    final BlockingQueue<JsonObject> replies = new LinkedBlockingQueue<>();
    final Promise<Short> closed = Promise.promise();
    volatile WebSocket ws;

    Future<WebSocket> connect(String token) {
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(AllInOne.HOST).setPort(app.port).setURI(ChatSocket.PATH);
      if (token != null) {
        options.addHeader("Authorization", "Bearer " + token);
      }
      // the handlers are set before the upgrade, so that nothing the server sends at once can pass unseen
      ClientWebSocket socket = client.webSocket();
      socket.textMessageHandler(text -> replies.add(new JsonObject(text)));
      socket.closeHandler(v -> closed.tryComplete(socket.closeStatusCode()));
      return socket.connect(options).onSuccess(connected -> ws = socket);
    }

    JsonObject ask(String frame) {
      ws.writeTextMessage(frame);
      return next();
    }

    JsonObject next() {
      try {
        JsonObject reply = replies.poll(AllInOne.HANG_GUARD_MS, TimeUnit.MILLISECONDS);
        if (reply == null) {
          fail("no reply within the guard");
        }
        return reply;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      if (ws != null && !ws.isClosed()) {
        ws.close();
      }
      client.close();
    }
  }

  private static Terminal connected(String token) {
    Terminal terminal = new Terminal();
    AllInOne.await(terminal.connect(token));
    return terminal;
  }

  private static void assertFailure(JsonObject reply, String code) {
    assertEquals(false, reply.getBoolean("ok"), reply::encode);
    assertTrue(reply.getValue("text") instanceof String text && !text.isBlank(), reply::encode);
    assertEquals(code, reply.getJsonObject("error").getString("code"), reply::encode);
    AllInOne.assertNoStackTrace(reply.encode());
  }

  @Test
  void aConnectWithoutAValidTokenIsRefusedWith401() {
    for (String token : new String[] {null, "garbage", app.forgedToken(), app.expiredToken(), app.noneToken()}) {
      try (Terminal terminal = new Terminal()) {
        Throwable refused = AllInOne.await(terminal.connect(token).map(ws -> (Throwable) null).otherwise(e -> e));
        assertNotNull(refused, "connected with " + token);
        assertEquals(401, assertInstanceOf(UpgradeRejectedException.class, refused).getStatus(), String.valueOf(token));
      }
    }
    HttpResponse<Buffer> plain = app.call(GET, ChatSocket.PATH).bearer(app.clientToken()).send();
    AllInOne.assertError(plain, 400, "BAD_REQUEST");
    AllInOne.assertError(app.call(GET, ChatSocket.PATH).send(), 400, "BAD_REQUEST");
  }

  @Test
  void badFramesGetAClearReplyAndTheSocketGoesOn() {
    try (Terminal terminal = connected(app.clientToken())) {
      assertFailure(terminal.ask("status"), "BAD_REQUEST");
      assertFailure(terminal.ask("{\"cmd\":\"status\"}"), "BAD_REQUEST");
      assertFailure(terminal.ask("{\"command\":42}"), "BAD_REQUEST");
      assertFailure(terminal.ask("[\"status\"]"), "BAD_REQUEST");
      assertFailure(terminal.ask("{\"command\":\"" + "x".repeat(3000) + "\"}"), "PAYLOAD_TOO_LARGE");
      terminal.ws.writeBinaryMessage(Buffer.buffer(new byte[] {0, 1, 2, (byte) 0xff}));
      assertFailure(terminal.next(), "BAD_REQUEST");
      // a real command still gets its one reply
      JsonObject reply = terminal.ask(new JsonObject().put("command", "whoami").encode());
      assertEquals(true, reply.getBoolean("ok"), reply::encode);
      assertTrue(!terminal.ws.isClosed());
    }
  }

  @Test
  void commandsRunAsTheConnectedUserWithItsRole() {
    try (Terminal client = connected(app.clientToken()); Terminal manager = connected(app.managerToken())) {
      JsonObject whoami = client.ask(new JsonObject().put("command", "whoami").encode());
      assertEquals(true, whoami.getBoolean("ok"), whoami::encode);
      assertTrue(whoami.getString("text").contains("alice") && whoami.getString("text").contains("client"), whoami::encode);
      for (String command : List.of("help", "status", "products", "orders", "history")) {
        JsonObject reply = client.ask(new JsonObject().put("command", command).encode());
        assertEquals(true, reply.getBoolean("ok"), () -> command + ": " + reply.encode());
      }
      assertFailure(client.ask(new JsonObject().put("command", "stop products --yes").encode()), "FORBIDDEN");
      // a manager's command (the health monitor's view with reasons; lifecycle commands need the node agents)
      JsonObject health = manager.ask(new JsonObject().put("command", "health products").encode());
      assertEquals(true, health.getBoolean("ok"), health::encode);
      assertTrue(health.getString("text").contains("products"), health::encode);
    }
    app.awaitProducts("UP", 1);
  }

  @Test
  void aRevokedTokenEndsTheSessionWith4401() {
    String username = "terminal-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<Buffer> created = app.call(POST, "/api/auth/register").json(new JsonObject().put("username", username)
      .put("email", username + "@example.com").put("password", "terminal-password")).send();
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String token = app.call(POST, "/api/auth/login").json(new JsonObject().put("username", username)
      .put("password", "terminal-password")).send().bodyAsJsonObject().getString("token");
    try (Terminal terminal = connected(token)) {
      assertEquals(204, app.call(DELETE, "/api/users/" + created.bodyAsJsonObject().getString("id")).bearer(token).send().statusCode());
      assertFailure(terminal.ask(new JsonObject().put("command", "whoami").encode()), "UNAUTHORIZED");
      assertEquals((short) 4401, AllInOne.await(terminal.closed.future()));
    }
  }

  @Test
  void aFloodIsRefusedOrClosedAndOthersAreStillServed() {
    try (Terminal flooder = connected(app.clientToken())) {
      for (int i = 0; i < 1000 && !flooder.ws.isClosed(); i++) {
        flooder.ws.writeTextMessage("{\"command\":\"status\"}");
      }
      short code = AllInOne.await(flooder.closed.future());
      long limited = flooder.replies.stream().filter(r -> r.getJsonObject("error") != null
        && "RATE_LIMITED".equals(r.getJsonObject("error").getString("code"))).count();
      System.out.printf("chat flood: closed with %d after %d replies, %d of them RATE_LIMITED%n", code, flooder.replies.size(), limited);
      assertEquals((short) 1008, code);
    }
    try (Terminal other = connected(app.clientToken())) {
      JsonObject reply = other.ask(new JsonObject().put("command", "help").encode());
      assertTrue(reply.containsKey("ok"), reply::encode);
    }
    assertEquals(200, app.call(GET, "/health").send().statusCode());
  }
}
