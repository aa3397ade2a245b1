package io.micronet.gateway;

import io.micronet.tools.cli.CliRunner;
import io.micronet.tools.cli.ExitCodes;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code scripts/micronet chat} run in this JVM against the all-in-one's real {@code /ws/chatops} and chatops service:
 * one command ({@code help}, {@code status}, --json), a session fed through a pipe (a stop without --yes changes
 * nothing), a client refused a manager's command (exit 5), a forged token refused at the upgrade (exit 4).
 */
class ChatAllInOneTest {

  @TempDir
  static Path dataDir;

  private static AllInOne app;
  private static String url;

  @TempDir
  Path home;

  @BeforeAll
  static void start() {
    app = AllInOne.start(dataDir, new JsonObject());
    url = "http://" + AllInOne.HOST + ":" + app.port;
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
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

  private CliRunner.Result manager(String stdin, String... args) {
    CliRunner.Result result = CliRunner.run(env("MICRONET_PASSWORD", AllInOne.ADMIN_PASSWORD), stdin, args);
    assumeFalse(result.err().contains("has no /ws/chatops"), "/ws/chatops is not in this gateway yet");
    return result;
  }

  private static void assertExit(int code, CliRunner.Result result) {
    assertEquals(code, result.exitCode(), result::toString);
    assertFalse(result.err().contains("Exception") || result.err().contains("\tat "), () -> "no stack trace: " + result);
  }

  @Test
  void helpAndStatusAsOneCommandEach() {
    CliRunner.Result help = manager("", "chat", "help");
    assertExit(ExitCodes.OK, help);
    for (String command : new String[] {"status", "stop", "scale", "broadcast"}) {
      assertTrue(help.out().contains(command), () -> command + " in a manager's help: " + help);
    }

    CliRunner.Result status = manager("", "chat", "status");
    assertExit(ExitCodes.OK, status);
    assertTrue(status.out().contains("products"), status::toString);

    CliRunner.Result json = manager("", "--json", "chat", "whoami");
    assertExit(ExitCodes.OK, json);
    JsonObject reply = new JsonObject(json.out());
    assertEquals(true, reply.getBoolean("ok"), json::toString);
    assertTrue(reply.containsKey("text") && reply.containsKey("data"), json::toString);
  }

  @Test
  void aSessionThroughAPipeAsksNothingAndAStopWithoutYesChangesNothing() {
    CliRunner.Result session = manager("whoami\n\nstatus\nstop products\nhistory 3\nexit\nstop products --yes\n", "chat");
    assertExit(ExitCodes.OK, session);
    assertTrue(session.out().contains("manager"), session::toString);
    assertTrue(session.out().contains("--yes"), () -> "the stop says how to run it: " + session);
    assertEquals(200, app.call(HttpMethod.GET, "/api/products").send().statusCode(), "products still answers");
    app.awaitProducts("UP", 1);
  }

  @Test
  void aClientMayNotStopAndAForgedTokenIsRefused() {
    CliRunner.Result client = CliRunner.run(env("MICRONET_TOKEN", app.clientToken()), "", "chat", "stop", "products", "--yes");
    assumeFalse(client.err().contains("has no /ws/chatops"), "/ws/chatops is not in this gateway yet");
    assertExit(ExitCodes.FORBIDDEN, client);
    app.awaitProducts("UP", 1);

    CliRunner.Result help = CliRunner.run(env("MICRONET_TOKEN", app.clientToken()), "", "chat", "help");
    assertExit(ExitCodes.OK, help);
    assertFalse(help.out().contains("scale"), () -> "a client's help lists no scale: " + help);

    CliRunner.Result forged = CliRunner.run(env("MICRONET_TOKEN", app.forgedToken()), "", "chat", "status");
    assertExit(ExitCodes.AUTH_FAILED, forged);
    assertTrue(forged.err().startsWith("micronet: the platform refused the token"), forged::toString);
  }
}
