package io.micronet.gateway;

import io.micronet.activity.ActivityVerticle;
import io.micronet.metrics.MetricsVerticle;
import io.micronet.shared.chaos.Failure;
import io.micronet.shared.chaos.FailureControl;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.messaging.Envelope;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static io.micronet.gateway.AllInOne.assertError;
import static io.micronet.gateway.AllInOne.await;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Live metrics, their history and the activity feed in the all-in-one (users, products, orders, gateway, then metrics
 * and activity), through real HTTP: traffic shows in {@code GET /api/metrics} with percentiles, a latency failure on
 * products raises its p99 there, snapshots arrive on {@code micronet.metrics}, the history holds points of the last
 * minutes, the retention (its clock moved by the test) rolls them up and drops them; lifecycle and failure events are
 * listed by {@code GET /api/activity} with working filters; only managers see any of it; bad queries are contract errors.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsAllInOneTest {

  private static final long LATENCY_MS = 300;
  /** The history is written every 10 s: the waits for it are longer than AllInOne's polls (still bounded). */
  private static final long HISTORY_WAIT_MS = 40_000;

  @TempDir
  static Path dataDir;

  private static AllInOne app;
  private static final ShiftedClock CLOCK = new ShiftedClock();
  private static final Instant STARTED = Instant.now();
  private static String productPath;

  /** The system clock, moved forward by the test (the metrics retention goes by it). */
  static final class ShiftedClock extends Clock {
    private volatile Duration shift = Duration.ZERO;

    void advance(Duration by) {
      shift = shift.plus(by);
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(shift);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @BeforeAll
  static void start() {
    // the retention runs every second here, so that moving the clock shows at once
    app = AllInOne.start(dataDir, new JsonObject().put("storage", new JsonObject().put("purgeIntervalSeconds", 1))
      .put("metrics", new JsonObject().put("sampleSeconds", 1)));
    await(app.vertx.deployVerticle(new MetricsVerticle(CLOCK), new DeploymentOptions().setConfig(app.config)));
    await(app.vertx.deployVerticle(new ActivityVerticle(), new DeploymentOptions().setConfig(app.config)));
    // manager-only services are not in /status: wait until the gateway routes to them
    AllInOne.poll(() -> app.call(GET, "/api/metrics").bearer(app.managerToken()).send(), r -> r.statusCode() == 200);
    AllInOne.poll(() -> app.call(GET, "/api/activity").bearer(app.managerToken()).send(), r -> r.statusCode() == 200);
    JsonObject product = app.call(POST, "/api/products").bearer(app.managerToken()).json(new JsonObject().put("name", "Metered lamp")
      .put("description", "read many times").put("category", "home").put("price", 10).put("stock", 5)).send().bodyAsJsonObject();
    productPath = "/api/products/" + product.getString("id");
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  @Order(1)
  void onlyManagersSeeMetricsAndActivity() {
    for (String path : List.of("/api/metrics", "/api/metrics/history?service=products", "/api/activity")) {
      assertError(app.call(GET, path).bearer(app.clientToken()).send(), 403, "FORBIDDEN");
      assertError(app.call(GET, path).send(), 401, "UNAUTHORIZED");
    }
  }

  @Test
  @Order(2)
  void trafficShowsInTheLatestFiguresWithPercentiles() {
    traffic(200);
    JsonObject products = pollMetrics(p -> p.getDouble("rps") > 0 && p.getDouble("p99") > 0
      && p.getJsonObject("gateway").getDouble("rps") > 0 && !p.getJsonObject("gateway").getJsonObject("instances").isEmpty(), 20_000);
    System.out.println("products as measured: " + products.encode());
    assertEquals(1, products.getJsonObject("instances").size());
    JsonObject instance = products.getJsonObject("instances").iterator().next().getValue() instanceof JsonObject j ? j : null;
    assertTrue(instance != null && instance.getString("node") != null && instance.getDouble("p50") > 0, () -> String.valueOf(instance));
    assertTrue(products.getDouble("p50") <= products.getDouble("p95") && products.getDouble("p95") <= products.getDouble("p99"));
    JsonObject all = app.call(GET, "/api/metrics").bearer(app.managerToken()).send().bodyAsJsonObject();
    assertEquals("snapshot", all.getString("type"));
    assertTrue(all.getJsonObject("services").containsKey("products"));
    JsonObject none = app.call(GET, "/api/metrics?service=nothing-here").bearer(app.managerToken()).send().bodyAsJsonObject();
    assertTrue(none.getJsonObject("services").isEmpty(), none::encode);
    assertError(app.call(GET, "/api/metrics?service=" + "x".repeat(200)).bearer(app.managerToken()).send(), 422, "VALIDATION_FAILED");
  }

  @Test
  @Order(3)
  void snapshotsArriveOnTheMetricsFeed() {
    Promise<JsonObject> received = Promise.promise();
    MessageConsumer<Object> consumer = app.vertx.eventBus().consumer(Feeds.METRICS, message -> {
      if (message.body() instanceof JsonObject json && json.getJsonObject("services", new JsonObject()).containsKey("products")) {
        received.tryComplete(json);
      }
    });
    try {
      JsonObject snapshot = received.future().await(20, TimeUnit.SECONDS);
      assertEquals("snapshot", snapshot.getString("type"));
      assertTrue(Instant.parse(snapshot.getString("time")).isAfter(STARTED));
    } catch (java.util.concurrent.TimeoutException e) {
      fail("no snapshot with products on " + Feeds.METRICS + " within 20 s");
    } finally {
      await(consumer.unregister());
    }
  }

  @Test
  @Order(4)
  void aLatencyFailureRaisesTheP99() {
    double before = pollMetrics(p -> p.getDouble("p99") > 0, 20_000).getDouble("p99");
    Failure failure = new Failure(Failure.Mode.LATENCY, 1.0, LATENCY_MS, LATENCY_MS, null, System.currentTimeMillis() + 30_000, "manager");
    control(FailureControl.INJECT, failure.toJson());
    try {
      // enough slow requests for the tail of the 60 s window: 40 in flight at once
      List<Future<HttpResponse<Buffer>>> slow = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        slow.add(app.client.get(app.port, AllInOne.HOST, productPath).timeout(AllInOne.HANG_GUARD_MS).send());
      }
      await(Future.all(slow));
      JsonObject products = pollMetrics(p -> p.getDouble("p99") > LATENCY_MS, 20_000);
      System.out.printf("products p99 before %.1f ms, with %d ms injected %.1f ms (gateway's view %.1f ms)%n", before, LATENCY_MS,
        products.getDouble("p99"), products.getJsonObject("gateway").getDouble("p99"));
      assertTrue(products.getJsonObject("gateway").getDouble("p99") > LATENCY_MS, products::encode);
    } finally {
      control(FailureControl.RECOVER, new JsonObject());
    }
  }

  @Test
  @Order(5)
  void historyHoldsPointsOfTheLastMinutes() {
    traffic(50);
    String instance = pollMetrics(p -> !p.getJsonObject("instances").isEmpty(), 20_000).getJsonObject("instances").fieldNames().iterator().next();
    // traffic goes on while the history is awaited (a step is written every 10 s)
    JsonObject history = pollHistory("/api/metrics/history?service=products", h -> {
      traffic(5);
      return h.getJsonArray("points").size() >= 2 && h.getJsonArray("points").stream().anyMatch(p -> ((JsonObject) p).getDouble("rps") > 0);
    });
    System.out.println("products history: " + history.getJsonArray("points").size() + " points, last "
      + history.getJsonArray("points").getJsonObject(history.getJsonArray("points").size() - 1).encode());
    assertEquals(10, history.getInteger("step"));
    for (Object point : history.getJsonArray("points")) {
      JsonObject p = (JsonObject) point;
      Instant time = Instant.parse(p.getString("time"));
      assertTrue(!time.isBefore(STARTED.minusSeconds(10)) && time.toEpochMilli() % 10_000 == 0, p::encode);
    }
    JsonObject ofInstance = pollHistory("/api/metrics/history?service=products&instance=" + instance, h -> !h.getJsonArray("points").isEmpty());
    assertEquals(instance, ofInstance.getString("instance"));
    String from = URLEncoder.encode(STARTED.minusSeconds(60).toString(), StandardCharsets.UTF_8);
    JsonObject wide = pollHistory("/api/metrics/history?service=products&step=600&from=" + from, h -> !h.getJsonArray("points").isEmpty());
    assertTrue(wide.getJsonArray("points").size() <= 2, wide::encode);

    JsonObject unknown = app.call(GET, "/api/metrics/history?service=no-such-service").bearer(app.managerToken()).send().bodyAsJsonObject();
    assertEquals(new JsonArray(), unknown.getJsonArray("points"), "an unknown service has an empty series");
  }

  @Test
  @Order(6)
  void badHistoryQueriesAreContractErrors() {
    List<String> bad = List.of("", "?service=products&from=2026-12-01T10:00:00Z&to=2026-12-01T09:00:00Z",
      "?service=products&from=2000-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "?service=products&step=5",
      "?service=products&step=ten", "?service=products&from=yesterday", "?service=products&to=%2B999999999-01-01T00:00:00Z",
      "?service=products&from=2026-01-01T00:00:00Z&to=2026-01-31T00:00:00Z&step=10", "?service=%00");
    for (String query : bad) {
      HttpResponse<Buffer> response = app.call(GET, "/api/metrics/history" + query).bearer(app.managerToken()).send();
      JsonObject error = assertError(response, 422, "VALIDATION_FAILED");
      assertTrue(error.getValue("details") instanceof JsonObject details && !details.isEmpty(), () -> query + ": " + error.encode());
    }
  }

  @Test
  @Order(7)
  void activityListsLifecycleAndFailureEventsWithFilters() {
    app.undeployProducts();
    app.deployProducts();
    app.awaitProducts("UP", 1);
    JsonObject lifecycle = pollActivity("?kind=lifecycle&service=products", page -> texts(page).stream().anyMatch(t -> t.endsWith("stopped"))
      && texts(page).stream().anyMatch(t -> t.endsWith("started")));
    System.out.println("activity, lifecycle of products: " + texts(lifecycle));
    List<Instant> times = lifecycle.getJsonArray("items").stream().map(i -> Instant.parse(((JsonObject) i).getString("time"))).toList();
    for (int i = 1; i < times.size(); i++) {
      assertFalse(times.get(i).isAfter(times.get(i - 1)), "newest first: " + times);
    }
    for (Object item : lifecycle.getJsonArray("items")) {
      JsonObject event = (JsonObject) item;
      assertEquals("lifecycle", event.getString("kind"));
      assertEquals("products", event.getString("service"));
    }
    JsonObject failures = pollActivity("?kind=failure", page -> texts(page).stream().anyMatch(t -> t.contains("latency")));
    assertTrue(failures.getJsonArray("items").stream().allMatch(i -> "failure".equals(((JsonObject) i).getString("kind"))));
    JsonObject small = app.call(GET, "/api/activity?size=1&page=1").bearer(app.managerToken()).send().bodyAsJsonObject();
    assertEquals(1, small.getJsonArray("items").size());
    assertEquals(1, small.getInteger("page"));
    assertTrue(small.getLong("total") >= 2);

    JsonObject error = assertError(app.call(GET, "/api/activity?kind=explosion").bearer(app.managerToken()).send(), 422, "VALIDATION_FAILED");
    assertTrue(error.getJsonObject("details").getString("kind").contains("lifecycle"), error::encode);
    assertError(app.call(GET, "/api/activity?size=1000").bearer(app.managerToken()).send(), 422, "VALIDATION_FAILED");
  }

  @Test
  @Order(8)
  void retentionRollsOldPointsUpThenDropsThem() {
    String range = "&from=" + URLEncoder.encode(STARTED.minusSeconds(60).toString(), StandardCharsets.UTF_8)
      + "&to=" + URLEncoder.encode(Instant.now().plusSeconds(60).toString(), StandardCharsets.UTF_8);
    JsonObject raw = pollHistory("/api/metrics/history?service=products&step=10" + range, h -> !h.getJsonArray("points").isEmpty());
    int rawPoints = raw.getJsonArray("points").size();

    CLOCK.advance(Duration.ofHours(25));
    JsonObject rolled = pollHistory("/api/metrics/history?service=products&step=10" + range, h -> !h.getJsonArray("points").isEmpty()
      && h.getJsonArray("points").stream().allMatch(p -> Instant.parse(((JsonObject) p).getString("time")).toEpochMilli() % 60_000 == 0));
    System.out.printf("after 25 h: %d raw points became %d one-minute points%n", rawPoints, rolled.getJsonArray("points").size());
    assertTrue(rolled.getJsonArray("points").size() <= rawPoints, rolled::encode);

    CLOCK.advance(Duration.ofDays(7));
    pollHistory("/api/metrics/history?service=products&step=10" + range, h -> h.getJsonArray("points").isEmpty());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static void traffic(int requests) {
    for (int i = 0; i < requests; i++) {
      assertEquals(200, app.call(GET, productPath).send().statusCode());
    }
  }

  /** Publishes a failure-control action to every products instance, as the node agent does, with a manager's token. */
  private static void control(String action, JsonObject failure) {
    app.vertx.eventBus().publish(FailureControl.address("products"), Envelope.body(new JsonObject(), new JsonObject(), failure),
      new DeliveryOptions().addHeader(Envelope.ACTION, action).addHeader(Envelope.AUTHORIZATION, "Bearer " + app.managerToken()));
  }

  private static JsonObject pollMetrics(Predicate<JsonObject> products, long maxMs) {
    return poll(() -> app.call(GET, "/api/metrics?service=products").bearer(app.managerToken()).send(), r -> {
      JsonObject p = r.statusCode() == 200 ? r.bodyAsJsonObject().getJsonObject("services").getJsonObject("products") : null;
      return p != null && products.test(p);
    }, maxMs).bodyAsJsonObject().getJsonObject("services").getJsonObject("products");
  }

  private static JsonObject pollHistory(String uri, Predicate<JsonObject> done) {
    return poll(() -> app.call(GET, uri).bearer(app.managerToken()).send(),
      r -> r.statusCode() == 200 && done.test(r.bodyAsJsonObject()), HISTORY_WAIT_MS).bodyAsJsonObject();
  }

  private static JsonObject pollActivity(String query, Predicate<JsonObject> done) {
    return poll(() -> app.call(GET, "/api/activity" + query).bearer(app.managerToken()).send(),
      r -> r.statusCode() == 200 && done.test(r.bodyAsJsonObject()), 20_000).bodyAsJsonObject();
  }

  private static List<String> texts(JsonObject page) {
    return page.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("text")).toList();
  }

  /** Repeats {@code action} every 250 ms until {@code done} accepts its result, for at most {@code maxMs}; fails otherwise. */
  private static HttpResponse<Buffer> poll(Supplier<HttpResponse<Buffer>> action, Predicate<HttpResponse<Buffer>> done, long maxMs) {
    long deadline = System.currentTimeMillis() + maxMs;
    HttpResponse<Buffer> last;
    do {
      last = action.get();
      if (done.test(last)) {
        return last;
      }
      AllInOne.sleep(250);
    } while (System.currentTimeMillis() < deadline);
    fail("condition not reached in " + maxMs + " ms; last: " + last.statusCode() + " " + last.bodyAsString());
    return last;
  }
}
