package io.micronet.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.micronet.gateway.AllInOne.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /health/ready} on the all-in-one with embedded storage: ready while every stateful service of the
 * node answers from its database; 503 naming the service whose local instance is gone, ready again when it is
 * back. {@code /health} says UP throughout (liveness). The PostgreSQL-stopped case is {@code ReadinessIT}.
 */
class ReadinessAllInOneTest {

  @TempDir
  Path dataDir;

  @Test
  void readyWhileEveryStatefulServiceOfTheNodeReachesItsDatabase() {
    try (AllInOne app = AllInOne.start(dataDir, new JsonObject())) {
      HttpResponse<Buffer> ready = app.call(HttpMethod.GET, "/health/ready").send();
      assertEquals(200, ready.statusCode(), ready.bodyAsString());
      assertEquals(new JsonObject().put("status", "UP").put("checks",
          new JsonObject().put("users", "UP").put("products", "UP").put("orders", "UP")),
        ready.bodyAsJson(JsonObject.class));

      app.undeployProducts();
      HttpResponse<Buffer> notReady = app.call(HttpMethod.GET, "/health/ready").send();
      JsonObject error = assertError(notReady, 503, "SERVICE_UNAVAILABLE");
      assertTrue(error.getString("message").contains("products"), error.encode());
      JsonObject checks = error.getJsonObject("details").getJsonObject("checks");
      assertEquals("DOWN: no instance running on this node", checks.getString("products"), error.encode());
      assertEquals("UP", checks.getString("users"));
      assertEquals("UP", checks.getString("orders"));
      assertEquals(200, app.call(HttpMethod.GET, "/health").send().statusCode(), "liveness is not readiness");

      app.deployProducts();
      assertEquals(200, app.call(HttpMethod.GET, "/health/ready").send().statusCode());
    }
  }
}
