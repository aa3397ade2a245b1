package io.micronet.demo;

import io.micronet.monitor.MonitorVerticle;
import io.micronet.shared.chaos.Failure;
import io.micronet.shared.chaos.FailureControl;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.config.ServiceDefinition;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.messaging.CallContext;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Tokens;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The nine-service demo of conf/demo.json in this JVM (its simulated services, the load, a monitor checking every
 * second): a failing {@code db} raises real errors in what calls it, so auth, user, payment and inventory turn
 * DEGRADED or DOWN with reasons naming db, api-gateway and order DEGRADED through them; after the failure all is UP.
 */
class DemoTopologyTest {

  static final List<String> NINE = List.of("api-gateway", "auth", "user", "order", "payment", "inventory", "notification", "db", "cache");
  static final List<String> ON_DB = List.of("auth", "user", "payment", "inventory");
  static final long WAIT_MS = 60_000;

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private final List<JsonObject> health = new CopyOnWriteArrayList<>();
  private final List<JsonObject> activity = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFailingDbDegradesEverythingAboveItAndAllRecovers() throws Exception {
    vertx = Vertx.vertx();
    String secret = UUID.randomUUID() + "-" + UUID.randomUUID();
    JsonObject config = config(secret);
    vertx.eventBus().<JsonObject>consumer(Feeds.HEALTH, m -> health.add(m.body()));
    vertx.eventBus().<JsonObject>consumer(Feeds.ACTIVITY, m -> activity.add(m.body()));
    for (ServiceDefinition definition : MicronetConfig.of(config).definitions().all()) {
      if (definition.type().equals(SimulatedServiceVerticle.TYPE)) {
        await(vertx.deployVerticle(SimulatedServiceVerticle::new, new DeploymentOptions().setInstances(definition.instances())
          .setConfig(config.copy().put(ServiceDefinition.DEPLOYED_AS, definition.name()))));
      }
    }
    await(vertx.deployVerticle(new MonitorVerticle(), new DeploymentOptions().setConfig(config)));
    await(vertx.deployVerticle(new DemoLoadVerticle(), new DeploymentOptions().setConfig(config.copy().put(ServiceDefinition.DEPLOYED_AS, "demo-load"))));

    JsonObject up = awaitSnapshot("all nine UP", 0, s -> NINE.stream().allMatch(name -> "UP".equals(status(s, name))));
    assertEquals(Set.copyOf(NINE), up.getJsonObject("services").fieldNames(), "the view is the nine services");
    assertEquals(2, up.getJsonObject("services").getJsonObject("api-gateway").getJsonArray("instances").size());

    int before = health.size();
    Failure failure = new Failure(Failure.Mode.ERROR, 1.0, 0, 0, null, System.currentTimeMillis() + 15_000, "manager");
    String token = Tokens.withSecret(vertx, secret).issue(new Caller("u-manager", "manager", Caller.MANAGER), 600);
    vertx.eventBus().publish(FailureControl.address("db"), Envelope.body(new JsonObject(), new JsonObject(), failure.toJson()),
      Envelope.options(FailureControl.INJECT, new CallContext("demo-test", token, null, null), 5000));

    JsonObject failing = awaitSnapshot("db DOWN and everything above it DEGRADED or DOWN through it", s ->
      "DOWN".equals(status(s, "db"))
        && ON_DB.stream().allMatch(name -> !"UP".equals(status(s, name)) && reasons(s, name).contains("DEGRADED because db is DOWN"))
        && "DEGRADED".equals(status(s, "api-gateway")) && "DEGRADED".equals(status(s, "order")));
    System.out.println("demo, db failing: " + summary(failing));
    assertTrue(reasons(failing, "api-gateway").stream().anyMatch(r -> r.matches("DEGRADED because (auth|user) is (DEGRADED|DOWN)")),
      () -> summary(failing));
    assertTrue(reasons(failing, "order").stream().anyMatch(r -> r.matches("DEGRADED because (payment|inventory) is (DEGRADED|DOWN)")),
      () -> summary(failing));
    assertEquals("UP", status(failing, "notification"), "nothing links notification to db");
    assertEquals("UP", status(failing, "cache"));
    // not a flag copied to the dependents: their own requests fail (measured error rates)
    JsonObject withErrors = awaitSnapshot("errors measured in the services that call db", before, s ->
      ON_DB.stream().anyMatch(name -> reasons(s, name).stream().anyMatch(r -> r.startsWith("errors on"))));
    System.out.println("demo, errors propagating: " + summary(withErrors));
    assertTrue(activity.stream().anyMatch(a -> "health".equals(a.getString("kind")) && "db".equals(a.getString("service"))),
      "a health activity event for db");
    assertTrue(health.subList(before, health.size()).stream().anyMatch(e -> "change".equals(e.getString("type"))
      && "order".equals(e.getString("service")) && "DEGRADED".equals(e.getString("status"))), "a change event for order");

    long recovering = System.nanoTime();
    awaitSnapshot("all nine UP again", s -> NINE.stream().allMatch(name -> "UP".equals(status(s, name))));
    System.out.printf("demo: all UP %d ms after the failure was seen (15 s failure)%n", (System.nanoTime() - recovering) / 1_000_000);
  }

