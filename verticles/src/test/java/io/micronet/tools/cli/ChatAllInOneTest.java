package io.micronet.tools.cli;

import io.micronet.node.NodeVerticle;
import io.micronet.shared.config.MicronetConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code scripts/micronet chat} run in this JVM against the whole all-in-one as {@code scripts/micronet start} runs it
 * (one node agent placing every service, chatops and the gateway's {@code /ws/chatops} included): {@code help},
 * {@code status} and {@code --json} as one command each, a session fed through a pipe (a stop without --yes changes
 * nothing), a client refused a manager's command (exit 5), a forged token refused at the upgrade (exit 4).
 */
class ChatAllInOneTest {

  private static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();

  @TempDir
  static Path dataDir;

  private static Vertx vertx;
  private static String url;

  @TempDir
  Path home;

  @BeforeAll
  static void start() throws Exception {
    int port = freePort();
    JsonObject given = new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
      .put("grpc", new JsonObject().put("port", freePort()))
      .put("storage", new JsonObject().put("dataDir", dataDir.toString()).putNull("dbUrl"))
      .put("security", new JsonObject().put("jwtSecret", UUID.randomUUID() + "-" + UUID.randomUUID())
        .put("adminPassword", ADMIN_PASSWORD))
      .put("node", new JsonObject().put("shutdownGraceSeconds", 2).put("name", "solo"));
    // no environment: a MICRONET_* variable of the machine running the tests must not change what is tested
    JsonObject config = MicronetConfig.load(given, Map.of()).json();
    vertx = Vertx.vertx();
    vertx.deployVerticle(new NodeVerticle(), new DeploymentOptions().setConfig(config)).await(120, TimeUnit.SECONDS);
    url = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(60, TimeUnit.SECONDS);
    }
  }

  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("MICRONET_URL", url, "XDG_CACHE_HOME", home.resolve("cache").toString(),
      "HOME", home.toString()));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private CliRunner.Result run(Map<String, String> env, String stdin, String... args) {
    CliRunner.Result result = CliRunner.run(env, stdin, args);
    assumeFalse(result.err().contains("has no /ws/chatops"), "/ws/chatops is not in this gateway yet");
    return result;
  }

  private CliRunner.Result manager(String stdin, String... args) {
    return run(env("MICRONET_PASSWORD", ADMIN_PASSWORD), stdin, args);
  }

  /** Until the node agent has placed everything, a command may answer 503: asked again (bounded), as a person would. */
  private CliRunner.Result managerWhenUp(String... args) throws InterruptedException {
    CliRunner.Result result = manager("", args);
    for (int i = 0; i < 300 && result.exitCode() != ExitCodes.OK && result.err().contains("SERVICE_UNAVAILABLE"); i++) {
      Thread.sleep(100);
      result = manager("", args);
    }
    return result;
  }

  private static void assertExit(int code, CliRunner.Result result) {
    assertEquals(code, result.exitCode(), result::toString);
    assertFalse(result.err().contains("Exception") || result.err().contains("\tat "), () -> "no stack trace: " + result);
  }

  @Test
  void helpAndStatusAsOneCommandEach() throws InterruptedException {
    CliRunner.Result help = manager("", "chat", "help");
    assertExit(ExitCodes.OK, help);
    for (String command : new String[] {"status", "stop", "scale", "broadcast"}) {
      assertTrue(help.out().contains(command), () -> command + " in a manager's help: " + help);
    }

    CliRunner.Result status = managerWhenUp("chat", "status");
    assertExit(ExitCodes.OK, status);
    assertTrue(status.out().contains("products"), status::toString);

    CliRunner.Result json = manager("", "--json", "chat", "whoami");
    assertExit(ExitCodes.OK, json);
    JsonObject reply = new JsonObject(json.out());
    assertEquals(true, reply.getBoolean("ok"), json::toString);
    assertTrue(reply.containsKey("text") && reply.containsKey("data"), json::toString);
  }

  @Test
  void aSessionThroughAPipeAsksNothingAndAStopWithoutYesChangesNothing() throws InterruptedException {
    assertExit(ExitCodes.OK, managerWhenUp("chat", "status"));
    String before = managerWhenUp("--json", "chat", "services").out();
    CliRunner.Result session = manager("whoami\n\nstatus\nstop products\nhistory 3\nexit\nstop products --yes\n", "chat");
    assertExit(ExitCodes.OK, session);
    assertTrue(session.out().contains("manager"), session::toString);
    assertTrue(session.out().contains("--yes"), () -> "the stop says how to run it: " + session);
    CliRunner.Result history = manager("", "--json", "chat", "history", "10");
    assertTrue(new JsonObject(history.out()).getJsonObject("data").getJsonArray("items").stream()
      .map(item -> ((JsonObject) item).getString("command")).noneMatch("stop products --yes"::equals),
      () -> "nothing after exit was sent: " + history);
    assertEquals(new JsonObject(before).getJsonObject("data"), new JsonObject(manager("", "--json", "chat", "services").out())
      .getJsonObject("data"), "the same instances after a stop without --yes");
  }

  @Test
  void aClientMayNotStopAndAForgedTokenIsRefused() {
    Map<String, String> alice = env("MICRONET_USER", "alice", "MICRONET_PASSWORD", "alice's long secret");
    // alice registers through the REST API first; a login as her is what the CLI does
    CliRunner.Result register = CliRunner.run(env(), "", "status");
    assertExit(ExitCodes.OK, register);
    assertEquals(201, Rest.register(url, "alice", "alice's long secret"));
    CliRunner.Result stop = run(alice, "", "chat", "stop", "products", "--yes");
    assertExit(ExitCodes.FORBIDDEN, stop);

    CliRunner.Result help = run(alice, "", "chat", "help");
    assertExit(ExitCodes.OK, help);
    assertFalse(help.out().contains("scale"), () -> "a client's help lists no scale: " + help);

    CliRunner.Result forged = run(env("MICRONET_TOKEN", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged"), "", "chat", "status");
    assertExit(ExitCodes.AUTH_FAILED, forged);
    assertTrue(forged.err().startsWith("micronet: the platform refused the token"), forged::toString);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The one REST call the CLI has no command for: a client's registration. */
  private static final class Rest {
    static int register(String url, String username, String password) {
      Gateway gateway = new Gateway(url);
      return gateway.send("POST", "/api/auth/register", new JsonObject().put("username", username)
        .put("email", username + "@example.com").put("password", password), null).status();
    }
  }
}
