package io.micronet.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.micronet.gateway.AllInOne.assertError;
import static io.vertx.core.http.HttpMethod.GET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cross-origin calls from a browser shop: only the origins an operator configured (none by default). */
class CorsAllInOneTest {

  @Test
  void aConfiguredBrowserOriginMayCallTheApiAndOthersMayNot(@TempDir Path ownDataDir) {
    String shop = "https://shop.example";
    try (AllInOne own = AllInOne.start(ownDataDir, new JsonObject().put("http", new JsonObject().put("corsOrigins", new JsonArray().add(shop))))) {
      HttpResponse<Buffer> preflight = own.call(HttpMethod.OPTIONS, "/api/orders").header("Origin", shop)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization,content-type,idempotency-key").send();
      assertTrue(preflight.statusCode() / 100 == 2, "preflight answered: " + preflight.statusCode());
      assertEquals(shop, preflight.getHeader("Access-Control-Allow-Origin"));
      assertTrue(preflight.getHeader("Access-Control-Allow-Headers").toLowerCase().contains("idempotency-key"),
        preflight.getHeader("Access-Control-Allow-Headers"));

      HttpResponse<Buffer> read = own.call(GET, "/api/products").header("Origin", shop).send();
      assertEquals(200, read.statusCode());
      assertEquals(shop, read.getHeader("Access-Control-Allow-Origin"));
      assertTrue(read.getHeader("Access-Control-Expose-Headers").contains("X-Request-Id"));

      assertError(own.call(GET, "/api/products").header("Origin", "https://evil.example").send(), 403, "FORBIDDEN");

      // the gateway's own pages (/docs) call with the gateway's own origin: not cross-origin, never refused
      String self = "http://" + AllInOne.HOST + ":" + own.port;
      HttpResponse<Buffer> sameOrigin = own.call(HttpMethod.POST, "/api/auth/login").header("Origin", self)
        .json(new JsonObject().put("username", "manager").put("password", AllInOne.ADMIN_PASSWORD)).send();
      assertEquals(200, sameOrigin.statusCode(), sameOrigin.bodyAsString());
      assertEquals(200, own.call(GET, "/docs").header("Origin", "https://evil.example").send().statusCode(),
        "only the API is subject to CORS");
    }
  }

  @Test
  void byDefaultNoOriginIsAllowed(@TempDir Path ownDataDir) {
    try (AllInOne own = AllInOne.start(ownDataDir, new JsonObject())) {
      HttpResponse<Buffer> plain = own.call(GET, "/api/products").header("Origin", "https://shop.example").send();
      assertEquals(200, plain.statusCode());
      assertNull(plain.getHeader("Access-Control-Allow-Origin"), "no CORS headers at all");
    }
  }
}