  /** conf/demo.json's nine services, the monitor and the load, checked every second; nothing else (no users, no gateway). */
  private JsonObject config(String secret) throws IOException {
    Path file = Files.exists(Path.of("conf", "demo.json")) ? Path.of("conf", "demo.json") : Path.of("..", "conf", "demo.json");
    JsonObject demo = new JsonObject(Files.readString(file));
    JsonArray definitions = new JsonArray();
    for (Object item : demo.getJsonObject("services").getJsonArray("definitions")) {
      JsonObject definition = (JsonObject) item;
      String name = definition.getString("name");
      if (NINE.contains(name) || name.equals("monitor") || name.equals("demo-load")) {
        definitions.add(definition.copy().put("healthCheck", new JsonObject().put("intervalSeconds", 1).put("timeoutMs", 500)));
      }
    }
    definitions.stream().map(JsonObject.class::cast).filter(d -> d.getString("name").equals("demo-load"))
      .forEach(d -> d.getJsonObject("settings").put("rps", 60));
    return MicronetConfig.load(new JsonObject()
      .put("node", new JsonObject().put("verticles", new JsonArray().add("monitor")).put("shutdownGraceSeconds", 1))
      .put("storage", new JsonObject().put("dataDir", dataDir.toString()).putNull("dbUrl"))
      .put("security", new JsonObject().put("jwtSecret", secret))
      .put("services", new JsonObject().put("definitions", definitions)), Map.of()).json();
  }

  /** The first snapshot from now on that satisfies {@code done}. */
  private JsonObject awaitSnapshot(String what, Predicate<JsonObject> done) {
    return awaitSnapshot(what, health.size(), done);
  }

  /** The first snapshot from the {@code from}th event of the feed on that satisfies {@code done}. */
  private JsonObject awaitSnapshot(String what, int from, Predicate<JsonObject> done) {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    int seen = from;
    while (System.currentTimeMillis() < deadline) {
      for (; seen < health.size(); seen++) {
        JsonObject event = health.get(seen);
        if ("snapshot".equals(event.getString("type")) && done.test(event)) {
          return event;
        }
      }
      sleep(100);
    }
    JsonObject last = health.stream().filter(e -> "snapshot".equals(e.getString("type"))).reduce((a, b) -> b).orElse(new JsonObject());
    fail(what + ": not seen within " + WAIT_MS + " ms; last snapshot: " + summary(last));
    return last;
  }

  private static String status(JsonObject snapshot, String service) {
    JsonObject entry = snapshot.getJsonObject("services", new JsonObject()).getJsonObject(service);
    return entry == null ? null : entry.getString("status");
  }

  private static List<String> reasons(JsonObject snapshot, String service) {
    JsonObject entry = snapshot.getJsonObject("services", new JsonObject()).getJsonObject(service);
    return entry == null ? List.of() : entry.getJsonArray("reasons").stream().map(String::valueOf).toList();
  }

  private static String summary(JsonObject snapshot) {
    StringBuilder text = new StringBuilder();
    snapshot.getJsonObject("services", new JsonObject()).forEach(e -> text.append("\n  ").append(e.getKey()).append(": ")
      .append(((JsonObject) e.getValue()).getString("status")).append(" ").append(((JsonObject) e.getValue()).getJsonArray("reasons")));
    return text.toString();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(60, TimeUnit.SECONDS);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
