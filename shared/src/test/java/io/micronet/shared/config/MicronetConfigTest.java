package io.micronet.shared.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MicronetConfigTest {

  @Test
  void defaultsMatchTheContract() {
    MicronetConfig config = MicronetConfig.load(new JsonObject(), Map.of());
    assertEquals(8000, config.httpPort());
    assertEquals(50051, config.grpcPort());
    assertEquals("./data", config.dataDir());
    assertNull(config.dbUrl());
    assertEquals(List.of("127.0.0.1"), config.clusterMembers());
    assertEquals("micronet", config.clusterName());
  }

  @Test
  void confFileOverridesDefaultsKeyByKeyAndEnvOverridesBoth() {
    JsonObject conf = new JsonObject()
      .put("http", new JsonObject().put("port", 9000))
      .put("node", new JsonObject().put("verticles", List.of("gateway")));
    MicronetConfig config = MicronetConfig.load(conf, Map.of(
      "MICRONET_HTTP_PORT", "9100",
      "MICRONET_VERTICLES", "products, gateway",
      "MICRONET_CLUSTER_MEMBERS", "10.0.0.1,10.0.0.2",
      "MICRONET_DB_URL", "postgresql://u:p%40ss@db.example:5433/shop"));
    assertEquals(9100, config.httpPort());
    assertEquals(1048576, config.bodyLimitBytes(), "untouched keys of a section keep their default");
    assertEquals(List.of("products", "gateway"), config.verticles());
    assertEquals(List.of("10.0.0.1", "10.0.0.2"), config.clusterMembers());
    DbUrl url = DbUrl.parse(config.dbUrl());
    assertEquals("db.example", url.host());
    assertEquals(5433, url.port());
    assertEquals("shop", url.database());
    assertEquals("p@ss", url.password());
    assertTrue(!url.toString().contains("p@ss"), "the password never shows in logs");
  }

  @Test
  void invalidValuesStopTheNodeWithAClearMessage() {
    IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
      () -> MicronetConfig.load(new JsonObject(), Map.of("MICRONET_HTTP_PORT", "eighty")));
    assertTrue(port.getMessage().contains("MICRONET_HTTP_PORT"));
    assertThrows(IllegalArgumentException.class,
      () -> MicronetConfig.load(new JsonObject(), Map.of("MICRONET_HTTP_PORT", "70000")));
    assertThrows(IllegalArgumentException.class,
      () -> MicronetConfig.load(new JsonObject(), Map.of("MICRONET_DB_URL", "mysql://x/y")));
    assertThrows(IllegalArgumentException.class,
      () -> MicronetConfig.load(new JsonObject(), Map.of("MICRONET_VERTICLES", " , ")));
    assertThrows(IllegalArgumentException.class,
      () -> MicronetConfig.load(new JsonObject().put("breaker", new JsonObject().put("maxFailures", 0)), Map.of()));
  }

  @Test
  void theEdgeSettingsHaveSafeDefaultsAndComeFromTheEnvironment() {
    MicronetConfig defaults = MicronetConfig.load(new JsonObject(), Map.of());
    assertEquals(List.of(), defaults.trustedProxies(), "no X-Forwarded-For is believed unless proxies are named");
    assertEquals(0, defaults.managementPort());
    assertEquals("127.0.0.1", defaults.managementHost());
    assertEquals(60, defaults.httpIdleTimeoutSeconds());
    assertEquals(64, defaults.maxInstancesPerService());
    MicronetConfig set = MicronetConfig.load(new JsonObject(), Map.of(
      "MICRONET_TRUSTED_PROXIES", "10.0.0.0/8, ::1",
      "MICRONET_MANAGEMENT_PORT", "9100",
      "MICRONET_MANAGEMENT_HOST", "10.0.0.5",
      "MICRONET_HTTP_IDLE_TIMEOUT_SECONDS", "5"));
    assertEquals(List.of("10.0.0.0/8", "::1"), set.trustedProxies());
    assertEquals(9100, set.managementPort());
    assertEquals("10.0.0.5", set.managementHost());
    assertEquals(5, set.httpIdleTimeoutSeconds());
    assertEquals(List.of("192.168.0.0/16"), MicronetConfig.load(new JsonObject().put("gateway",
      new JsonObject().put("trustedProxies", List.of("192.168.0.0/16"))), Map.of()).trustedProxies());
  }

  @Test
  void theRetiredForwardedForSwitchStopsTheNodeNamingItsReplacement() {
    IllegalArgumentException conf = assertThrows(IllegalArgumentException.class, () -> MicronetConfig.load(new JsonObject()
      .put("gateway", new JsonObject().put("rateLimit", new JsonObject().put("trustForwardedFor", true))), Map.of()));
    assertTrue(conf.getMessage().contains("gateway.trustedProxies"), conf.getMessage());
    IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
      () -> MicronetConfig.load(new JsonObject(), Map.of("MICRONET_TRUST_FORWARDED_FOR", "true")));
    assertTrue(env.getMessage().contains("MICRONET_TRUSTED_PROXIES"), env.getMessage());
  }

  @Test
  void mergedConfigRoundTripsThroughJson() {
    MicronetConfig config = MicronetConfig.load(new JsonObject(), Map.of("MICRONET_HTTP_PORT", "8123"));
    assertEquals(8123, MicronetConfig.of(config.json()).httpPort());
  }
}
