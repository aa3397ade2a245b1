package io.micronet.chatops;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.security.Caller;
import io.micronet.shared.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command logic without a network: what each command asks of the platform (which action, as whom, with which
 * arguments), what it refuses before asking anything, and what it stores — the history on the embedded database.
 * The platform here records the calls and answers what a test gives it; the all-in-one test runs the real one.
 */
@ExtendWith(VertxExtension.class)
class ChatServiceTest {

  private static final Caller MANAGER = new Caller("m1", "mona", Caller.MANAGER);
  private static final Caller CLIENT = new Caller("c1", "carla", Caller.CLIENT);
  private static final Caller OTHER_CLIENT = new Caller("c2", "cid", Caller.CLIENT);

  private Vertx vertx;
  private RecordingPlatform platform;
  private ChatService chat;
  private io.vertx.sqlclient.Pool pool;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dataDir) throws Exception {
    this.vertx = vertx;
    MicronetConfig config = MicronetConfig.load(new JsonObject()
      .put("storage", new JsonObject().put("dataDir", dataDir.toString()).putNull("dbUrl")), Map.of());
    pool = Database.pool(vertx, config);
    ChatHistory history = new ChatHistory(pool);
    history.migrate(vertx).await(30, TimeUnit.SECONDS);
    platform = new RecordingPlatform();
    chat = new ChatService(platform, history, Clock.systemUTC(), 1000, 50);
  }

  @AfterEach
  void stop() throws Exception {
    pool.close().await(10, TimeUnit.SECONDS);
  }

  private ChatReply run(Caller caller, String text) {
    try {
      return chat.run(caller, "token-of-" + caller.id(), text, origin()).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ServiceRequest origin() {
    return new ServiceRequest("command", "req-1", null, null, new JsonObject(), new JsonObject(), null, null, 0);
  }

  @Test
  void helpListsOnlyWhatTheCallerMayRun() {
    ChatReply client = run(CLIENT, "help");
    assertTrue(client.ok());
    List<String> names = names(client);
    assertEquals(List.of("help", "whoami", "status", "products", "orders", "history"), names);
    assertFalse(client.text().contains("stop"), client.text());
    List<String> all = names(run(MANAGER, "help"));
    assertTrue(all.containsAll(List.of("stop", "scale", "fail", "broadcast", "services", "nodes", "alerts", "ack", "silence")), all.toString());

    ChatReply usage = run(MANAGER, "help stop");
    assertTrue(usage.text().contains("usage: stop <service> [node] --yes") && usage.text().contains("example: stop products --yes"), usage.text());
    assertEquals(ErrorCode.FORBIDDEN, run(CLIENT, "help stop").error().code());
    ChatReply typo = run(CLIENT, "help hitsory");
    assertEquals(ErrorCode.NOT_FOUND, typo.error().code());
    assertTrue(typo.text().contains("Did you mean history?"), typo.text());
  }

  private static List<String> names(ChatReply reply) {
    List<String> names = new ArrayList<>();
    ((JsonObject) reply.data()).getJsonArray("commands").forEach(c -> names.add(((JsonObject) c).getString("name")));
    return names;
  }

  @Test
  void aClientIsRefusedManagersCommandsAndNothingIsCalled() {
    for (String command : List.of("stop products --yes", "scale products 2 --yes", "fail products error 5 --yes", "broadcast hi",
      "services", "nodes", "start products", "recover products", "metrics", "health", "alerts", "ack 1", "silence orders 5")) {
      ChatReply reply = run(CLIENT, command);
      assertFalse(reply.ok(), command);
      assertEquals(ErrorCode.FORBIDDEN, reply.error().code(), command + ": " + reply.text());
      assertEquals(403, reply.status());
    }
    assertEquals(List.of(), platform.calls, "no platform action was asked for a refused command");
    assertTrue(platform.published(Feeds.BROADCAST).isEmpty());
  }

  @Test
  void destructiveCommandsOnlyPreviewWithoutYes() {
    platform.answer("node", "stop", new JsonObject().put("preview", true).put("text", "products: desired 1 → 0; would remove products-1 from node solo"));
    ChatReply preview = run(MANAGER, "stop products");
    assertTrue(preview.ok(), preview.text());
    JsonObject data = (JsonObject) preview.data();
    assertEquals(true, data.getBoolean("preview"));
    assertEquals("stop products --yes", data.getString("confirm"));
    assertTrue(preview.text().contains("would remove products-1 from node solo") && preview.text().contains("Nothing was changed"), preview.text());
    Call asked = platform.calls.get(0);
    assertEquals("true", asked.query().getString("dryRun"));
    assertEquals("products", asked.params().getString("name"));
    assertEquals("token-of-m1", asked.token(), "the action runs as the manager who typed it");

    platform.answer("node", "stop", new JsonObject().put("text", "products: desired 0 (was 1); removed products-1 from node solo"));
    ChatReply done = run(MANAGER, "stop products --yes");
    assertTrue(done.ok());
    assertNull(platform.calls.get(1).query().getString("dryRun"));
    assertEquals("products: desired 0 (was 1); removed products-1 from node solo", done.text());

    run(MANAGER, "scale products 3");
    assertEquals(new JsonObject().put("instances", 3), platform.calls.get(2).body());
    assertEquals("true", platform.calls.get(2).query().getString("dryRun"));
    run(MANAGER, "fail products error 5");
    assertEquals(new JsonObject().put("mode", "error").put("durationSeconds", 5), platform.calls.get(3).body());
    assertEquals("injectFailure", platform.calls.get(3).action());
    assertEquals("true", platform.calls.get(3).query().getString("dryRun"));
    run(MANAGER, "fail products latency");
    assertEquals(30, ((JsonObject) platform.calls.get(4).body()).getInteger("durationSeconds"), "the default duration");
  }

  @Test
  void argumentsAreCheckedBeforeAnythingIsAsked() {
    ChatReply unknown = run(MANAGER, "scale prodcts 2");
    assertEquals(ErrorCode.NOT_FOUND, unknown.error().code());
    assertTrue(unknown.text().contains("Did you mean products?"), unknown.text());
    assertEquals(new JsonArray().add("products"), ((JsonObject) unknown.error().details()).getJsonArray("suggestions"));
    for (String bad : List.of("scale products", "scale products -1", "scale products 65", "scale products two", "scale products 2 3",
      "fail products", "fail products eror", "fail products error 0", "fail products error 3601", "fail products error 1.5",
      "history 0", "history 101", "history x", "broadcast", "broadcast " + "y".repeat(51), "stop products solo extra")) {
      ChatReply reply = run(MANAGER, bad);
      assertFalse(reply.ok(), bad);
      assertEquals(ErrorCode.VALIDATION_FAILED, reply.error().code(), bad + ": " + reply.text());
    }
    assertTrue(run(MANAGER, "fail products eror").text().contains("Did you mean error?"));
    assertEquals(List.of(), platform.calls.stream().filter(c -> c.service().equals("node")).toList());
  }

  @Test
  void unknownCommandsAndFlagsGetSuggestions() {
    ChatReply typo = run(MANAGER, "stauts");
    assertEquals(ErrorCode.BAD_REQUEST, typo.error().code());
    assertTrue(typo.text().contains("Did you mean status?"), typo.text());
    ChatReply clientTypo = run(CLIENT, "scael products 2");
    assertFalse(clientTypo.text().contains("scale"), "a client is not pointed at a manager's command: " + clientTypo.text());
    ChatReply flag = run(MANAGER, "stop products --force");
    assertEquals(ErrorCode.BAD_REQUEST, flag.error().code());
    assertTrue(flag.text().contains("--force") && flag.text().contains("--yes"), flag.text());
    assertEquals(ErrorCode.BAD_REQUEST, run(MANAGER, "status --yes").error().code(), "only confirming commands take --yes");
    assertEquals(List.of(), platform.calls);
  }

  @Test
  void broadcastGoesToTheFeedWithSenderAndTime() {
    ChatReply sent = run(MANAGER, "broadcast \"<b>deploy</b> at 14:00\"");
    assertTrue(sent.ok(), sent.text());
    List<JsonObject> events = platform.published(Feeds.BROADCAST);
    assertEquals(1, events.size());
    JsonObject event = events.get(0);
    assertEquals("broadcast", event.getString("type"));
    assertEquals("mona", event.getString("from"));
    assertEquals("manager", event.getString("role"));
    assertEquals("<b>deploy</b> at 14:00", event.getString("text"), "kept as text; the dashboard shows it as text");
    assertTrue(event.getString("time").endsWith("Z"));
  }

  @Test
  void everyCommandIsStoredAndOnTheActivityFeed() {
    run(CLIENT, "whoami");
    run(CLIENT, "stop products --yes");
    run(OTHER_CLIENT, "help");
    run(MANAGER, "stauts");
    run(CLIENT, "status\u0007");
    run(CLIENT, "   ");

    ChatReply own = run(CLIENT, "history");
    JsonArray items = ((JsonObject) own.data()).getJsonArray("items");
    assertEquals(3, items.size(), "carla's three commands (an empty line is none), not the others': " + items.encode());
    JsonObject newest = items.getJsonObject(0);
    assertEquals("status?", newest.getString("command"), "kept, its control character shown as '?'");
    assertEquals(false, newest.getBoolean("ok"));
    assertEquals("stop products --yes", items.getJsonObject(1).getString("command"));
    assertEquals(false, items.getJsonObject(1).getBoolean("ok"));
    assertEquals("client", items.getJsonObject(2).getString("role"));
    assertEquals("carla", items.getJsonObject(2).getString("user"));

    ChatReply all = run(MANAGER, "history 100");
    assertEquals(6, ((JsonObject) all.data()).getJsonArray("items").size(), all.text());
    assertTrue(all.text().contains("cid"), all.text());
    assertEquals(2, ((JsonObject) run(MANAGER, "history 2").data()).getJsonArray("items").size());

    List<JsonObject> activity = platform.published(Feeds.ACTIVITY);
    assertEquals(8, activity.size(), "every command but the empty line: " + activity);
    JsonObject refused = activity.stream().filter(e -> e.getString("text").contains("stop products")).findFirst().orElseThrow();
    assertEquals("chatops", refused.getString("kind"));
    assertEquals("carla", refused.getString("actor"));
    assertEquals("products", refused.getString("service"));
    assertTrue(refused.getString("text").contains("refused"), refused.encode());
  }

  @Test
  void aRefusedCommandsControlCharactersReachNeitherTheActivityFeedNorTheHistory() {
    // an escape sequence (clear screen, set the terminal's title), a bell and a NUL: refused, and kept only as printable text
    String typed = "\u001b[2J\u001b]0;pwned\u0007 status \u0000 \u202e <b>x</b>";
    ChatReply reply = run(CLIENT, typed);
    assertFalse(reply.ok());
    String activity = platform.published(Feeds.ACTIVITY).get(0).getString("text");
    String stored = ((JsonObject) run(CLIENT, "history").data()).getJsonArray("items").getJsonObject(0).getString("command");
    String managersView = run(MANAGER, "history").text();
    for (String shown : List.of(activity, stored, managersView)) {
      assertTrue(shown.chars().noneMatch(c -> Character.isISOControl(c) && c != '\n' || c == '\u202e'), shown);
    }
    assertEquals("?[2J?]0;pwned? status ? ? <b>x</b>", stored, "the rest as typed: HTML is text, whoever shows it escapes it");
  }

  @Test
  void shopCommandsRunAsTheCaller() {
    platform.answer("orders", "list", new JsonObject().put("items", new JsonArray().add(new JsonObject().put("id", "o-1")
      .put("status", "PLACED").put("total", 12.5).put("items", new JsonArray().add(new JsonObject())).put("createdAt", "2026-12-02T10:00:00Z")))
      .put("total", 1));
    ChatReply orders = run(CLIENT, "orders");
    assertTrue(orders.ok());
    assertTrue(orders.text().contains("1 of 1 of your order(s)") && orders.text().contains("o-1"), orders.text());
    assertEquals("token-of-c1", platform.calls.get(0).token(), "the orders service sees carla and lists her orders only");
    platform.answer("products", "list", new JsonObject().put("items", new JsonArray()).put("total", 0));
    ChatReply none = run(CLIENT, "products \"red lamp\"");
    assertEquals("red lamp", platform.calls.get(1).query().getString("q"));
    assertEquals("no product matches \"red lamp\"", none.text());
  }

  @Test
  void aServiceRefusalIsTheReplysError() {
    platform.fail("node", "stop", new ServiceException(ErrorCode.NOT_FOUND, "no node is named 'sollo'; the nodes are [solo]",
      new JsonObject().put("nodes", new JsonArray().add("solo"))));
    ChatReply reply = run(MANAGER, "stop products sollo --yes");
    assertEquals(ErrorCode.NOT_FOUND, reply.error().code());
    assertTrue(reply.text().contains("Did you mean solo?"), reply.text());
    platform.fail("alerts", "list", new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "no instance of alerts is available"));
    ChatReply alerts = run(MANAGER, "alerts");
    assertEquals(503, alerts.status());
    platform.fail("metrics", "latest", new ServiceException(ErrorCode.BAD_GATEWAY, "the metrics service failed"));
    assertEquals(502, run(MANAGER, "metrics").status());
    JsonObject json = reply.toJson();
    assertEquals(false, json.getBoolean("ok"));
    assertEquals("NOT_FOUND", json.getJsonObject("error").getString("code"));
  }

  @Test
  void nodesAndServicesNameTheNodes() {
    JsonObject solo = new JsonObject().put("id", "n-1").put("name", "solo").put("host", "10.0.0.1").put("reconciler", true)
      .put("instances", new JsonArray().add(new JsonObject().put("id", "products-1").put("service", "products"))
        .add(new JsonObject().put("id", "products-2").put("service", "products")).add(new JsonObject().put("id", "users-1").put("service", "users")));
    platform.answer("node", "nodes", new JsonObject().put("items", new JsonArray().add(solo)).put("total", 1));
    ChatReply nodes = run(MANAGER, "nodes");
    assertTrue(nodes.ok(), nodes.text());
    assertTrue(nodes.text().contains("solo") && nodes.text().contains("products×2 users×1") && nodes.text().contains("yes"), nodes.text());
    platform.answer("monitor", "status", new JsonObject().put("services", new JsonObject().put("products", new JsonObject().put("status", "UP")
      .put("instances", new JsonArray().add(new JsonObject().put("id", "products-1").put("node", "n-1").put("status", "UP").put("breaker", "CLOSED"))))));
    ChatReply services = run(MANAGER, "services");
    assertTrue(services.text().contains("products-1") && services.text().contains("solo") && !services.text().contains("n-1"), services.text());
  }

  @Test
  void whoamiSaysWhoTheTokenNames() {
    ChatReply me = run(CLIENT, "whoami");
    assertEquals(new JsonObject().put("id", "c1").put("username", "carla").put("role", "client"), me.data());
  }

  private record Call(String token, String service, String action, JsonObject params, JsonObject query, Object body) {
  }

  /** Records every call; answers what the test set for (service, action), else an empty page. */
  private static final class RecordingPlatform implements Platform {
    final List<Call> calls = new ArrayList<>();
    final List<Map.Entry<String, JsonObject>> events = new ArrayList<>();
    final Map<String, Future<Object>> answers = new HashMap<>();

    void answer(String service, String action, Object answer) {
      answers.put(service + "." + action, Future.succeededFuture(answer));
    }

    void fail(String service, String action, ServiceException error) {
      answers.put(service + "." + action, Future.failedFuture(error));
    }

    List<JsonObject> published(String address) {
      return events.stream().filter(e -> e.getKey().equals(address)).map(Map.Entry::getValue).toList();
    }

    @Override
    public Future<Object> call(Invocation invocation, String service, String action, JsonObject params, JsonObject query, Object body) {
      calls.add(new Call(invocation.token(), service, action, params, query, body));
      return answers.getOrDefault(service + "." + action, Future.succeededFuture(new JsonObject().put("items", new JsonArray()).put("total", 0)));
    }

    @Override
    public Future<Object> callAsService(Invocation invocation, String service, String action, JsonObject query) {
      calls.add(new Call(null, service, action, new JsonObject(), query, null));
      return answers.getOrDefault(service + "." + action, Future.succeededFuture(new JsonObject()));
    }

    @Override
    public Future<Set<String>> serviceNames() {
      return Future.succeededFuture(Set.of("users", "products", "orders", "gateway", "monitor", "metrics", "activity", "chatops"));
    }

    @Override
    public void publish(String address, JsonObject event) {
      events.add(Map.entry(address, event));
    }
  }
}
