package io.micronet.gateway;

import io.micronet.shared.security.Caller;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bridge's decisions on single frames, without a socket: what may go in, who may listen, what a send carries. */
class BridgeGuardTest {

  private static final Caller CLIENT = new Caller("u-1", "alice", Caller.CLIENT);
  private static final Caller MANAGER = new Caller("u-2", "boss", Caller.MANAGER);
  private static final Caller SERVICE = new Caller("svc", "orders", Caller.SERVICE);

  private static JsonObject frame(String type, String address) {
    return new JsonObject().put("type", type).put("address", address)
      .put("headers", new JsonObject().put("Authorization", "Bearer t"));
  }

  @Test
  void onlyASendToChatopsAndRegistrationsToFeedsGetPastTheAddressCheck() {
    assertNull(BridgeGuard.refusal(BridgeEventType.SEND, frame("send", "micronet.chatops")));
    for (String address : List.of("micronet.failures.products", "micronet.node.reconciler", "__vertx.subs",
      "vertx.discovery.announce", "micronet.health", "micronet.chatops.x", "", "MICRONET.CHATOPS")) {
      assertNotNull(BridgeGuard.refusal(BridgeEventType.SEND, frame("send", address)), address);
    }
    assertNotNull(BridgeGuard.refusal(BridgeEventType.SEND, frame("send", null)));
    assertNotNull(BridgeGuard.refusal(BridgeEventType.PUBLISH, frame("publish", "micronet.chatops")));
    assertNotNull(BridgeGuard.refusal(BridgeEventType.PUBLISH, frame("publish", "micronet.broadcast")));
    for (String feed : BridgeGuard.FEEDS.keySet()) {
      assertNull(BridgeGuard.refusal(BridgeEventType.REGISTER, frame("register", feed)), feed);
      assertNull(BridgeGuard.refusal(BridgeEventType.UNREGISTER, frame("unregister", feed)), feed);
    }
    for (String address : List.of("micronet.chatops", "micronet.breakers", "micronet.metrics.samples", "__vertx.ha", "micronet.*")) {
      assertNotNull(BridgeGuard.refusal(BridgeEventType.REGISTER, frame("register", address)), address);
    }
    assertNotNull(BridgeGuard.refusal(BridgeEventType.RECEIVE, frame("rec", "micronet.health")));
  }

  @Test
  void aSendsReplyAddressMayNotBeAFeed() {
    assertNull(BridgeGuard.refusal(BridgeEventType.SEND, frame("send", "micronet.chatops").put("replyAddress", "a-uuid")));
    assertNotNull(BridgeGuard.refusal(BridgeEventType.SEND, frame("send", "micronet.chatops").put("replyAddress", "micronet.activity")));
    assertNotNull(BridgeGuard.refusal(BridgeEventType.SEND, frame("send", "micronet.chatops").put("replyAddress", 12)));
  }

  @Test
  void theTokenComesFromOneAuthorizationBearerHeader() {
    assertEquals("abc", BridgeGuard.token(new JsonObject().put("headers", new JsonObject().put("authorization", "Bearer abc"))));
    assertEquals("abc", BridgeGuard.token(new JsonObject().put("headers", new JsonObject().put("AUTHORIZATION", "bearer abc"))));
    assertNull(BridgeGuard.token(new JsonObject()));
    assertNull(BridgeGuard.token(new JsonObject().put("headers", "Bearer abc")));
    assertNull(BridgeGuard.token(new JsonObject().put("headers", new JsonObject().put("Authorization", "Basic abc"))));
    assertNull(BridgeGuard.token(new JsonObject().put("headers", new JsonObject().put("Authorization", "Bearer "))));
    assertNull(BridgeGuard.token(new JsonObject().put("headers", new JsonObject().put("Authorization", 42))));
    assertNull(BridgeGuard.token(new JsonObject().put("headers", new JsonObject().put("x-token", "Bearer abc"))));
    // two of them: neither is believed
    assertNull(BridgeGuard.token(new JsonObject().put("headers", new JsonObject()
      .put("Authorization", "Bearer mine").put("authorization", "Bearer someone-elses"))));
  }

