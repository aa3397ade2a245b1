package io.micronet.node;

import io.micronet.shared.config.ClusterTlsFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The start-time check of the event bus's TLS files, on certificates made by {@code scripts/micronet certs} (openssl)
 * the way an operator makes them, and on the mistakes an operator makes with them.
 */
class ClusterTlsCheckTest {

  @TempDir
  static Path dir;
  static Path cluster;
  static Path other;

  @BeforeAll
  static void makeCertificates() throws Exception {
    assumeTrue(run(List.of("openssl", "version")) == 0, "openssl is not installed");
    cluster = dir.resolve("cluster");
    other = dir.resolve("other");
    assertEquals(0, certs("ca", cluster.toString()));
    assertEquals(0, certs("node", cluster.toString(), "a", "127.0.0.1", "node-a.example"));
    assertEquals(0, certs("node", cluster.toString(), "b"));
    assertEquals(0, certs("ca", other.toString()));
    assertEquals(0, certs("node", other.toString(), "x"));
  }

  @Test
  void aNodeCertificateFromTheClusterCaWithItsKeyPasses() {
    assertDoesNotThrow(() -> ClusterTlsCheck.verify(files(cluster, "a", cluster), Instant.now()));
    assertDoesNotThrow(() -> ClusterTlsCheck.verify(files(cluster, "b", cluster), Instant.now()));
  }

  @Test
  void theKeyOfAnotherNodeIsRefused() {
    ClusterTlsFiles mixed = new ClusterTlsFiles(cluster.resolve("b.key").toString(), cluster.resolve("a.crt").toString(),
      cluster.resolve("ca.crt").toString());
    assertRefused(mixed, "MICRONET_CLUSTER_TLS_KEY", "is not the key of the certificate");
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() {
    assertRefused(files(other, "x", cluster), "MICRONET_CLUSTER_TLS_CERT", "was not signed by the cluster CA");
    assertRefused(files(cluster, "a", other), "MICRONET_CLUSTER_TLS_CERT", "was not signed by the cluster CA");
  }

  @Test
  void anExpiredCertificateIsRefused() {
    assertRefused(files(cluster, "a", cluster), Instant.now().plus(Duration.ofDays(900)), "MICRONET_CLUSTER_TLS_CERT", "is valid only from");
  }

  @Test
  void aKeyInAnotherFormatIsRefusedWithTheConversion() throws Exception {
    Path traditional = dir.resolve("a-traditional.key");
    assertEquals(0, run(List.of("openssl", "pkey", "-in", cluster.resolve("a.key").toString(), "-traditional", "-out", traditional.toString())));
    assertTrue(Files.readString(traditional).contains("BEGIN EC PRIVATE KEY"));
    ClusterTlsFiles files = new ClusterTlsFiles(traditional.toString(), cluster.resolve("a.crt").toString(), cluster.resolve("ca.crt").toString());
    assertRefused(files, "MICRONET_CLUSTER_TLS_KEY", "openssl pkcs8 -topk8");
  }

  @Test
  void aServerOnlyCertificateIsRefused() throws Exception {
    Path csr = dir.resolve("s.csr");
    Path ext = Files.writeString(dir.resolve("s.ext"), "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
    assertEquals(0, run(List.of("openssl", "req", "-new", "-key", cluster.resolve("a.key").toString(), "-subj", "/CN=s", "-out", csr.toString())));
    Path cert = dir.resolve("s.crt");
    assertEquals(0, run(List.of("openssl", "x509", "-req", "-in", csr.toString(), "-CA", cluster.resolve("ca.crt").toString(),
      "-CAkey", cluster.resolve("ca.key").toString(), "-set_serial", "7", "-days", "30", "-extfile", ext.toString(), "-out", cert.toString())));
    ClusterTlsFiles files = new ClusterTlsFiles(cluster.resolve("a.key").toString(), cert.toString(), cluster.resolve("ca.crt").toString());
    assertRefused(files, "MICRONET_CLUSTER_TLS_CERT", "serverAuth,clientAuth");
  }

  @Test
  void aCaFileThatIsNotACertificateIsRefused() throws IOException {
    Path notCert = Files.writeString(dir.resolve("bogus.crt"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    ClusterTlsFiles files = new ClusterTlsFiles(cluster.resolve("a.key").toString(), cluster.resolve("a.crt").toString(), notCert.toString());
    assertRefused(files, "MICRONET_CLUSTER_TLS_CA", "is not a PEM certificate");
  }

  @Test
  void theScriptRefusesToOverwriteAKeyAndNeedsACa() throws Exception {
    String before = Files.readString(cluster.resolve("a.key"));
    assertTrue(certs("node", cluster.toString(), "a") != 0, "a second 'certs node … a' must not replace a's key");
    assertEquals(before, Files.readString(cluster.resolve("a.key")));
    assertTrue(certs("node", dir.resolve("no-ca").toString(), "c") != 0);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cluster.resolve("ca.key"))));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cluster.resolve("b.key"))));
  }

  private static void assertRefused(ClusterTlsFiles files, String variable, String reason) {
    assertRefused(files, Instant.now(), variable, reason);
  }

  private static void assertRefused(ClusterTlsFiles files, Instant now, String variable, String reason) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterTlsCheck.verify(files, now));
    assertTrue(e.getMessage().startsWith(variable) && e.getMessage().contains(reason), e.getMessage());
  }

  private static ClusterTlsFiles files(Path nodeDir, String node, Path caDir) {
    return new ClusterTlsFiles(nodeDir.resolve(node + ".key").toString(), nodeDir.resolve(node + ".crt").toString(),
      caDir.resolve("ca.crt").toString());
  }

  /** scripts/micronet certs …, from the verticles module (Maven's working directory) or the project root. */
  private static int certs(String... args) throws Exception {
    Path script = Path.of("../scripts/micronet");
    if (!Files.isRegularFile(script)) {
      script = Path.of("scripts/micronet");
    }
    List<String> command = new ArrayList<>(List.of(script.toString(), "certs"));
    command.addAll(List.of(args));
    return run(command);
  }

  private static int run(List<String> command) throws Exception {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return -1;
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
    if (process.exitValue() != 0) {
      System.out.println(String.join(" ", command) + " -> " + process.exitValue() + ": " + output);
    }
    return process.exitValue();
  }
}
