package io.micronet.node;

import io.micronet.shared.config.MicronetConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The desired counts: the definitions' where the cluster has none, and nothing from a value the API could not have set. */
@ExtendWith(VertxExtension.class)
class DesiredStateTest {

  @Test
  void junkInTheClusterMapIsNeverPlaced(Vertx vertx) {
    DesiredState desired = new DesiredState(vertx, MicronetConfig.load(new JsonObject(), Map.of()).definitions());
    AsyncMap<String, Object> map = vertx.sharedData().<String, Object>getAsyncMap(DesiredState.MAP).await();
    map.put("users", 2).await();
    map.put("products", 1_000_000).await();
    map.put("orders", "many").await();
    map.put("unknown-service", 3).await();
    desired.initialise().await();
    assertEquals(Map.of("users", 2, "chatops", 1), desired.all().await(), "a count out of range, a string, an unknown service: ignored (chatops: its definition's count, the map had none)");
    map.put("products", -1).await();
    map.put("orders", 0).await();
    assertEquals(Map.of("users", 2, "orders", 0, "chatops", 1), desired.all().await());
  }
}
