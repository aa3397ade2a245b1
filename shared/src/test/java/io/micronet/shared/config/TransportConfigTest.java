package io.micronet.shared.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TLS files, purge and readiness settings: defaults, env overrides, and what is refused at start. */
class TransportConfigTest {

  @TempDir
  Path dir;

  @Test
  void defaults() {
    MicronetConfig config = MicronetConfig.load(new JsonObject(), Map.of());
    assertNull(config.httpTls(), "plain HTTP unless configured");
    assertNull(config.grpcTls(), "HTTP/2 cleartext unless configured");
    assertEquals(300, config.grpcIdleTimeoutSeconds());
    assertEquals(1000, config.readinessTimeoutMs());
    assertEquals(Duration.ofHours(24), config.idempotencyTtl());
    assertEquals(3_600_000, config.purgeIntervalMillis());
    assertEquals(Duration.ofDays(7), config.reservationRetention());
  }

  @Test
  void theEnvironmentSetsThemAll() throws IOException {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    Path key = Files.writeString(dir.resolve("key.pem"), "x");
    MicronetConfig config = MicronetConfig.load(new JsonObject(), Map.of(
      "MICRONET_HTTP_TLS_CERT", cert.toString(), "MICRONET_HTTP_TLS_KEY", key.toString(),
      "MICRONET_GRPC_TLS_CERT", cert.toString(), "MICRONET_GRPC_TLS_KEY", key.toString(),
      "MICRONET_GRPC_IDLE_TIMEOUT_SECONDS", "30", "MICRONET_READINESS_TIMEOUT_MS", "250",
      "MICRONET_IDEMPOTENCY_TTL_HOURS", "48", "MICRONET_PURGE_INTERVAL_SECONDS", "600",
      "MICRONET_RESERVATION_RETENTION_HOURS", "24"));
    assertEquals(new TlsFiles(cert.toString(), key.toString()), config.httpTls());
    assertEquals(new TlsFiles(cert.toString(), key.toString()), config.grpcTls());
    assertEquals(30, config.grpcIdleTimeoutSeconds());
    assertEquals(250, config.readinessTimeoutMs());
    assertEquals(Duration.ofHours(48), config.idempotencyTtl());
    assertEquals(600_000, config.purgeIntervalMillis());
    assertEquals(Duration.ofHours(24), config.reservationRetention());
  }

  @Test
  void aCertificateWithoutItsKeyOrAMissingFileIsRefusedAtStart() throws IOException {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    IllegalArgumentException half = assertThrows(IllegalArgumentException.class, () -> MicronetConfig.load(new JsonObject(),
      Map.of("MICRONET_HTTP_TLS_CERT", cert.toString())));
    assertTrue(half.getMessage().contains("http.tls.certPath and http.tls.keyPath must be set together"), half.getMessage());

    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> MicronetConfig.load(new JsonObject(),
      Map.of("MICRONET_GRPC_TLS_CERT", cert.toString(), "MICRONET_GRPC_TLS_KEY", dir.resolve("nope.pem").toString())));
    assertTrue(missing.getMessage().contains("grpc.tls.keyPath must name a readable PEM file"), missing.getMessage());

    IllegalArgumentException noCa = assertThrows(IllegalArgumentException.class, () -> MicronetConfig.load(new JsonObject(),
      Map.of("MICRONET_DB_URL", "postgresql://u:p@db:5432/x?sslmode=verify-ca&sslrootcert=" + dir.resolve("ca.pem"))));
    assertTrue(noCa.getMessage().contains("sslrootcert must name a readable PEM file"), noCa.getMessage());
  }

  @Test
  void aRetentionShorterThanTheOrdersRecoveryCanReachIsRefused() {
    IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class, () -> MicronetConfig.load(new JsonObject()
      .put("services", new JsonObject().put("orders", new JsonObject().put("recoverAfterSeconds", 3600))),
      Map.of("MICRONET_RESERVATION_RETENTION_HOURS", "5")));
    assertTrue(tooShort.getMessage().contains("at least 10"), tooShort.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MicronetConfig.load(new JsonObject(),
      Map.of("MICRONET_IDEMPOTENCY_TTL_HOURS", "0")));
  }
}
