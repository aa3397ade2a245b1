package io.micronet.chatops;

import io.micronet.node.SoloNode;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.security.Caller;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.micronet.node.SoloNode.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ChatOps in the whole all-in-one ({@link SoloNode}: the node agent places every service, chatops among them), through
 * {@code POST /api/chatops} and the public bus address: what a client may and may not run, a manager's stop that
 * previews without {@code --yes} and acts with it (503 through the gateway, then start brings it back), an injected
 * failure seen on the activity and health feeds and ending by itself, suggestions, the history, and bad input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatopsAllInOneTest {

  private SoloNode node;
  private String manager;
  private String client;
  private final List<JsonObject> activity = new CopyOnWriteArrayList<>();
  private final List<JsonObject> health = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start(@TempDir Path dataDir) {
    node = SoloNode.start(dataDir, new JsonObject().put("breaker", new JsonObject().put("maxFailures", 3).put("resetTimeoutMs", 1500)));
    manager = node.manager();
    client = node.client();
    node.vertx.eventBus().<JsonObject>consumer(Feeds.ACTIVITY, m -> activity.add(m.body()));
    node.vertx.eventBus().<JsonObject>consumer(Feeds.HEALTH, m -> health.add(m.body()));
    // the health monitor's first round comes a moment after the node has started
    poll("chatops answers status", () -> node.send(HttpMethod.POST, "/api/chatops", client, command("status")).statusCode() == 200);
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static JsonObject command(String text) {
    return new JsonObject().put("command", text);
  }

  private JsonObject chat(String token, String text, int status) {
    HttpResponse<Buffer> response = node.send(HttpMethod.POST, "/api/chatops", token, command(text));
    assertEquals(status, response.statusCode(), text + " → " + response.bodyAsString());
    assertFalse(response.bodyAsString().contains("Exception"), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  @Test
  @Order(1)
  void aClientRunsItsCommandsAndNoOperatorsOne() {
    JsonObject whoami = chat(client, "whoami", 200);
    assertEquals(true, whoami.getBoolean("ok"));
    assertEquals("carla", whoami.getJsonObject("data").getString("username"));
    assertEquals("client", whoami.getJsonObject("data").getString("role"));
    assertTrue(chat(client, "help", 200).getString("text").contains("products [query]"));
    JsonObject status = chat(client, "status", 200);
    assertEquals("UP", status.getJsonObject("data").getJsonObject("services").getJsonObject("products").getString("status"), status.encode());
    assertFalse(status.getJsonObject("data").containsKey("leader"), "a client sees what /status shows anonymous callers");
    assertTrue(status.getString("text").contains("products"), status.getString("text"));
    assertEquals(true, chat(client, "products", 200).getBoolean("ok"));
    JsonObject orders = chat(client, "orders", 200);
    assertEquals(0, orders.getJsonObject("data").getInteger("total"));
    assertEquals(true, chat(client, "history", 200).getBoolean("ok"));

    for (String refused : List.of("stop products --yes", "scale products 2 --yes", "fail products error 5 --yes", "broadcast hi")) {
      JsonObject reply = chat(client, refused, 403);
      assertEquals(false, reply.getBoolean("ok"));
      assertEquals("FORBIDDEN", reply.getJsonObject("error").getString("code"));
    }
    assertEquals(1, node.statusInstances("products"), "nothing stopped");
  }

  @Test
  @Order(2)
  void stopWithoutYesChangesNothingWithYesStopsAndStartBringsItBack() {
    JsonObject preview = chat(manager, "stop products", 200);
    assertEquals(true, preview.getBoolean("ok"));
    JsonObject data = preview.getJsonObject("data");
    assertEquals(true, data.getBoolean("preview"));
    assertEquals("stop products --yes", data.getString("confirm"));
    JsonObject plan = data.getJsonObject("plan");
    assertEquals(0, plan.getInteger("desired"));
    JsonObject step = plan.getJsonArray("actions").getJsonObject(0);
    assertEquals("solo", step.getString("nodeName"));
    assertTrue(step.getString("instanceId").startsWith("products-"), step.encode());
    assertTrue(preview.getString("text").contains("would remove " + step.getString("instanceId") + " from node solo"), preview.getString("text"));
    // nothing changed: still served, still one instance, still desired 1
    assertEquals(200, node.send(HttpMethod.GET, "/api/products", null, null).statusCode());
    assertEquals(1, node.statusInstances("products"));
    assertEquals(1, chat(manager, "stop products", 200).getJsonObject("data").getJsonObject("plan").getInteger("previous"));

    JsonObject stopped = chat(manager, "stop products --yes", 200);
    assertEquals(0, stopped.getJsonObject("data").getInteger("desired"), stopped.encode());
    poll("products answers 503 through the gateway", () -> node.send(HttpMethod.GET, "/api/products", null, null).statusCode() == 503);
    assertTrue(activity.stream().anyMatch(e -> "scale".equals(e.getString("kind")) && "mona".equals(e.getString("actor"))),
      "the stop is on the activity feed as mona's: " + activity);

    JsonObject started = chat(manager, "start products", 200);
    assertEquals(1, started.getJsonObject("data").getInteger("desired"), started.encode());
    poll("products serves again", () -> node.send(HttpMethod.GET, "/api/products", null, null).statusCode() == 200);
  }

  @Test
  @Order(3)
  void anInjectedFailureShowsOnTheFeedsAndEndsByItself() {
    JsonObject preview = chat(manager, "fail products error 5", 200);
    assertEquals(true, preview.getJsonObject("data").getBoolean("preview"));
    assertTrue(preview.getString("text").contains("node solo"), preview.getString("text"));
    assertFalse(activity.stream().anyMatch(e -> "failure".equals(e.getString("kind"))), "a preview injects nothing");

    int healthBefore = health.size();
    JsonObject injected = chat(manager, "fail products error 5 --yes", 200);
    assertTrue(injected.getString("text").contains("failure injected"), injected.getString("text"));
    poll("the failure on the activity feed", () -> activity.stream().anyMatch(e -> "failure".equals(e.getString("kind"))
      && "products".equals(e.getString("service")) && "mona".equals(e.getString("actor"))));
    poll("products not UP on the health feed", () -> health.subList(healthBefore, health.size()).stream()
      .anyMatch(e -> "change".equals(e.getString("type")) && "products".equals(e.getString("service")) && !"UP".equals(e.getString("status"))));
    poll("the failure ends by itself (activity)", () -> activity.stream().anyMatch(e -> "failure".equals(e.getString("kind"))
      && e.getString("text").contains("ended")));
    poll("products UP again on the health feed", () -> {
      List<JsonObject> changes = health.subList(healthBefore, health.size()).stream()
        .filter(e -> "change".equals(e.getString("type")) && "products".equals(e.getString("service"))).toList();
      return !changes.isEmpty() && "UP".equals(changes.get(changes.size() - 1).getString("status"));
    });
  }

  @Test
  @Order(4)
  void typosAreAnsweredWithSuggestions() {
    JsonObject service = chat(manager, "scale prodcts 2", 404);
    assertTrue(service.getString("text").contains("Did you mean products?"), service.getString("text"));
    assertEquals(new JsonArray().add("products"), service.getJsonObject("error").getJsonObject("details").getJsonArray("suggestions"));
    JsonObject command = chat(manager, "scael products 2", 400);
    assertTrue(command.getString("text").contains("Did you mean scale?"), command.getString("text"));
    JsonObject nodeName = chat(manager, "stop products sollo", 404);
    assertTrue(nodeName.getString("text").contains("Did you mean solo?"), nodeName.getString("text"));
  }

  @Test
  @Order(5)
  void everyManagersReadWorksOnTheRealPlatform() {
    JsonObject services = chat(manager, "services", 200);
    assertTrue(services.getString("text").contains("chatops") && services.getString("text").contains("solo"), services.getString("text"));
    JsonObject nodes = chat(manager, "nodes", 200);
    assertTrue(nodes.getString("text").contains("solo") && nodes.getString("text").contains("products×1"), nodes.getString("text"));
    JsonObject health = chat(manager, "health products", 200);
    assertTrue(health.getString("text").startsWith("products is UP"), health.getString("text"));
    assertTrue(chat(manager, "health", 200).getString("text").contains("orders"));
    assertEquals(true, chat(manager, "metrics", 200).getBoolean("ok"));
    assertEquals(true, chat(manager, "metrics products", 200).getBoolean("ok"));
    assertEquals(true, chat(manager, "orders", 200).getBoolean("ok"));
    JsonObject alerts = chat(manager, "alerts", 200);
    assertEquals(true, alerts.getBoolean("ok"), alerts.encode());
    assertTrue(alerts.getJsonObject("data").containsKey("items"), "the alerts service's page: " + alerts.encode());
    assertEquals("NOT_FOUND", chat(manager, "ack no-such-alert", 404).getJsonObject("error").getString("code"));
    JsonObject recover = chat(manager, "recover products", 200);
    assertTrue(recover.getString("text").contains("recovery sent"), recover.getString("text"));
    System.out.println("[chatops] services:\n" + services.getString("text") + "\n[chatops] nodes:\n" + nodes.getString("text"));
  }

  @Test
  @Order(6)
  void historyIsOwnForAClientAndEveryonesForAManager() {
    HttpResponse<Buffer> own = node.send(HttpMethod.GET, "/api/chatops/history?size=100", client, null);
    assertEquals(200, own.statusCode(), own.bodyAsString());
    JsonArray items = own.bodyAsJsonObject().getJsonArray("items");
    assertFalse(items.isEmpty());
    items.forEach(item -> assertEquals("c1", ((JsonObject) item).getString("userId"), item.toString()));
    assertTrue(items.stream().anyMatch(i -> "stop products --yes".equals(((JsonObject) i).getString("command"))
      && !((JsonObject) i).getBoolean("ok")), "the refused command is in carla's history too");
    JsonObject all = node.send(HttpMethod.GET, "/api/chatops/history?size=100", manager, null).bodyAsJsonObject();
    assertTrue(all.getJsonArray("items").stream().anyMatch(i -> "m1".equals(((JsonObject) i).getString("userId"))));
    assertTrue(all.getJsonArray("items").stream().anyMatch(i -> "c1".equals(((JsonObject) i).getString("userId"))));
    assertTrue(chat(manager, "history 5", 200).getString("text").contains("carla") || all.getInteger("total") > 5);
    assertEquals(401, node.send(HttpMethod.GET, "/api/chatops/history", null, null).statusCode());
    assertEquals(422, node.send(HttpMethod.GET, "/api/chatops/history?size=1000", client, null).statusCode());
  }

  @Test
  @Order(7)
  void badInputIsAClearRefusalAndChangesNothing() {
    assertEquals(401, node.send(HttpMethod.POST, "/api/chatops", null, command("status")).statusCode());
    assertEquals(401, node.send(HttpMethod.POST, "/api/chatops", "not-a-token", command("status")).statusCode());
    assertEquals(422, node.send(HttpMethod.POST, "/api/chatops", manager, new JsonObject()).statusCode());
    assertEquals(422, node.send(HttpMethod.POST, "/api/chatops", manager, new JsonObject().put("command", 42)).statusCode());
    assertEquals(400, node.send(HttpMethod.POST, "/api/chatops", manager, "[\"status\"]").statusCode());
    assertEquals(400, node.send(HttpMethod.POST, "/api/chatops", manager, "{\"command\":").statusCode());
    for (String text : List.of("", "   ", "x".repeat(5000), "stop products\u0000 --yes", "stop products\n--yes", "'; DROP TABLE chatops_history; --",
      "stop products --yes --force", "\u202Estop products", "scale products 99999999999999999999 --yes", "fail products crash -5 --yes")) {
      HttpResponse<Buffer> response = node.send(HttpMethod.POST, "/api/chatops", manager, command(text));
      assertTrue(response.statusCode() == 400 || response.statusCode() == 422, text + " → " + response.statusCode() + " " + response.bodyAsString());
      JsonObject reply = response.bodyAsJsonObject();
      assertEquals(false, reply.getBoolean("ok"), reply.encode());
      assertTrue(reply.getJsonObject("error").getString("message").length() > 5, reply.encode());
    }
    assertEquals(1, node.statusInstances("products"), "nothing was stopped or scaled");
    assertEquals(200, node.send(HttpMethod.GET, "/api/products", null, null).statusCode());
    assertEquals(true, chat(manager, "history 1", 200).getBoolean("ok"), "the history table is still there");
  }

  @Test
  @Order(8)
  void thePublicBusAddressBelievesOnlyTheToken() throws Exception {
    JsonObject whoami = node.vertx.eventBus().<JsonObject>request(Feeds.CHATOPS, command("whoami"),
        new DeliveryOptions().addHeader(Envelope.AUTHORIZATION, "Bearer " + client).addHeader("x-user", "mona").addHeader("role", "manager"))
      .await(15, TimeUnit.SECONDS).body();
    assertEquals("carla", whoami.getJsonObject("data").getString("username"), whoami.encode());
    JsonObject anonymous = node.vertx.eventBus().<JsonObject>request(Feeds.CHATOPS, command("whoami")).await(15, TimeUnit.SECONDS).body();
    assertEquals(false, anonymous.getBoolean("ok"));
    assertEquals("UNAUTHORIZED", anonymous.getJsonObject("error").getString("code"));
    String service = node.tokens.issueForService("someone", 60);
    JsonObject asService = node.vertx.eventBus().<JsonObject>request(Feeds.CHATOPS, command("stop products --yes"),
      new DeliveryOptions().addHeader(Envelope.AUTHORIZATION, "Bearer " + service)).await(15, TimeUnit.SECONDS).body();
    assertEquals("FORBIDDEN", asService.getJsonObject("error").getString("code"), asService.encode());
    JsonObject notACommand = node.vertx.eventBus().<JsonObject>request(Feeds.CHATOPS, new JsonObject().put("cmd", "status"),
      new DeliveryOptions().addHeader(Envelope.AUTHORIZATION, "Bearer " + client)).await(15, TimeUnit.SECONDS).body();
    assertEquals("BAD_REQUEST", notACommand.getJsonObject("error").getString("code"));
    assertEquals(Caller.CLIENT, whoami.getJsonObject("data").getString("role"));
  }
}
