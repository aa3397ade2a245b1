package io.micronet.gateway;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.tls.SelfSignedCert;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.micronet.gateway.AllInOne.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The gateway serving HTTPS from PEM files ({@code http.tls.certPath}/{@code keyPath}, a self-signed certificate
 * made by the test), on a node that runs the gateway only: a client trusting the certificate is answered
 * (liveness, and readiness with no stateful service to ask); plain HTTP and an untrusting client are not.
 */
class GatewayTlsTest {

  @TempDir
  static Path dir;

  private static Vertx vertx;
  private static SelfSignedCert cert;
  private static int port;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    cert = SelfSignedCert.create(dir.resolve("tls"));
    port = AllInOne.freePort();
    JsonObject config = MicronetConfig.load(new JsonObject()
      .put("node", new JsonObject().put("verticles", List.of("gateway")).put("shutdownGraceSeconds", 2))
      .put("http", new JsonObject().put("host", AllInOne.HOST).put("port", port)
        .put("tls", new JsonObject().put("certPath", cert.certPem().toString()).put("keyPath", cert.keyPem().toString())))
      .put("storage", new JsonObject().put("dataDir", dir.resolve("data").toString()).putNull("dbUrl"))
      .put("security", new JsonObject().put("jwtSecret", AllInOne.randomSecret())), Map.of()).json();
    await(vertx.deployVerticle(new GatewayVerticle(), new DeploymentOptions().setConfig(config)));
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void aClientTrustingTheCertificateIsAnsweredOverHttps() {
    WebClient https = WebClient.create(vertx, new WebClientOptions().setSsl(true)
      .setTrustOptions(new PemTrustOptions().addCertPath(cert.certPem().toString())));
    try {
      HttpResponse<Buffer> health = await(https.get(port, "localhost", "/health").send());
      assertEquals(200, health.statusCode());
      assertEquals(new JsonObject().put("status", "UP"), health.bodyAsJsonObject());
      HttpResponse<Buffer> ready = await(https.get(port, "localhost", "/health/ready").send());
      assertEquals(200, ready.statusCode(), ready.bodyAsString());
      assertEquals(new JsonObject().put("status", "UP").put("checks", new JsonObject()), ready.bodyAsJsonObject(),
        "a gateway-only node has no database to wait for");
    } finally {
      https.close();
    }
  }

  @Test
  void plainHttpAndAnUntrustingClientGetNoAnswer() {
    WebClient plain = WebClient.create(vertx);
    WebClient untrusting = WebClient.create(vertx, new WebClientOptions().setSsl(true));
    try {
      Throwable cleartext = assertThrows(Throwable.class, () -> await(plain.get(port, "localhost", "/health")
        .timeout(AllInOne.HANG_GUARD_MS).send()));
      System.out.println("[gateway-tls] plain HTTP: " + cleartext);
      Throwable refused = assertThrows(Throwable.class, () -> await(untrusting.get(port, "localhost", "/health").send()));
      System.out.println("[gateway-tls] untrusting client: " + refused);
    } finally {
      plain.close();
      untrusting.close();
    }
  }
}
