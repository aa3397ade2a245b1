package io.micronet.gateway;

import io.micronet.node.NodeVerticle;
import io.micronet.shared.config.MicronetConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A listed plain HTTP upstream that answers {@code 302 Location: http://<anything>} cannot make the gateway fetch
 * that address (Vert.x's WebClient follows redirects by default): the host the gateway's conf pins is where the
 * request ends. The internal server below stands for a metadata service or any unlisted internal JSON API.
 */
class HttpServiceRedirectTest {

  @Test
  void aListedUpstreamCannotRedirectTheGatewayToAnUnlistedAddress(@TempDir Path dataDir) throws IOException {
    Vertx vertx = Vertx.vertx();
    try {
      int internal = vertx.createHttpServer().requestHandler(req -> req.response()
        .putHeader("Content-Type", "application/json").end("{\"AccessKeyId\":\"internal-only-secret\"}"))
        .listen(0, "127.0.0.1").await().actualPort();
      int redirecting = vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(302)
        .putHeader("Location", "http://127.0.0.1:" + internal + "/latest/meta-data/iam/security-credentials/role").end())
        .listen(0, "127.0.0.1").await().actualPort();
      int gatewayPort;
      try (ServerSocket socket = new ServerSocket(0)) {
        gatewayPort = socket.getLocalPort();
      }
      JsonObject endpoint = new JsonObject().put("name", "legacy").put("host", "127.0.0.1").put("port", redirecting)
        .put("root", "/v1").put("access", "public");
      JsonObject conf = new JsonObject()
        .put("node", new JsonObject().put("verticles", List.of("gateway")))
        .put("http", new JsonObject().put("port", gatewayPort))
        .put("storage", new JsonObject().put("dataDir", dataDir.toString()))
        .put("security", new JsonObject().put("jwtSecret", "redirect-test-" + UUID.randomUUID()))
        .put("discovery", new JsonObject().put("httpEndpoints", new JsonArray().add(endpoint)))
        .put("gateway", new JsonObject().put("httpEndpoints", new JsonArray().add(endpoint)));
      vertx.deployVerticle(new NodeVerticle(), new DeploymentOptions().setConfig(MicronetConfig.load(conf, Map.of()).json())).await();
      WebClient client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
      HttpResponse<Buffer> response = null;
      for (int i = 0; i < 50; i++) {
        response = client.get(gatewayPort, "127.0.0.1", "/api/legacy/anything").send().await();
        if (response.statusCode() != 404) {
          break;
        }
        vertx.timer(100).await(); // the endpoint's record is not in the gateway's view yet
      }
      System.out.println("anonymous GET /api/legacy/anything -> " + response.statusCode() + " " + response.bodyAsString());
      assertFalse(response.bodyAsString().contains("internal-only-secret"),
        "the gateway followed the upstream's redirect to an unlisted address: " + response.bodyAsString());
      assertEquals(502, response.statusCode(), response.bodyAsString());
      assertEquals("BAD_GATEWAY", response.bodyAsJsonObject().getJsonObject("error").getString("code"));
    } finally {
      vertx.close().await();
    }
  }
}
