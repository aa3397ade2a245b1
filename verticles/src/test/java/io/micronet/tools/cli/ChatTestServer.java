package io.micronet.tools.cli;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the gateway that speaks the ChatOps WebSocket protocol (and the login the CLI signs in with), so the
 * chat client is tested before and apart from the real thing: {@code POST /api/auth/login} gives a fresh token per
 * login; {@code /ws/chatops} refuses an upgrade without a known token (401) and answers each
 * {@code {"command"}} frame with one reply. Scripted commands: {@code help}, {@code status}, {@code services},
 * {@code history}, {@code stop products} (asks for --yes, naming the command), {@code scale <svc> <n>} (asks in words only;
 * a client: FORBIDDEN), {@code drop} (closes without a reply), {@code expire} (the first time: the token revoked and
 * the socket closed with 4401), anything else BAD_REQUEST with a suggestion.
 */
final class ChatTestServer implements AutoCloseable {

  static final String MANAGER_PASSWORD = "manager's secret";
  static final String ALICE_PASSWORD = "alice's secret";

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  /** token → {username, role} of every valid token. */
  private final Map<String, JsonObject> tokens = new ConcurrentHashMap<>();
  final List<String> commands = new CopyOnWriteArrayList<>();
  final AtomicInteger logins = new AtomicInteger();
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger refusedUpgrades = new AtomicInteger();
  private final AtomicBoolean expired = new AtomicBoolean();

  ChatTestServer() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    try {
      server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException(e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** A valid token for this user, as a login would give (for MICRONET_TOKEN). */
  String token(String username, String role) {
    String token = "tok-" + username + "-" + logins.incrementAndGet();
    tokens.put(token, new JsonObject().put("username", username).put("role", role));
    return token;
  }

  /** Every token refused from now on (a key change, a restart of the platform). */
  void revokeAll() {
    tokens.clear();
  }

  private void handle(HttpServerRequest request) {
    if (request.method() == HttpMethod.POST && request.path().equals("/api/auth/login")) {
      request.body().onSuccess(body -> login(request, body.toJsonObject()));
      return;
    }
    if (request.path().equals("/ws/chatops")) {
      String authorization = request.getHeader("Authorization");
      String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
      JsonObject who = token == null ? null : tokens.get(token);
      if (who == null) {
        refusedUpgrades.incrementAndGet();
        error(request, 401, "UNAUTHORIZED", "missing or invalid token");
        return;
      }
      request.toWebSocket().onSuccess(ws -> {
        connections.incrementAndGet();
        ws.textMessageHandler(frame -> answer(ws, token, who, frame));
      });
      return;
    }
    error(request, 404, "NOT_FOUND", "no such resource");
  }

  private void login(HttpServerRequest request, JsonObject body) {
    String username = body.getString("username", "");
    String password = body.getString("password", "");
    boolean manager = username.equals("manager") && password.equals(MANAGER_PASSWORD);
    boolean alice = username.equals("alice") && password.equals(ALICE_PASSWORD);
    if (!manager && !alice) {
      error(request, 401, "UNAUTHORIZED", "wrong username or password");
      return;
    }
    String role = manager ? "manager" : "client";
    String token = token(username, role);
    request.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("token", token)
      .put("expiresIn", 3600).put("user", new JsonObject().put("username", username).put("role", role)).encode());
  }

  private static void error(HttpServerRequest request, int status, String code, String message) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
      .end(new JsonObject().put("error", new JsonObject().put("code", code).put("message", message).putNull("details")).encode());
  }

  private void answer(ServerWebSocket ws, String token, JsonObject who, String frame) {
    String command = new JsonObject(frame).getString("command", "");
    commands.add(command);
    boolean manager = "manager".equals(who.getString("role"));
    List<String> words = List.of(command.strip().split("\\s+"));
    switch (words.get(0)) {
      case "help" -> reply(ws, ok("commands: help, whoami, status, services" + (manager ? ", stop, scale" : ""),
        new JsonObject().put("commands", new JsonArray(manager
          ? List.of(cmd("help"), cmd("whoami"), cmd("status"), cmd("services"), cmd("stop"), cmd("scale"))
          : List.of(cmd("help"), cmd("whoami"), cmd("status"))))));
      case "whoami" -> reply(ws, ok("you are " + who.getString("username") + " (" + who.getString("role") + ")", who));
      case "status" -> reply(ws, ok("platform UP: 2 services", new JsonObject().put("status", "UP").put("services",
        new JsonObject().put("products", new JsonObject().put("status", "UP").put("instances", 1))
          .put("users", new JsonObject().put("status", "UP").put("instances", 1)))));
      case "services" -> reply(ws, ok("2 services", new JsonArray()
        .add(new JsonObject().put("name", "products").put("status", "UP").put("instances", 1))
        .add(new JsonObject().put("name", "users").put("status", "DOWN").put("instances", 0))));
      case "history" -> reply(ws, ok("your last commands", new JsonObject().put("total", 7).put("items", new JsonArray()
        .add(new JsonObject().put("time", "2026-01-02T03:04:05Z").put("user", "manager").put("command", "status").put("ok", true))
        .add(new JsonObject().put("time", "2026-01-02T03:04:06Z").put("user", "alice").put("command", "boom\u001b[2J")
          .put("ok", false)))));
      case "stop" -> {
        if (words.contains("--yes")) {
          reply(ws, ok("stopped products-1 on node-a", new JsonObject().put("stopped", new JsonArray().add("products-1"))));
        } else {
          reply(ws, ok("would stop products-1 on node-a; add --yes to run it",
            new JsonObject().put("confirm", "stop products --yes")));
        }
      }
      case "scale" -> {
        if (!manager) {
          reply(ws, failed("FORBIDDEN", "scale needs a manager"));
        } else {
          reply(ws, ok(words.contains("--yes") ? "scaled " + words.get(1) + " to " + words.get(2)
            : "would scale " + words.get(1) + " from 1 to " + words.get(2) + " instances; --yes runs it", null));
        }
      }
      case "drop" -> ws.close((short) 1011, "dropped on purpose");
      case "expire" -> {
        if (expired.compareAndSet(false, true)) {
          tokens.remove(token);
          ws.close((short) 4401, "token expired");
        } else {
          reply(ws, ok("still here", null));
        }
      }
      default -> reply(ws, failed("BAD_REQUEST", "unknown command '" + words.get(0) + "'")
        .put("error", new JsonObject().put("code", "BAD_REQUEST").put("message", "unknown command '" + words.get(0) + "'")
          .put("details", new JsonObject().put("suggestions", new JsonArray().add("help")))));
    }
  }

  private static JsonObject cmd(String name) {
    return new JsonObject().put("name", name).put("usage", name + " …");
  }

  private static JsonObject ok(String text, Object data) {
    return new JsonObject().put("ok", true).put("text", text).put("data", data);
  }

  private static JsonObject failed(String code, String message) {
    return new JsonObject().put("ok", false).put("text", message).putNull("data")
      .put("error", new JsonObject().put("code", code).put("message", message).putNull("details"));
  }

  private static void reply(ServerWebSocket ws, JsonObject reply) {
    ws.writeTextMessage(reply.encode());
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
