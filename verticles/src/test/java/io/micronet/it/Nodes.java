package io.micronet.it;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The node JVMs of the multi-JVM tests: each a separate {@code java -jar micronet.jar …} started from a
 * private copy of the built fat jar (system property {@code micronet.jar}, set by maven-failsafe), its output
 * in {@code target/<dir>/<node>.log}. Every JVM started here is killed by {@link #close()}, and by a shutdown
 * hook should the test JVM itself be stopped first. Also the waiting that the tests share: polling a
 * condition while watching that no node died unexpectedly.
 */
final class Nodes implements AutoCloseable {

  /** The JVM flags of scripts/micronet (Hazelcast on Java 17+, logging through SLF4J). */
  static final List<String> JVM_FLAGS = List.of(
    "--add-modules", "java.se",
    "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens", "java.base/java.lang=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens", "java.management/sun.management=ALL-UNNAMED",
    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
    "-Dvertx.logger-delegate-factory-class-name=io.vertx.core.logging.SLF4JLogDelegateFactory",
    "-Dhazelcast.logging.type=slf4j");

  /** The launcher flags of a cluster node on loopback. */
  static final List<String> CLUSTER_ARGS = List.of("-cluster", "-cluster-host", "127.0.0.1");

  /** One node JVM: its process (the java process itself, no wrapper), its log, its environment (to restart it alike). */
  record Node(String name, Process process, Path log, Map<String, String> env, long startedNanos) {

    boolean alive() {
      return process.isAlive();
    }

    /** This node's cluster node id, as it logs it once started ("node started", field nodeId). */
    Optional<String> clusterNodeId() {
      return logLines().filter(line -> line.startsWith("{"))
        .map(Nodes::parseJson)
        .filter(json -> json != null && "node started".equals(json.getString("message")))
        .map(json -> json.getString("nodeId"))
        .findFirst();
    }

    Stream<String> logLines() {
      try {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream();
      } catch (IOException e) {
        return Stream.empty();
      }
    }

    String logTail() {
      List<String> lines = logLines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
  }

  private final Path workDir;
  private final Path jar;
  private final List<Node> nodes = new CopyOnWriteArrayList<>();
  /** Nodes the test killed or stopped on purpose: their exit is expected. */
  private final Set<Node> stoppedByTest = ConcurrentHashMap.newKeySet();
  private final Thread killOnExit;

  private Nodes(Path workDir, Path jar) {
    this.workDir = workDir;
    this.jar = jar;
    this.killOnExit = new Thread(this::killAll, "it-kill-nodes-" + workDir.getFileName());
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /**
   * A fresh {@code target/<dirName>} (emptied first) holding a private copy of the built jar: a concurrent
   * {@code mvn package} may rewrite the built jar while the nodes run.
   */
  static Nodes create(String dirName) throws IOException {
    String builtJar = System.getProperty("micronet.jar");
    assertTrue(builtJar != null && Files.isRegularFile(Path.of(builtJar)),
      "system property micronet.jar must name the built fat jar (set by maven-failsafe), got " + builtJar);
    Path workDir = Path.of(builtJar).toAbsolutePath().getParent().resolve(dirName);
    deleteRecursively(workDir);
    Files.createDirectories(workDir);
    Path jar = Files.copy(Path.of(builtJar), workDir.resolve("micronet.jar"), StandardCopyOption.REPLACE_EXISTING);
    return new Nodes(workDir, jar);
  }

  Path workDir() {
    return workDir;
  }

  /**
   * Starts {@code java <JVM_FLAGS> -jar micronet.jar <args>} in {@code workingDir} (created if missing) with
   * exactly the given MicroNet environment: nothing of the developer's own {@code MICRONET_*} settings leaks in.
   * Its output goes to {@code <workDir>/<name>.log}.
   */
  Node start(String name, Path workingDir, Map<String, String> env, List<String> args) {
    return start(name, workingDir, env, List.of(), args);
  }

  /**
   * As {@link #start(String, Path, Map, List)}, the command after {@code launcher}: a program that execs it, such as
   * {@code ip netns exec <host>} ({@link NetBed#inHost}), so that the process is still the JVM itself.
   */
  Node start(String name, Path workingDir, Map<String, String> env, List<String> launcher, List<String> args) {
    Path log = workDir.resolve(name + ".log");
    List<String> command = new ArrayList<>(launcher);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    try {
      Files.createDirectories(workingDir);
      ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workingDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
      // nothing of the developer's own MicroNet settings leaks into the nodes
      builder.environment().keySet().removeIf(variable -> variable.startsWith("MICRONET_"));
      builder.environment().putAll(env);
      Node node = new Node(name, builder.start(), log, Map.copyOf(env), System.nanoTime());
      nodes.add(node);
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + name, e);
    }
  }

  /**
   * A cluster node inside host {@code host} of {@code bed}, announcing the host's address ({@link NetBed#clusterArgs}); as
   * {@link #start(String, Path, Map, List)} otherwise.
   */
  Node startOnHost(NetBed bed, int host, String name, Path workingDir, Map<String, String> env) {
    return start(name, workingDir, env, bed.inHost(host), bed.clusterArgs(host));
  }

  /** The event-bus TLS settings of a node: {@code certs/<certName>.key|.crt} and {@code certs/ca.crt} (see {@link #certs}). */
  static Map<String, String> clusterTls(Path certs, String certName) {
    return Map.of(
      "MICRONET_CLUSTER_TLS_KEY", certs.resolve(certName + ".key").toString(),
      "MICRONET_CLUSTER_TLS_CERT", certs.resolve(certName + ".crt").toString(),
      "MICRONET_CLUSTER_TLS_CA", certs.resolve("ca.crt").toString());
  }

  /** {@code scripts/micronet certs …} of this checkout (found from the built jar: <root>/verticles/target/micronet.jar). */
  static void certs(String... args) throws IOException, InterruptedException {
    Path root = Path.of(System.getProperty("micronet.jar")).toAbsolutePath().getParent().getParent().getParent();
    List<String> command = new ArrayList<>(List.of(root.resolve("scripts/micronet").toString(), "certs"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "scripts/micronet certs did not finish");
    assertEquals(0, process.exitValue(), () -> String.join(" ", command) + ":\n" + output);
  }

  /** SIGKILL, like kill -9: no shutdown hook, no unpublishing. Returns when the process is gone (its nanoTime of death). */
  long kill9(Node node) {
    stoppedByTest.add(node);
    long killed = System.nanoTime();
    node.process().destroyForcibly();
    awaitExit(node);
    return killed;
  }

  /** Marks a node whose exit the test causes itself (say a SIGTERM), so {@link #awaitUntil} does not fail on it. */
  void expectExit(Node node) {
    stoppedByTest.add(node);
  }

  /** Waits for a node the test killed to be gone (at most 10 s: SIGKILL does not take longer). */
  void awaitExit(Node node) {
    try {
      assertTrue(node.process().waitFor(10, TimeUnit.SECONDS), "node " + node.name() + " did not die on SIGKILL");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  void killAll() {
    for (Node node : nodes) {
      node.process().destroyForcibly();
    }
    for (Node node : nodes) {
      try {
        node.process().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Kills every node JVM started here and drops the shutdown hook. */
  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // the test JVM is already shutting down: the hook runs anyway
    }
  }

  /**
   * Polls {@code condition} until it holds, at most {@code limit} after {@code sinceNanos}; returns the
   * time from {@code sinceNanos} to success. An exception in the condition (say the gateway is not
   * listening yet) counts as "not yet"; an assertion failure in it fails at once, as does the death of a
   * node the test did not kill.
   */
  Duration awaitUntil(String description, Duration limit, long sinceNanos, BooleanSupplier condition) {
    long deadline = sinceNanos + limit.toNanos();
    Exception lastError = null;
    while (true) {
      assertNoNodeDiedUnexpectedly();
      try {
        if (condition.getAsBoolean()) {
          return elapsedSince(sinceNanos);
        }
      } catch (Exception e) { // Future.await() rethrows checked ones too, e.g. ConnectException
        lastError = e;
      }
      if (System.nanoTime() > deadline) {
        fail("not within " + limit.toSeconds() + " s: " + description
          + (lastError == null ? "" : " (last error: " + lastError + ")") + "; node logs in " + workDir);
      }
      pause(100);
    }
  }

  void assertNoNodeDiedUnexpectedly() {
    for (Node node : nodes) {
      if (!node.alive() && !stoppedByTest.contains(node)) {
        fail("node " + node.name() + " exited with status " + node.process().exitValue() + "; its log ends with:\n" + node.logTail());
      }
    }
  }

  // ---- small utilities -----------------------------------------------------------------------------

  static JsonObject parseJson(String text) {
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A random token signing key for MICRONET_JWT_SECRET (256 bits, URL-safe). */
  static String randomSecret() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }

  static Duration elapsedSince(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted((x, y) -> y.compareTo(x)).toList()) {
        Files.delete(path);
      }
    }
  }
}
