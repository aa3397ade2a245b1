package io.micronet.tools.cli;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code micronet chat} against {@link ChatTestServer}, a stand-in speaking the /ws/chatops protocol: one-shot commands
 * and their exit codes, --json, piped sessions, confirmation, sign-in (cache, renewal after a refusal and after 4401)
 * and reconnection. The all-in-one test runs it against the real gateway.
 */
class ChatClientTest {

  private static ChatTestServer server;

  @TempDir
  Path home;

  @BeforeAll
  static void start() {
    server = new ChatTestServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void clean() {
    server.commands.clear();
  }

  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("MICRONET_URL", server.url(), "XDG_CACHE_HOME", home.resolve("cache").toString(),
      "HOME", home.toString()));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private CliRunner.Result manager(String stdin, String... args) {
    return CliRunner.run(env("MICRONET_PASSWORD", ChatTestServer.MANAGER_PASSWORD), stdin, args);
  }

  private static void assertExit(int code, CliRunner.Result result) {
    assertEquals(code, result.exitCode(), result::toString);
    assertFalse(result.err().contains("Exception") || result.err().contains("\tat "), () -> "no stack trace: " + result);
  }

  @Test
  void oneCommandPrintsItsTextAndATableOfItsList() {
    CliRunner.Result status = manager("", "chat", "status");
    assertExit(ExitCodes.OK, status);
    assertEquals("platform UP: 2 services\n", status.out());

    CliRunner.Result services = manager("", "chat", "services");
    assertExit(ExitCodes.OK, services);
    assertEquals("""
      2 services

      NAME      STATUS  INSTANCES
      products  UP              1
      users     DOWN            0
      """, services.out());
    assertEquals(List.of("status", "services"), server.commands);
  }

  @Test
  void wordsAreOneCommandAndYesIsPassedOn() {
    CliRunner.Result result = manager("", "chat", "stop", "products", "--yes");
    assertExit(ExitCodes.OK, result);
    assertEquals("stopped products-1 on node-a\n", result.out());
    assertEquals(List.of("stop products --yes"), server.commands);

    server.commands.clear();
    assertExit(ExitCodes.PLATFORM_ERROR, manager("", "chat", "fail", "products", "error", "5", "--rate", "0.5", "--yes"));
    assertEquals(List.of("fail products error 5 --rate 0.5 --yes"), server.commands, "flags of the command are its own");
  }

  @Test
  void aFailedReplyIsOnStderrWithANonZeroExit() {
    CliRunner.Result result = manager("", "chat", "boom");
    assertExit(ExitCodes.PLATFORM_ERROR, result);
    assertEquals("", result.out());
    assertEquals("unknown command 'boom' (BAD_REQUEST)\n  suggestions: help\n", result.err());
  }

  @Test
  void jsonPrintsTheRawReplyEvenAFailedOne() {
    CliRunner.Result ok = manager("", "--json", "chat", "whoami");
    assertExit(ExitCodes.OK, ok);
    JsonObject reply = new JsonObject(ok.out());
    assertEquals(true, reply.getBoolean("ok"));
    assertEquals("manager", reply.getJsonObject("data").getString("username"));

    CliRunner.Result failed = manager("", "chat", "--json", "boom");
    assertExit(ExitCodes.PLATFORM_ERROR, failed);
    assertEquals("BAD_REQUEST", new JsonObject(failed.out()).getJsonObject("error").getString("code"));
  }

  @Test
  void aClientForbiddenCommandIsExitFive() {
    CliRunner.Result result = CliRunner.run(env("MICRONET_USER", "alice", "MICRONET_PASSWORD", ChatTestServer.ALICE_PASSWORD), "",
      "chat", "scale", "products", "2");
    assertExit(ExitCodes.FORBIDDEN, result);
    assertEquals("scale needs a manager (FORBIDDEN)\n", result.err());
  }

  @Test
  void aRefusedTokenIsExitFourAndAWrongPasswordToo() {
    CliRunner.Result forged = CliRunner.run(env("MICRONET_TOKEN", "forged"), "", "chat", "status");
    assertExit(ExitCodes.AUTH_FAILED, forged);
    assertTrue(forged.err().startsWith("micronet: the platform refused the token"), forged::toString);

    CliRunner.Result wrong = CliRunner.run(env("MICRONET_PASSWORD", "not it"), "", "chat", "status");
    assertExit(ExitCodes.AUTH_FAILED, wrong);
    assertEquals("micronet: login as manager at " + server.url() + " failed: wrong username or password\n", wrong.err());
    assertTrue(server.commands.isEmpty());
  }

  @Test
  void theCachedTokenIsUsedAndARefusedOneCostsOneLogin() {
    assertExit(ExitCodes.OK, manager("", "chat", "status"));
    int logins = server.logins.get();
    // a wrong password: exit 0 proves the cached token was used
    assertExit(ExitCodes.OK, CliRunner.run(env("MICRONET_PASSWORD", "not it"), "", "chat", "status"));
    assertEquals(logins, server.logins.get(), "no login");

    server.revokeAll();
    int refused = server.refusedUpgrades.get();
    assertExit(ExitCodes.OK, manager("", "chat", "status"));
    assertEquals(logins + 1, server.logins.get(), "one fresh login");
    assertEquals(refused + 1, server.refusedUpgrades.get());
  }

