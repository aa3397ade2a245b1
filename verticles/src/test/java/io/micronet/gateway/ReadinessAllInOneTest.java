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
 * node answers from its database; a service with no instance on this node is named but does not make it unready
 * (the cluster places instances, not the node). {@code /health} says UP throughout (liveness). The PostgreSQL-stopped case is {@code ReadinessIT}.
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
          new JsonObject().put("users", "UP").put("products", "UP").put("orders", "UP")
            // this hand-made all-in-one deploys no metrics or activity (a node started by the launcher does)
            .put("metrics", "not running on this node").put("activity", "not running on this node").put("chatops", "UP")
            .put("alerts", "UP")),
        ready.bodyAsJson(JsonObject.class));

      app.undeployProducts();
      // with no products instance on this node (placed elsewhere, or scaled to 0) the node is still ready for the rest
      HttpResponse<Buffer> withoutProducts = app.call(HttpMethod.GET, "/health/ready").send();
      assertEquals(200, withoutProducts.statusCode(), withoutProducts.bodyAsString());
      JsonObject checks = withoutProducts.bodyAsJsonObject().getJsonObject("checks");
      assertEquals("not running on this node", checks.getString("products"), checks.encode());
      assertEquals("UP", checks.getString("users"));
      assertEquals("UP", checks.getString("orders"));
      assertEquals(200, app.call(HttpMethod.GET, "/health").send().statusCode(), "liveness is not readiness");

      app.deployProducts();
      assertEquals(200, app.call(HttpMethod.GET, "/health/ready").send().statusCode());
    }
  }
}
