package io.micronet.users;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.tls.SelfSignedCert;
import io.micronet.tools.GrpcUserClient;
import io.micronet.tools.UserServiceCaller;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The gRPC user service over TLS ({@code grpc.tls.certPath}/{@code keyPath}, a self-signed certificate made by
 * the test): the client {@code scripts/grpc-client --tls --ca cert.pem} uses answers; a cleartext client, and a
 * TLS client that does not trust the certificate, get nothing.
 */
class UsersGrpcTlsTest {

  private static final String ADMIN_PASSWORD = "grpc-tls-admin-" + UUID.randomUUID();
  private static final long HANG_GUARD_SECONDS = 30;

  @TempDir
  static Path dir;

  private static Vertx vertx;
  private static SelfSignedCert cert;
  private static SocketAddress server;

  @BeforeAll
  static void start() throws IOException {
    vertx = Vertx.vertx();
    cert = SelfSignedCert.create(dir.resolve("tls"));
    int port = freePort();
    server = SocketAddress.inetSocketAddress(port, "localhost");
    JsonObject config = MicronetConfig.load(new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1"))
      .put("grpc", new JsonObject().put("port", port).put("idleTimeoutSeconds", 60)
        .put("tls", new JsonObject().put("certPath", cert.certPem().toString()).put("keyPath", cert.keyPem().toString())))
      .put("storage", new JsonObject().put("dataDir", dir.resolve("data").toString()).putNull("dbUrl"))
      .put("security", new JsonObject().put("jwtSecret", "a-grpc-tls-test-secret-of-more-than-thirty-two-chars")
        .put("adminPassword", ADMIN_PASSWORD))
      .put("node", new JsonObject().put("shutdownGraceSeconds", 2)), Map.of()).json();
    await(vertx.deployVerticle(new UsersVerticle(), new DeploymentOptions().setConfig(config)));
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void aClientTrustingTheCertificateCallsOverTls() {
    GrpcClient client = GrpcUserClient.client(vertx, true, cert.certPem().toString());
    try {
      UserServiceCaller caller = new UserServiceCaller(client, server, null);
      String token = await(caller.authenticate("manager", ADMIN_PASSWORD)).getToken();
      assertFalse(token.isEmpty());
      assertEquals("manager", await(caller.withToken(token).listUsers(
        io.micronet.grpc.user.v1.ListUsersRequest.newBuilder().setQuery("manager").build())).getUsers(0).getUsername());
    } finally {
      await(client.close());
    }
  }

  @Test
  void aCleartextClientGetsNoAnswer() {
    GrpcClient client = GrpcUserClient.client(vertx, false, null);
    try {
      UserServiceCaller caller = new UserServiceCaller(client, server, null);
      Throwable failure = assertThrows(Throwable.class, () -> await(caller.authenticate("manager", ADMIN_PASSWORD)));
      System.out.println("[grpc-tls] cleartext client: " + failure);
    } finally {
      await(client.close());
    }
  }

  @Test
  void aTlsClientThatDoesNotTrustTheCertificateIsRefused() {
    GrpcClient client = GrpcUserClient.client(vertx, true, null);
    try {
      UserServiceCaller caller = new UserServiceCaller(client, server, null);
      Throwable failure = assertThrows(Throwable.class, () -> await(caller.authenticate("manager", ADMIN_PASSWORD)));
      System.out.println("[grpc-tls] untrusting client: " + failure);
    } finally {
      await(client.close());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer after " + HANG_GUARD_SECONDS + " s", e);
    }
  }
}
