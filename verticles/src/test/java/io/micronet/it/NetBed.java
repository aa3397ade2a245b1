package io.micronet.it;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Separate hosts for the multi-JVM tests: {@code scripts/netbed} (network namespaces {@code mnh1…mnhN} on a bridge,
 * host K at {@code 10.77.0.(10+K)}, this JVM at {@code 10.77.0.1}; {@code NETBED_PREFIX} / {@code NETBED_SUBNET} as for the
 * script). {@link #up} makes the bed, or skips the test (a
 * JUnit assumption, with the script's reason) where it cannot be made: not root, no {@code ip netns}. {@link #close}
 * removes it, processes inside included; so does a shutdown hook should the test JVM be stopped first, and the next
 * {@code up} removes whatever a killed run left behind.
 */
final class NetBed implements AutoCloseable {

  /** The script's "cannot be made here" status (automake's skip). */
  private static final int SKIP = 77;
  /** The same environment as the script's: two beds at once (helpers, a second checkout) need their own. */
  private static final String PREFIX = System.getenv().getOrDefault("NETBED_PREFIX", "mn");
  private static final String SUBNET = System.getenv().getOrDefault("NETBED_SUBNET", "10.77.0");

  private final Path script;
  private final int hosts;
  private final Thread downOnExit;

  private NetBed(Path script, int hosts) {
    this.script = script;
    this.hosts = hosts;
    this.downOnExit = new Thread(this::down, "it-netbed-down");
  }

  /** A bed of {@code hosts} hosts, or the calling test is skipped (assumption) saying why none can be made here. */
  static NetBed up(int hosts) {
    Path script = script();
    Result check = run(script, "check");
    assumeTrue(check.status() != SKIP, () -> "no multi-host test bed on this machine: " + check.output().strip());
    if (check.status() != 0) {
      fail("scripts/netbed check failed (" + check.status() + "): " + check.output());
    }
    NetBed bed = new NetBed(script, hosts);
    Runtime.getRuntime().addShutdownHook(bed.downOnExit);
    Result up = run(script, "up", Integer.toString(hosts));
    if (up.status() != 0) {
      bed.close();
      fail("scripts/netbed up " + hosts + " failed (" + up.status() + "): " + up.output());
    }
    System.out.println("[netbed] " + up.output().strip());
    return bed;
  }

  /** Host {@code k}'s address (1-based). */
  String address(int k) {
    requireHost(k);
    return SUBNET + "." + (10 + k);
  }

  /** This namespace's address on the bed's bridge: what a server of the test JVM listens on to be reachable from the hosts. */
  String bridgeAddress() {
    return SUBNET + ".1";
  }

  /** Every host's Hazelcast member address, {@code host:5701} (one port each: see conf/cluster.xml on healing). */
  String members() {
    return IntStream.rangeClosed(1, hosts).mapToObj(k -> address(k) + ":5701").collect(Collectors.joining(","));
  }

  /** The Hazelcast member addresses of hosts {@code ks} only, {@code host:5701} each: a cluster on some of the hosts. */
  String members(int... ks) {
    return IntStream.of(ks).mapToObj(k -> address(k) + ":5701").collect(Collectors.joining(","));
  }

  /** The launcher flags of a cluster node on host {@code k}: it announces the host's address. */
  List<String> clusterArgs(int k) {
    return List.of("-cluster", "-cluster-host", address(k));
  }

  /**
   * {@code url}, a PostgreSQL URL of this namespace (the test PostgreSQL listens on 127.0.0.1 only, and a host's
   * loopback is its own), as the hosts reach it: through a TCP relay on the bridge's address that {@code vertx} runs
   * until it is closed. Each connection is relayed as it is, both ways; either side closing closes the other.
   */
  String reachableFromHosts(Vertx vertx, String url) {
    URI uri = URI.create(url);
    String target = uri.getHost();
    int targetPort = uri.getPort() == -1 ? 5432 : uri.getPort();
    NetClient client = vertx.createNetClient();
    int relayPort = vertx.createNetServer().connectHandler(from -> {
      from.pause();
      client.connect(targetPort, target).onComplete(connected -> {
        if (connected.failed()) {
          from.close();
          return;
        }
        NetSocket to = connected.result();
        to.pipeTo(from);
        from.pipeTo(to);
      });
    }).listen(0, bridgeAddress()).await().actualPort();
    return uri.getScheme() + "://" + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@") + bridgeAddress() + ":" + relayPort
      + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  /** The command prefix that runs a program inside host {@code k} (it execs: the process is the program itself). */
  List<String> inHost(int k) {
    requireHost(k);
    return List.of("ip", "netns", "exec", PREFIX + "h" + k);
  }

  /** Host {@code k}'s link stops carrying anything (no socket closed); returns the nanoTime it took effect. */
  long cut(int k) {
    requireHost(k);
    expectSuccess(run(script, "cut", Integer.toString(k)), "cut " + k);
    return System.nanoTime();
  }

  /** Host {@code k}'s link carries traffic again; returns the nanoTime it took effect. */
  long restore(int k) {
    requireHost(k);
    expectSuccess(run(script, "restore", Integer.toString(k)), "restore " + k);
    return System.nanoTime();
  }

  /** Removes the bed (processes inside killed); safe to call twice. */
  @Override
  public void close() {
    down();
    try {
      Runtime.getRuntime().removeShutdownHook(downOnExit);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs anyway
    }
  }

  private void down() {
    Result down = run(script, "down");
    if (down.status() != 0) {
      System.err.println("[netbed] scripts/netbed down failed (" + down.status() + "): " + down.output());
    }
  }

  private void requireHost(int k) {
    if (k < 1 || k > hosts) {
      throw new IllegalArgumentException("host " + k + " is not in this bed of " + hosts);
    }
  }

  private static void expectSuccess(Result result, String what) {
    if (result.status() != 0) {
      fail("scripts/netbed " + what + " failed (" + result.status() + "): " + result.output());
    }
  }

  /** {@code scripts/netbed} of this checkout (found from the built jar: <root>/verticles/target/micronet.jar). */
  private static Path script() {
    String jar = System.getProperty("micronet.jar");
    if (jar == null) {
      fail("system property micronet.jar must name the built fat jar (set by maven-failsafe)");
    }
    Path script = Path.of(jar).toAbsolutePath().getParent().getParent().getParent().resolve("scripts/netbed");
    if (!Files.isExecutable(script)) {
      fail(script + " is missing or not executable");
    }
    return script;
  }

  private record Result(int status, String output) {
  }

  private static Result run(Path script, String... args) {
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, "timed out: " + output);
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, e.toString());
    }
  }
}
