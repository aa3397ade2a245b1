package io.micronet.node;

import io.micronet.shared.chaos.Failure;
import io.micronet.shared.chaos.FailureControl;
import io.micronet.shared.messaging.CallContext;
import io.micronet.shared.messaging.Envelope;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code chaos.enabled=false}, as production runs: the failure API refuses with 409 and changes nothing, and an
 * instance ignores a failure even when one reaches it on the bus with a manager's token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChaosOffAllInOneTest {

  private SoloNode node;
  private Vertx vertx;
  private WebClient client;
  private String manager;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    node = SoloNode.start(dataDir, new JsonObject()
      .put("node", new JsonObject().put("name", "prod").put("verticles", new JsonArray().add("gateway").add("products")))
      .put("chaos", new JsonObject().put("enabled", false)));
    vertx = node.vertx;
    client = node.client;
    manager = node.manager();
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theFailureApiRefusesAndInstancesIgnoreFailures() throws Exception {
    HttpResponse<Buffer> injected = client.post("/api/services/products/failures").bearerTokenAuthentication(manager)
      .sendJsonObject(new JsonObject().put("mode", "error").put("durationSeconds", 30)).await();
    assertEquals(409, injected.statusCode(), injected.bodyAsString());
    assertEquals("CONFLICT", injected.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertTrue(injected.bodyAsJsonObject().getJsonObject("error").getString("message").contains("chaos.enabled"),
      injected.bodyAsString());
    HttpResponse<Buffer> recovered = client.delete("/api/services/products/failures").bearerTokenAuthentication(manager).send().await();
    assertEquals(409, recovered.statusCode(), recovered.bodyAsString());

    // straight onto the bus, as a member of the cluster could: nobody listens, nothing changes
    Failure failure = new Failure(Failure.Mode.ERROR, 1.0, 0, 0, null, System.currentTimeMillis() + 30_000, "mona");
    vertx.eventBus().publish(FailureControl.address("products"), failure.toJson(),
      Envelope.options(FailureControl.INJECT, new CallContext("chaos-off-test", manager, null, null), 1000));
    Thread.sleep(300);
    for (int i = 0; i < 10; i++) {
      HttpResponse<Buffer> read = client.get("/api/products").send().await();
      assertEquals(200, read.statusCode(), read.bodyAsString());
    }
  }
}