  @Test
  void managerFeedsOnlyForManagersAndNothingForServices() {
    assertTrue(BridgeGuard.admits(BridgeEventType.REGISTER, "micronet.health", CLIENT));
    assertTrue(BridgeGuard.admits(BridgeEventType.REGISTER, "micronet.broadcast", CLIENT));
    for (String feed : List.of("micronet.metrics", "micronet.activity", "micronet.alerts")) {
      assertFalse(BridgeGuard.admits(BridgeEventType.REGISTER, feed, CLIENT), feed);
      assertTrue(BridgeGuard.admits(BridgeEventType.REGISTER, feed, MANAGER), feed);
      assertFalse(BridgeGuard.admits(BridgeEventType.REGISTER, feed, SERVICE), feed);
    }
    assertTrue(BridgeGuard.admits(BridgeEventType.SEND, "micronet.chatops", CLIENT));
    assertFalse(BridgeGuard.admits(BridgeEventType.SEND, "micronet.chatops", SERVICE));
    assertFalse(BridgeGuard.admits(BridgeEventType.REGISTER, "micronet.chatops", MANAGER));
    assertNull(BridgeGuard.listeners("micronet.chatops"));
  }

  @Test
  void aForwardedSendCarriesOnlyTheVerifiedTokenAndAFreshRequestId() {
    JsonObject sent = new JsonObject().put("type", "send").put("address", "micronet.chatops")
      .put("body", new JsonObject().put("command", "whoami")).put("replyAddress", "r-1")
      .put("headers", new JsonObject().put("Authorization", "Bearer verified").put("x-client-address", "10.0.0.1")
        .put("x-request-id", "chosen").put("action", "stop").put("x-caller-role", "manager"));
    JsonObject forwarded = BridgeGuard.forwarded(sent, "verified", "fresh-id");
    assertEquals(new JsonObject().put("authorization", "Bearer verified").put("x-request-id", "fresh-id"), forwarded.getJsonObject("headers"));
    assertEquals("whoami", forwarded.getJsonObject("body").getString("command"));
    assertEquals("r-1", forwarded.getString("replyAddress"));
    assertEquals("micronet.chatops", forwarded.getString("address"));
  }

  @Test
  void aDeliveryCarriesNoHeaderNorReplyAddress() {
    JsonObject delivered = BridgeGuard.delivered(new JsonObject().put("type", "rec").put("address", "micronet.health")
      .put("body", new JsonObject().put("type", "change")).put("replyAddress", "__vertx.reply.1")
      .put("headers", new JsonObject().put("authorization", "Bearer internal")));
    assertEquals(new JsonObject().put("type", "rec").put("address", "micronet.health").put("body", new JsonObject().put("type", "change")),
      delivered);
  }

  @Test
  void aHealthSnapshotNamesNodesAndInstancesOnlyToManagers() {
    JsonObject snapshot = new JsonObject().put("type", "snapshot").put("status", "DEGRADED").put("everySeconds", 5)
      .put("time", "2026-12-02T10:00:00Z").put("leader", "node-7f").put("leaderName", "host-a").put("leaderInstance", "monitor-1")
      .put("services", new JsonObject().put("products", new JsonObject().put("status", "DEGRADED").put("reasons", new JsonArray()
          .add("1 of 2 instances down")).put("dependencies", new JsonArray())
        .put("instances", new JsonArray()
          .add(new JsonObject().put("id", "products-1").put("node", "node-7f").put("status", "UP").put("breaker", "CLOSED"))
          .add(new JsonObject().put("id", "products-2").put("node", "node-8a").put("status", "DOWN").put("reason", "no answer").put("breaker", "OPEN")))));
    JsonObject envelope = new JsonObject().put("type", "rec").put("address", "micronet.health").put("body", snapshot)
      .put("headers", new JsonObject().put("x", "y"));

    JsonObject forClient = BridgeGuard.deliveredTo(envelope, CLIENT).getJsonObject("body");
    assertFalse(forClient.encode().contains("node-7f") || forClient.encode().contains("products-1") || forClient.encode().contains("host-a"),
      forClient.encode());
    JsonObject products = forClient.getJsonObject("services").getJsonObject("products");
    assertEquals("DEGRADED", products.getString("status"));
    assertEquals(2, products.getInteger("instances"));
    assertEquals(1, products.getInteger("healthy"));
    assertEquals("snapshot", forClient.getString("type"));
    assertEquals("2026-12-02T10:00:00Z", forClient.getString("time"));

    JsonObject forManager = BridgeGuard.deliveredTo(envelope, MANAGER);
    assertEquals(snapshot, forManager.getJsonObject("body"), "a manager sees the whole snapshot");
    assertFalse(forManager.containsKey("headers"));
    JsonObject change = new JsonObject().put("type", "rec").put("address", "micronet.health")
      .put("body", new JsonObject().put("type", "change").put("service", "products").put("status", "DOWN"));
    assertEquals(change.getJsonObject("body"), BridgeGuard.deliveredTo(change, CLIENT).getJsonObject("body"), "a change names no node");
  }
}
