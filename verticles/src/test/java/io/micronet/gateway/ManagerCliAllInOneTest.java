package io.micronet.gateway;

import io.micronet.tools.cli.CliRunner;
import io.micronet.tools.cli.ExitCodes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The manager CLI ({@code scripts/micronet status | list | scale …}) run in this JVM against the all-in-one through
 * real HTTP: tables and {@code --json}, a wrong password (exit 4), a client's credentials (exit 5), a given token,
 * the token cache (the second run does not log in), and usage errors (exit 2). No gateway at all (exit 3) is
 * {@code ManagerCliArgsTest}'s. The commands over the operations endpoints of other parts (nodes, metrics, activity,
 * lifecycle, failures) are the lead's end-to-end test after the merge.
 */
class ManagerCliAllInOneTest {

  @TempDir
  static Path dataDir;

  private static AllInOne app;
  private static String url;

  @TempDir
  Path cache;

  @BeforeAll
  static void start() {
    app = AllInOne.start(dataDir, new JsonObject());
    url = "http://" + AllInOne.HOST + ":" + app.port;
    HttpResponse<Buffer> alice = app.call(HttpMethod.POST, "/api/auth/register").json(new JsonObject()
      .put("username", "alice").put("email", "alice@example.com").put("password", "alice's long secret")).send();
    assertEquals(201, alice.statusCode(), alice.bodyAsString());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("MICRONET_URL", url, "XDG_CACHE_HOME", cache.toString()));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private CliRunner.Result manager(String... args) {
    return CliRunner.run(env("MICRONET_PASSWORD", AllInOne.ADMIN_PASSWORD), "", args);
  }

  private static void assertExit(int code, CliRunner.Result result) {
    assertEquals(code, result.exitCode(), result::toString);
    assertFalse(result.err().contains("Exception") || result.err().contains("\tat "), () -> "no stack trace: " + result);
  }

  @Test
  void statusAsATableAndAsJson() {
    CliRunner.Result table = CliRunner.run(env(), "", "status");
    assertExit(ExitCodes.OK, table);
    List<String> lines = table.out().lines().toList();
    assertEquals("platform UP  " + url, lines.get(0), table::toString);
    assertEquals(List.of("SERVICE", "STATUS", "INSTANCES", "HEALTHY"), List.of(lines.get(2).split("\\s+")), table::toString);
    for (String service : List.of("orders", "products", "users")) {
      assertTrue(lines.stream().anyMatch(l -> l.matches(service + "\\s+UP\\s+1\\s+1")), () -> service + " UP 1 1 in " + table);
    }
    assertFalse(table.out().contains("\u001b["), "no colour without a terminal");

    CliRunner.Result json = CliRunner.run(env(), "", "status", "--json");
    assertExit(ExitCodes.OK, json);
    JsonObject printed = new JsonObject(json.out());
    assertEquals(app.call(HttpMethod.GET, "/status").send().bodyAsJsonObject(), printed, "the reply as the gateway sent it");
  }

  @Test
  void aManagerListsTheInstancesAndTheSecondRunDoesNotLogIn() throws IOException {
    CliRunner.Result first = manager("list");
    assertExit(ExitCodes.OK, first);
    assertTrue(first.out().startsWith("SERVICE"), first::toString);
    assertTrue(first.out().lines().anyMatch(l -> l.matches("products\\s+products-\\S+\\s+\\S+\\s+UP\\s+CLOSED")), first::toString);
    Path tokenFile = onlyFile(cache.resolve("micronet"));
    String cached = Files.readString(tokenFile);
    assertFalse(first.out().contains(new JsonObject(cached).getString("token")), "the token is never printed");

    // a wrong password now: a login would fail (exit 4), so exit 0 proves the cached token was used instead
    CliRunner.Result second = CliRunner.run(env("MICRONET_PASSWORD", "not the password"), "", "list", "--json");
    assertExit(ExitCodes.OK, second);
    assertTrue(new JsonObject(second.out()).getInteger("total") >= 3, second::toString);
    assertEquals(cached, Files.readString(tokenFile), "no new login, no new token");

    // a cached token the platform refuses: one fresh login, and the new token is kept
    Files.writeString(tokenFile, cached.replace(new JsonObject(cached).getString("token"), "refused.by.platform"));
    CliRunner.Result relogin = manager("list");
    assertExit(ExitCodes.OK, relogin);
    String renewed = new JsonObject(Files.readString(tokenFile)).getString("token");
    assertNotEquals("refused.by.platform", renewed);
    assertTrue(renewed.startsWith("ey"), "a JWT again");

    Files.writeString(tokenFile, Files.readString(tokenFile).replace(renewed, "refused.by.platform"));
    CliRunner.Result refusedTwice = CliRunner.run(env("MICRONET_PASSWORD", "not the password"), "", "list");
    assertExit(ExitCodes.AUTH_FAILED, refusedTwice);
  }

