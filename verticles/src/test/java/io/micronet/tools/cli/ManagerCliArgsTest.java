package io.micronet.tools.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line itself: usage errors are exit 2 with a short usage, help is exit 0, no gateway is exit 3. */
class ManagerCliArgsTest {

  @TempDir
  Path cache;

  private CliRunner.Result run(String... args) {
    return CliRunner.run(Map.of("XDG_CACHE_HOME", cache.toString()), "", args);
  }

  private static void assertUsage(CliRunner.Result result, String... mentions) {
    assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
    assertTrue(result.err().contains("usage: micronet"), result::toString);
    for (String mention : mentions) {
      assertTrue(result.err().contains(mention), () -> "'" + mention + "' in " + result);
    }
    assertEquals("", result.out(), "nothing on stdout for a usage error");
    assertFalse(result.err().contains("Exception"), result::toString);
  }

  @Test
  void noCommandIsAUsageError() {
    CliRunner.Result result = run();
    assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
    assertTrue(result.err().contains("Commands:") && result.err().contains("scale"), result::toString);
  }

  @Test
  void anUnknownCommandIsAUsageErrorWithASuggestion() {
    assertUsage(run("stauts"), "'stauts'", "status");
  }

  @Test
  void missingOrMalformedArgumentsAreUsageErrors() {
    assertUsage(run("scale", "products"), "Missing required parameter: 'N'", "micronet scale");
    assertUsage(run("scale", "products", "three"), "'three'");
    assertUsage(run("fail", "products", "boom", "10"), "error, latency, crash", "micronet fail");
    assertUsage(run("fail", "products", "latency", "10", "--latency", "1x"), "100-300");
    assertUsage(run("fail", "products", "error"), "SECONDS");
    assertUsage(run("start"), "SERVICE");
    assertUsage(run("activity", "--size", "many"), "'many'");
    assertUsage(run("list", "--bogus"), "--bogus");
  }

  @Test
  void aBadUrlOrMixedCredentialsAreUsageErrors() {
    assertUsage(run("--url", "ftp://example.com", "status"), "http(s)://host[:port]");
    assertUsage(run("list", "--url", "localhost:8000"), "http(s)://host[:port]");
    assertUsage(run("--token", "x.y.z", "--user", "alice", "list"), "--token");
  }

  @Test
  void helpNamesTheCommandsTheExitCodesAndTheVariables() {
    CliRunner.Result result = run("--help");
    assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
    for (String word : new String[] {"status", "nodes", "health", "metrics", "list", "start", "stop", "scale", "fail",
      "recover", "activity", "MICRONET_URL", "MICRONET_USER", "MICRONET_PASSWORD", "MICRONET_TOKEN", "Exit codes"}) {
      assertTrue(result.out().contains(word), () -> word + " in " + result);
    }
    CliRunner.Result fail = run("fail", "--help");
    assertEquals(ExitCodes.OK, fail.exitCode(), fail::toString);
    assertTrue(fail.out().contains("--latency") && fail.out().contains("--rate") && fail.out().contains("--instance"), fail::toString);
  }

  @Test
  void noGatewayOnThePortIsExitThree() throws IOException {
    String url = "http://127.0.0.1:" + closedPort();
    CliRunner.Result status = run("--url", url, "status");
    assertEquals(ExitCodes.UNREACHABLE, status.exitCode(), status::toString);
    assertEquals("micronet: no gateway at " + url + ": connection refused\n", status.err());
    // a command that signs in first says the same (the login cannot reach it either)
    CliRunner.Result list = CliRunner.run(Map.of("XDG_CACHE_HOME", cache.toString(), "MICRONET_URL", url,
      "MICRONET_PASSWORD", "secret"), "", "list");
    assertEquals(ExitCodes.UNREACHABLE, list.exitCode(), list::toString);
    assertTrue(list.err().startsWith("micronet: no gateway at " + url), list::toString);
  }

  @Test
  void anUnknownHostIsExitThree() {
    CliRunner.Result result = run("--url", "http://no-such-host.invalid:8000", "status");
    assertEquals(ExitCodes.UNREACHABLE, result.exitCode(), result::toString);
    assertTrue(result.err().contains("no gateway at http://no-such-host.invalid:8000"), result::toString);
  }

  @Test
  void withoutAPasswordAndWithoutATerminalTheLoginIsNotTried() throws IOException {
    // nothing listens there: had it tried to log in, this would be exit 3
    String url = "http://127.0.0.1:" + closedPort();
    CliRunner.Result result = run("--url", url, "list");
    assertEquals(ExitCodes.AUTH_FAILED, result.exitCode(), result::toString);
    assertTrue(result.err().contains("no password for manager at " + url), result::toString);
    assertTrue(result.err().contains("MICRONET_PASSWORD") && result.err().contains("--password-stdin"), result::toString);
  }

  /** A loopback port nothing listens on (bound, then released). */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
