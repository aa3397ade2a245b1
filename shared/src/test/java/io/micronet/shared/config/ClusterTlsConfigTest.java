package io.micronet.shared.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster's transport settings: TLS files (all three or none, readable PEM), the insecure override, the event-bus port. */
class ClusterTlsConfigTest {

  @TempDir
  Path dir;

  @Test
  void defaultsAreNoTlsNotInsecureAndARandomEventBusPort() {
    MicronetConfig config = MicronetConfig.load(new JsonObject(), Map.of());
    assertTrue(config.clusterTls().isEmpty());
    assertFalse(config.clusterInsecure());
    assertEquals(0, config.clusterEventBusPort());
  }

  @Test
  void envSetsTheFilesTheOverrideAndThePort() throws IOException {
    Map<String, String> env = tlsEnv();
    env.put("MICRONET_CLUSTER_INSECURE", "true");
    env.put("MICRONET_CLUSTER_EVENTBUS_PORT", "17001");
    MicronetConfig config = MicronetConfig.load(new JsonObject(), env);
    ClusterTlsFiles tls = config.clusterTls().orElseThrow();
    assertEquals(dir.resolve("node.key").toString(), tls.keyPath());
    assertEquals(dir.resolve("node.crt").toString(), tls.certPath());
    assertEquals(dir.resolve("ca.crt").toString(), tls.caPath());
    assertTrue(config.clusterInsecure());
    assertEquals(17001, config.clusterEventBusPort());
  }

  @Test
  void confFileSetsThemToo() throws IOException {
    tlsEnv();
    JsonObject conf = new JsonObject().put("cluster", new JsonObject()
      .put("eventBusPort", 17002)
      .put("tls", new JsonObject()
        .put("keyPath", dir.resolve("node.key").toString())
        .put("certPath", dir.resolve("node.crt").toString())
        .put("caPath", dir.resolve("ca.crt").toString())));
    MicronetConfig config = MicronetConfig.load(conf, Map.of());
    assertTrue(config.clusterTls().isPresent());
    assertEquals(17002, config.clusterEventBusPort());
    assertEquals("micronet", config.clusterName(), "the other cluster keys keep their defaults");
  }

  @Test
  void someButNotAllFilesNameTheMissingKeys() throws IOException {
    Map<String, String> env = tlsEnv();
    env.remove("MICRONET_CLUSTER_TLS_CA");
    env.remove("MICRONET_CLUSTER_TLS_CERT");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MicronetConfig.load(new JsonObject(), env));
    assertTrue(e.getMessage().contains("MICRONET_CLUSTER_TLS_CA"), e.getMessage());
    assertTrue(e.getMessage().contains("MICRONET_CLUSTER_TLS_CERT"), e.getMessage());
    assertFalse(e.getMessage().contains("MICRONET_CLUSTER_TLS_KEY"), e.getMessage());
  }

  @Test
  void aMissingFileNamesItsKey() throws IOException {
    Map<String, String> env = tlsEnv();
    env.put("MICRONET_CLUSTER_TLS_KEY", dir.resolve("nope.key").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MicronetConfig.load(new JsonObject(), env));
    assertTrue(e.getMessage().contains("MICRONET_CLUSTER_TLS_KEY") && e.getMessage().contains("nope.key"), e.getMessage());
  }

  @Test
  void aDirectoryOrANonPemFileIsRefused() throws IOException {
    Map<String, String> env = tlsEnv();
    env.put("MICRONET_CLUSTER_TLS_CA", dir.toString());
    IllegalArgumentException directory = assertThrows(IllegalArgumentException.class, () -> MicronetConfig.load(new JsonObject(), env));
    assertTrue(directory.getMessage().contains("MICRONET_CLUSTER_TLS_CA"), directory.getMessage());

    Path der = Files.write(dir.resolve("ca.der"), new byte[] {0x30, (byte) 0x82, 0x01, 0x0a});
    env.put("MICRONET_CLUSTER_TLS_CA", der.toString());
    IllegalArgumentException notPem = assertThrows(IllegalArgumentException.class, () -> MicronetConfig.load(new JsonObject(), env));
    assertTrue(notPem.getMessage().contains("MICRONET_CLUSTER_TLS_CA") && notPem.getMessage().contains("PEM"), notPem.getMessage());
  }

  @Test
  void anUnreadableFileIsRefused() throws IOException {
    Map<String, String> env = tlsEnv();
    Path key = dir.resolve("node.key");
    assertTrue(key.toFile().setReadable(false, false));
    if (Files.isReadable(key)) {
      return; // root reads everything: nothing to check here
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MicronetConfig.load(new JsonObject(), env));
    assertTrue(e.getMessage().contains("MICRONET_CLUSTER_TLS_KEY"), e.getMessage());
  }

  @Test
  void badPortAndBadTlsSectionAreRefused() {
    IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
      () -> MicronetConfig.load(new JsonObject(), Map.of("MICRONET_CLUSTER_EVENTBUS_PORT", "70000")));
    assertTrue(port.getMessage().contains("MICRONET_CLUSTER_EVENTBUS_PORT"), port.getMessage());
    assertThrows(IllegalArgumentException.class,
      () -> MicronetConfig.load(new JsonObject().put("cluster", new JsonObject().put("tls", "yes")), Map.of()));
    assertThrows(IllegalArgumentException.class,
      () -> MicronetConfig.load(new JsonObject().put("cluster", new JsonObject().put("insecure", "yes")), Map.of()));
  }

  @Test
  void aRebuiltConfigDoesNotNeedTheFilesAgain() throws IOException {
    MicronetConfig config = MicronetConfig.load(new JsonObject(), tlsEnv());
    Files.delete(dir.resolve("ca.crt"));
    // verticles rebuild the merged config on an event loop: no file access there
    assertTrue(MicronetConfig.of(config.json()).clusterTls().isPresent());
  }

  /** Three small PEM-looking files and the env naming them. */
  private Map<String, String> tlsEnv() throws IOException {
    Files.writeString(dir.resolve("node.key"), "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n");
    Files.writeString(dir.resolve("node.crt"), "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n");
    Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n");
    Map<String, String> env = new HashMap<>();
    env.put("MICRONET_CLUSTER_TLS_KEY", dir.resolve("node.key").toString());
    env.put("MICRONET_CLUSTER_TLS_CERT", dir.resolve("node.crt").toString());
    env.put("MICRONET_CLUSTER_TLS_CA", dir.resolve("ca.crt").toString());
    return env;
  }
}