  @Test
  void aWrongPasswordIsExitFourWithAClearMessage() {
    CliRunner.Result result = CliRunner.run(env("MICRONET_PASSWORD", "not the password"), "", "list");
    assertExit(ExitCodes.AUTH_FAILED, result);
    assertEquals("micronet: login as manager at " + url + " failed: wrong username or password\n", result.err());
    assertEquals("", result.out());
    assertFalse(Files.exists(cache.resolve("micronet")) && cache.resolve("micronet").toFile().list().length > 0,
      "nothing cached");
  }

  @Test
  void aClientIsExitFiveNamingWhoIsSignedIn() {
    CliRunner.Result list = CliRunner.run(env(), "alice's long secret\n", "--user", "alice", "--password-stdin", "list");
    assertExit(ExitCodes.FORBIDDEN, list);
    assertEquals("micronet: this needs a manager; you are signed in as alice (client)\n", list.err());
  }

  @Test
  void aClientMayNotScale() {
    // the lifecycle routes are another part's: until they are in this gateway, it answers 404 for them
    HttpResponse<Buffer> route = app.call(HttpMethod.POST, "/api/services/products/scale").bearer(app.managerToken())
      .json(new JsonObject().put("instances", 1)).send();
    assumeFalse(route.statusCode() == 404 && route.bodyAsString().contains("no such resource"),
      "POST /api/services/{name}/scale is not in this gateway yet");
    CliRunner.Result scale = CliRunner.run(env("MICRONET_USER", "alice", "MICRONET_PASSWORD", "alice's long secret"), "",
      "scale", "products", "2");
    assertExit(ExitCodes.FORBIDDEN, scale);
    assertTrue(scale.err().contains("signed in as alice (client)"), scale::toString);
  }

  @Test
  void aGivenTokenIsUsedAsItIsAndARefusedOneIsExitFour() {
    CliRunner.Result manager = CliRunner.run(env("MICRONET_TOKEN", app.managerToken()), "", "list");
    assertExit(ExitCodes.OK, manager);
    assertTrue(manager.out().contains("products"), manager::toString);
    assertFalse(Files.exists(cache.resolve("micronet")), "a given token is not cached");

    CliRunner.Result client = CliRunner.run(env(), "", "--token", app.clientToken(), "list");
    assertExit(ExitCodes.FORBIDDEN, client);
    assertTrue(client.err().contains("signed in as alice (client)"), client::toString);

    CliRunner.Result forged = CliRunner.run(env("MICRONET_TOKEN", app.forgedToken()), "", "list");
    assertExit(ExitCodes.AUTH_FAILED, forged);
    assertTrue(forged.err().startsWith("micronet: the platform refused the token from MICRONET_TOKEN"), forged::toString);
  }

  @Test
  void healthShowsAViewEvenWithoutAMonitor() {
    CliRunner.Result health = manager("health");
    assertExit(ExitCodes.OK, health);
    assertTrue(health.out().lines().anyMatch(l -> l.matches("products\\s+UP\\s+1.*")), health::toString);
  }

  @Test
  void badArgumentsAreExitTwoWithTheUsage() {
    CliRunner.Result result = manager("scale", "products");
    assertExit(ExitCodes.USAGE, result);
    assertTrue(result.err().contains("usage: micronet scale [OPTIONS] SERVICE N"), result::toString);
    assertFalse(Files.exists(cache.resolve("micronet")), "no login for a command that cannot run");
  }

  private static Path onlyFile(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> all = files.toList();
      assertEquals(1, all.size(), all::toString);
      return all.get(0);
    }
  }
}
