package io.micronet.shared.storage;

import io.micronet.shared.config.DbUrl;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sslmode} and {@code sslrootcert} of {@code MICRONET_DB_URL} become the PostgreSQL client's TLS settings. */
class DatabaseSslTest {

  private static final String BASE = "postgresql://shop:s3cret@db.example:5433/shop";

  @Test
  void withoutSslmodeTheConnectionIsPlainAsBefore() {
    PgConnectOptions options = Database.connectOptions(DbUrl.parse(BASE));
    assertEquals(SslMode.DISABLE, options.getSslMode());
    assertEquals("db.example", options.getHost());
    assertEquals(5433, options.getPort());
    assertEquals("shop", options.getDatabase());
    assertEquals("shop", options.getUser());
    assertEquals("s3cret", options.getPassword());
  }

  @Test
  void everyLibpqModeMapsToTheClientsMode() {
    for (String mode : List.of("disable", "allow", "prefer", "require")) {
      assertEquals(SslMode.of(mode), Database.connectOptions(DbUrl.parse(BASE + "?sslmode=" + mode)).getSslMode(), mode);
    }
    for (String mode : List.of("verify-ca", "verify-full")) {
      assertEquals(SslMode.of(mode), Database.connectOptions(DbUrl.parse(BASE + "?sslmode=" + mode + "&sslrootcert=/etc/ca.pem"))
        .getSslMode(), mode);
    }
  }

  @Test
  void requireEncryptsWithoutCheckingTheServerUnlessACaIsGiven() {
    PgConnectOptions bare = Database.connectOptions(DbUrl.parse(BASE + "?sslmode=require"));
    assertTrue(bare.getSslOptions().isTrustAll(), "libpq's require: encrypted, the server not verified");
    PgConnectOptions withCa = Database.connectOptions(DbUrl.parse(BASE + "?sslmode=require&sslrootcert=/etc/ca.pem"));
    assertFalse(withCa.getSslOptions().isTrustAll(), "with a root certificate, require verifies like verify-ca");
    assertEquals(List.of("/etc/ca.pem"), ((PemTrustOptions) withCa.getSslOptions().getTrustOptions()).getCertPaths());
  }

  @Test
  void verifyCaChecksTheCaAndVerifyFullAlsoTheHostName() {
    PgConnectOptions ca = Database.connectOptions(DbUrl.parse(BASE + "?sslmode=verify-ca&sslrootcert=/etc/ca.pem"));
    assertFalse(ca.getSslOptions().isTrustAll());
    assertEquals(List.of("/etc/ca.pem"), ((PemTrustOptions) ca.getSslOptions().getTrustOptions()).getCertPaths());
    assertEquals("", ca.getSslOptions().getHostnameVerificationAlgorithm());

    PgConnectOptions full = Database.connectOptions(DbUrl.parse(BASE + "?sslmode=verify-full&sslrootcert=/etc/ca.pem"));
    assertFalse(full.getSslOptions().isTrustAll());
    assertEquals("HTTPS", full.getSslOptions().getHostnameVerificationAlgorithm());
  }

  @Test
  void disableSetsNoTlsOptions() {
    assertNull(Database.connectOptions(DbUrl.parse(BASE + "?sslmode=disable")).getSslOptions());
  }

  @Test
  void unknownModesParametersAndVerifyWithoutCaAreRefusedWithAMessage() {
    IllegalArgumentException mode = assertThrows(IllegalArgumentException.class, () -> DbUrl.parse(BASE + "?sslmode=required"));
    assertTrue(mode.getMessage().contains("sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full"),
      mode.getMessage());
    assertTrue(mode.getMessage().contains("'required'"), mode.getMessage());
    IllegalArgumentException parameter = assertThrows(IllegalArgumentException.class, () -> DbUrl.parse(BASE + "?ssl=true"));
    assertTrue(parameter.getMessage().contains("unknown parameter 'ssl'"), parameter.getMessage());
    IllegalArgumentException noCa = assertThrows(IllegalArgumentException.class, () -> DbUrl.parse(BASE + "?sslmode=verify-full"));
    assertTrue(noCa.getMessage().contains("sslrootcert"), noCa.getMessage());
  }

  @Test
  void thePrintedUrlNamesTheModeButNeverThePassword() {
    String shown = DbUrl.parse(BASE + "?sslmode=verify-full&sslrootcert=/etc/ca.pem").toString();
    assertEquals("postgresql://shop@db.example:5433/shop?sslmode=verify-full", shown);
    assertFalse(DbUrl.parse(BASE).toString().contains("s3cret"));
  }

  @Test
  void theIdleInTransactionLimitIsSentUnlessItIsZero() {
    assertEquals("5s", Database.withTransactionLimit(Database.connectOptions(DbUrl.parse(BASE)), 5).getProperties()
      .get("idle_in_transaction_session_timeout"));
    // 0: nothing sent, for a pooler that refuses startup parameters it does not know (PgBouncer)
    assertFalse(Database.withTransactionLimit(Database.connectOptions(DbUrl.parse(BASE)), 0).getProperties()
      .containsKey("idle_in_transaction_session_timeout"));
  }
}