  @Test
  void aPipeIsAnsweredLineByLineUntilExitWithTheFirstFailuresCode() {
    CliRunner.Result result = manager("help\n\n# a comment\nstatus\nboom\nstop products\nexit\nstatus\n", "chat");
    assertExit(ExitCodes.PLATFORM_ERROR, result);
    assertEquals(List.of("help", "status", "boom", "stop products"), server.commands, "nothing after exit, no --yes");
    assertEquals("""
      commands: help, whoami, status, services, stop, scale
      platform UP: 2 services
      would stop products-1 on node-a; add --yes to run it
      """, result.out());
    assertTrue(result.err().contains("unknown command 'boom'"), result::toString);

    CliRunner.Result allOk = manager("whoami\nstatus", "chat");
    assertExit(ExitCodes.OK, allOk);
    assertTrue(allOk.out().endsWith("platform UP: 2 services\n"), allOk::toString);
  }

  @Test
  void thePasswordComesFirstOnStdinThenTheCommands() {
    CliRunner.Result result = CliRunner.run(env("MICRONET_USER", "alice"), ChatTestServer.ALICE_PASSWORD + "\nwhoami\nhelp\n",
      "chat", "--password-stdin");
    assertExit(ExitCodes.OK, result);
    assertTrue(result.out().startsWith("you are alice (client)\n"), result::toString);
    assertEquals(List.of("whoami", "help"), server.commands);
  }

  @Test
  void aDroppedConnectionLosesThatReplyAndTheNextCommandReconnects() {
    int before = server.connections.get();
    CliRunner.Result result = manager("drop\nstatus\n", "chat");
    assertExit(ExitCodes.UNREACHABLE, result);
    assertTrue(result.err().contains("the connection closed before the reply came (dropped on purpose, code 1011): "
      + "the command may have run"), result::toString);
    assertEquals("platform UP: 2 services\n", result.out());
    assertEquals(List.of("drop", "status"), server.commands, "the dropped command is not sent again");
    assertEquals(before + 2, server.connections.get());
  }

  @Test
  void anExpiredSessionSignsInAgainAndSendsTheCommandOnce() {
    int logins = server.logins.get();
    CliRunner.Result result = manager("expire\nstatus\n", "chat");
    assertExit(ExitCodes.OK, result);
    assertTrue(result.err().contains("the session expired"), result::toString);
    assertEquals("still here\nplatform UP: 2 services\n", result.out());
    assertEquals(logins + 2, server.logins.get(), "the first login and one after the 4401");
  }

  /** The prompt on a terminal over given streams (JLine's dumb terminal), fed as if typed; exit 0 and what it printed. */
  private String typed(String keys, String... env) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
         PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      Map<String, String> vars = env(env);
      vars.putAll(Map.of("MICRONET_PASSWORD", ChatTestServer.MANAGER_PASSWORD, "NO_COLOR", "1"));
      Terminal terminal = new Terminal(vars, new ByteArrayInputStream(keys.getBytes(StandardCharsets.UTF_8)), o, e, true, null);
      code = ManagerCli.run(new String[] {"chat"}, terminal);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCodes.OK, code, printed + err);
    return printed;
  }

  @Test
  void tabCompletesCommandsAndServicesAskingTheServerOnce() {
    // a terminal that edits lines (a dumb one inserts the tab)
    typed("sto\tpro\t\nn\nsc\tus\t5\nn\n", "TERM", "xterm");
    // help and services asked once, for Tab; the lines as completed
    assertEquals(List.of("help", "services", "stop products", "scale users 5"), server.commands);
  }

  @Test
  void anInteractiveSessionAsksBeforeRunningAndKeepsAHistory() throws IOException {
    String printed = typed("stop products\ny\nscale products 3\nn\n services\nexit\n");
    assertEquals(List.of("stop products", "stop products --yes", "scale products 3", "services"), server.commands);
    assertTrue(printed.contains("connected to ws://127.0.0.1:"), printed);
    assertTrue(printed.contains("would stop products-1 on node-a; add --yes to run it"), printed);
    assertTrue(printed.contains("stopped products-1 on node-a"), printed);
    assertFalse(printed.contains("scaled"), printed);
    Path history = home.resolve(".micronet").resolve("chat_history");
    String kept = Files.readString(history);
    assertTrue(kept.contains("stop products") && kept.contains("scale products 3"), kept);
    assertFalse(kept.contains("services"), "a line typed with a leading space is not kept: " + kept);
    assertFalse(kept.lines().anyMatch(l -> l.endsWith(":y") || l.endsWith(":n") || l.equals("y")), "answers are not kept: " + kept);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(history)));
  }
}
