package io.micronet.node;

import io.micronet.shared.config.MicronetConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartBannerTest {

  private static MicronetConfig config(JsonObject given) {
    return MicronetConfig.load(given, Map.of());
  }

  @Test
  void aNodeWithTheGatewaySaysWhereToGoHowToSignInAndHowToStop() {
    String text = String.join("\n", StartBanner.lines(config(new JsonObject()
      .put("http", new JsonObject().put("port", 8123)).put("storage", new JsonObject().put("dataDir", "/srv/micronet"))), false));
    assertTrue(text.contains("dashboard   http://localhost:8123/"), text);
    assertTrue(text.contains("API docs    http://localhost:8123/docs"), text);
    assertTrue(text.contains("the password printed once when /srv/micronet was first used"), text);
    assertTrue(text.contains("Ctrl-C"), text);
    String chosen = String.join("\n", StartBanner.lines(config(new JsonObject().put("http", new JsonObject().put("host", "10.1.2.3"))), true));
    assertTrue(chosen.contains("http://10.1.2.3:8000/") && chosen.contains("MICRONET_ADMIN_PASSWORD"), chosen);
    assertTrue(chosen.lines().allMatch(line -> line.length() <= 120), "short lines for a terminal: " + chosen);
  }

  @Test
  void aNodeWithoutTheGatewayPrintsNone() {
    assertEquals(List.of(), StartBanner.lines(config(new JsonObject().put("node", new JsonObject()
      .put("verticles", new JsonArray().add("products")))), false));
  }
}
