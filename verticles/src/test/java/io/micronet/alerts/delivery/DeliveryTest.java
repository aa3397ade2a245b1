package io.micronet.alerts.delivery;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronet.alerts.Notification;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.storage.TestDatabases;
import io.micronet.storage.TestDatabases.Engine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import static io.micronet.storage.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Delivery end to end on both engines: real receivers (HTTP servers on loopback, so private targets are on unless a
 * case is about refusing them), the outbox in H2 and PostgreSQL, the dispatcher polling every 50 ms with small
 * backoffs. This run's notifications and channels carry {@link #PREFIX}; each case deletes its channels, and the
 * rows are deleted at the end (the PostgreSQL is shared). Waits are bounded polls; timings are printed, not asserted.
 */
class DeliveryTest {

  private static final String PREFIX = "dt" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private static final String SECRET = "s3cret-signing-key";

  @TempDir
  static Path tempDir;

  private static Vertx vertx;
  private static TestDatabases databases;
  private final List<Delivery> started = new ArrayList<>();
  private final List<Receiver> receivers = new ArrayList<>();
  private Engine current;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    databases = new TestDatabases(vertx, tempDir, pool -> await(DeliverySchema.migrate(vertx, pool)));
  }

  @AfterAll
  static void stop() {
    try {
      databases.close(pool -> {
        Map<String, Object> like = Map.of("prefix", PREFIX + "%");
        await(SqlTemplate.forUpdate(pool, "DELETE FROM alert_deliveries WHERE notification_id LIKE #{prefix}").execute(like));
        await(SqlTemplate.forUpdate(pool, "DELETE FROM alert_notifications WHERE id LIKE #{prefix}").execute(like));
        await(SqlTemplate.forUpdate(pool, "DELETE FROM alert_channels WHERE name LIKE #{prefix}").execute(like));
      });
    } finally {
      await(vertx.close());
    }
  }

  @AfterEach
  void stopDeliveries() {
    started.forEach(delivery -> await(delivery.stop()));
    receivers.forEach(Receiver::close);
    if (current != null) {
      // later cases must not deliver to this case's channels, nor find its rows left pending
      await(SqlTemplate.forUpdate(databases.pool(current), "DELETE FROM alert_deliveries WHERE notification_id LIKE #{prefix} "
        + "AND state = 'pending'").execute(Map.of("prefix", PREFIX + "%")));
      await(SqlTemplate.forUpdate(databases.pool(current), "DELETE FROM alert_channels WHERE name LIKE #{prefix}")
        .execute(Map.of("prefix", PREFIX + "%")));
    }
  }

  private static DeliverySettings settings(boolean allowPrivate, int maxAttempts, long timeoutMs) {
    return new DeliverySettings(null, null, allowPrivate, maxAttempts, 20, 2, 200, timeoutMs, Math.min(timeoutMs, 1_000), 50, 20, 30);
  }

  private Delivery delivery(Engine engine, DeliverySettings settings, BooleanSupplier leading, SimpleMeterRegistry registry) {
    return delivery(engine, settings, leading, registry, null);
  }

  private Delivery delivery(Engine engine, DeliverySettings settings, BooleanSupplier leading, SimpleMeterRegistry registry,
                            Sender.Resolver resolver) {
    current = engine;
    Delivery delivery = await(Delivery.start(vertx, databases.pool(engine), settings, leading, registry, Clock.systemUTC(), resolver));
    started.add(delivery);
    return delivery;
  }

  private Receiver receiver(java.util.function.IntFunction<Integer> behaviour) {
    Receiver receiver = new Receiver(vertx, behaviour);
    receivers.add(receiver);
    return receiver;
  }

  private static ServiceRequest request(String action, JsonObject params, JsonObject query, Object body) {
    return new ServiceRequest(action, "req-" + action, "manager-1", "manager", null, params, query, body);
  }

  private static JsonObject call(Delivery delivery, String action, JsonObject params, JsonObject query, Object body) {
    Function<ServiceRequest, Future<ServiceResponse>> handler = delivery.actions().get(action);
    ServiceResponse response = await(handler.apply(request(action, params, query, body)));
    return response.body() == null ? null : (JsonObject) response.body();
  }

  private static ServiceException refused(Delivery delivery, String action, JsonObject params, Object body) {
    try {
      await(delivery.actions().get(action).apply(request(action, params, new JsonObject(), body)));
    } catch (ServiceException e) {
      return e;
    } catch (RuntimeException e) {
      if (e.getCause() instanceof ServiceException known) {
        return known;
      }
      throw e;
    }
    return fail(action + " succeeded: " + body);
  }

  private static String channel(Delivery delivery, String name, String kind, String url, String secret) {
    JsonObject body = new JsonObject().put("name", PREFIX + name).put("kind", kind).put("url", url);
    if (secret != null) {
      body.put("secret", secret);
    }
    JsonObject created = call(delivery, "channels.create", new JsonObject(), new JsonObject(), body);
    assertFalse(created.containsKey("secret"), "the secret is never answered");
    return created.getString("id");
  }

  private static Notification notification(String name, String status) {
    JsonArray alerts = new JsonArray().add(new JsonObject().put("id", "al-" + name).put("rule", "error rate").put("severity", "critical")
      .put("service", "products").put("summary", "products error rate 42% > 5% for 30s"));
    return new Notification(PREFIX + name, "products/error rate", status, alerts, Instant.now());
  }

  private static List<DeliveryRow> rows(Delivery delivery, String notificationId) {
    return await(delivery.rows().ofNotification(notificationId));
  }

  private static DeliveryRow row(Delivery delivery, String notificationId) {
    List<DeliveryRow> rows = rows(delivery, notificationId);
    assertEquals(1, rows.size(), "one row per channel: " + rows);
    return rows.get(0);
  }

  private static void waitFor(String what, BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        fail("not within 30 s: " + what);
      }
      sleep(20);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Lets the dispatcher poll several more times (anything it would wrongly send again would arrive). */
  private static void quietPolls() {
    sleep(400);
  }

  private static long answered2xx(Receiver receiver, String id, java.util.function.IntFunction<Integer> behaviour) {
    List<Receiver.Received> all = receiver.requests();
    long ok = 0;
    for (int i = 0; i < all.size(); i++) {
      int status = behaviour.apply(i + 1);
      if (id.equals(all.get(i).headers().get(Payloads.ID_HEADER)) && status >= 200 && status < 300) {
        ok++;
      }
    }
    return ok;
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aSignedWebhookIsDeliveredOnceToTheCheckedAddressUnderItsName(Engine engine) throws Exception {
    Receiver receiver = receiver(n -> 200);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Delivery delivery = delivery(engine, settings(true, 4, 2_000), () -> true, registry);
    channel(delivery, "signed-" + engine, "webhook", "http://localhost:" + receiver.port() + "/hook?token=abc", SECRET);
    Notification note = notification("signed-" + engine, Notification.FIRING);

    await(delivery.outbox().enqueue(note));
    waitFor("delivered", () -> DeliveryRow.DELIVERED.equals(row(delivery, note.id()).state()));
    await(delivery.outbox().enqueue(note));
    quietPolls();

    assertEquals(1, receiver.count(note.id()), "exactly once, even enqueued twice");
    assertEquals(1, rows(delivery, note.id()).size());
    Receiver.Received got = receiver.requests().get(0);
    assertEquals("/hook?token=abc", got.path());
    assertTrue(got.headers().get("Host").startsWith("localhost"), "the name travels as Host: " + got.headers().get("Host"));
    assertEquals(note.id(), got.headers().get(Payloads.ID_HEADER));
    JsonObject body = got.body().toJsonObject();
    assertEquals(note.id(), body.getString("id"));
    assertEquals("firing", body.getString("status"));
    assertEquals(note.alerts(), body.getJsonArray("alerts"));
    Instant.parse(body.getString("sentAt"));
    // the receiver's check: HMAC-SHA256 of the exact bytes with the channel's secret
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(got.body().getBytes()));
    assertEquals(expected, got.headers().get(Payloads.SIGNATURE_HEADER));
    assertEquals(1, delivery.metrics().counted("webhook", "delivered"));
    assertEquals(1, row(delivery, note.id()).attempts());
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aReceiverThatFailsThreeTimesGetsItExactlyOnceAfterBackoff(Engine engine) {
    java.util.function.IntFunction<Integer> behaviour = n -> n <= 3 ? 503 : 200;
    Receiver receiver = receiver(behaviour);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Delivery delivery = delivery(engine, settings(true, 6, 2_000), () -> true, registry);
    channel(delivery, "flaky-" + engine, "webhook", receiver.url("/flaky"), SECRET);
    Notification note = notification("flaky-" + engine, Notification.FIRING);

    await(delivery.outbox().enqueue(note));
    waitFor("delivered", () -> DeliveryRow.DELIVERED.equals(row(delivery, note.id()).state()));
    quietPolls();

    assertEquals(4, receiver.count(note.id()), "three failures, one success, nothing after");
    assertEquals(1, answered2xx(receiver, note.id(), behaviour), "received exactly once");
    DeliveryRow row = row(delivery, note.id());
    assertEquals(4, row.attempts());
    assertNull(row.lastError(), "cleared once delivered");
    assertEquals(3, delivery.metrics().counted("webhook", "transient_failure"));
    assertEquals(1, delivery.metrics().counted("webhook", "delivered"));
    List<Receiver.Received> got = receiver.requests();
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < got.size(); i++) {
      gaps.add(got.get(i).atMillis() - got.get(i - 1).atMillis());
    }
    System.out.println("[" + engine + "] gaps between attempts (ms, backoff caps 20/40/80 + polling 50): " + gaps);
    JsonObject firstBody = got.get(0).body().toJsonObject();
    firstBody.remove("sentAt");
    for (Receiver.Received attempt : got) {
      JsonObject body = attempt.body().toJsonObject();
      body.remove("sentAt");
      assertEquals(firstBody, body, "every attempt carries the same notification (and id)");
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aReceiverThatAlwaysFailsEndsInTheDeadLetterQueueAndAReplayDeliversItOnce(Engine engine) {
    Receiver receiver = receiver(n -> 500);
    Delivery delivery = delivery(engine, settings(true, 3, 2_000), () -> true, new SimpleMeterRegistry());
    channel(delivery, "down-" + engine, "webhook", receiver.url("/down"), SECRET);
    Notification note = notification("down-" + engine, Notification.FIRING);

    await(delivery.outbox().enqueue(note));
    waitFor("dead", () -> DeliveryRow.DEAD.equals(row(delivery, note.id()).state()));
    quietPolls();
    assertEquals(3, receiver.count(note.id()), "max attempts, then no more");
    DeliveryRow dead = row(delivery, note.id());
    assertEquals(3, dead.attempts());
    assertEquals("transient", dead.failureKind());
    assertEquals(1, delivery.metrics().counted("webhook", "dead"));

    JsonObject page = call(delivery, "dlq.list", new JsonObject(), new JsonObject().put("size", "100"), null);
    JsonObject item = page.getJsonArray("items").stream().map(JsonObject.class::cast)
      .filter(i -> note.id().equals(i.getString("notificationId"))).findFirst().orElseThrow(() -> new AssertionError(page.encode()));
    assertEquals(dead.id(), item.getString("id"));
    assertEquals(PREFIX + "down-" + engine, item.getString("channel"));
    assertEquals("firing", item.getString("status"));
    assertEquals("products error rate 42% > 5% for 30s", item.getString("summary"));
    assertEquals(3, item.getInteger("attempts"));
    assertEquals("the receiver answered 500", item.getString("lastError"));
    assertEquals("transient", item.getString("failureKind"));
    Instant.parse(item.getString("deadAt"));

    receiver.behave(n -> 200);
    int before = receiver.requests().size();
    JsonObject replayed = call(delivery, "dlq.replay", new JsonObject(), new JsonObject(),
      new JsonObject().put("ids", new JsonArray().add(dead.id()).add("no-such-row")));
    assertEquals(1, replayed.getInteger("queued"));
    assertEquals(new JsonArray().add("no-such-row"), replayed.getJsonArray("notFound"));
    waitFor("delivered after replay", () -> DeliveryRow.DELIVERED.equals(row(delivery, note.id()).state()));
    quietPolls();
    assertEquals(before + 1, receiver.requests().size(), "the replay delivers it once");
    assertEquals(1, row(delivery, note.id()).attempts(), "attempts were reset");

    JsonObject again = call(delivery, "dlq.replay", new JsonObject(), new JsonObject(), new JsonObject().put("ids", new JsonArray().add(dead.id())));
    assertEquals(0, again.getInteger("queued"), "a delivered row is not in the queue");
    assertEquals(new JsonArray().add(dead.id()), again.getJsonArray("notFound"));
    assertEquals(422, refused(delivery, "dlq.replay", new JsonObject(), new JsonObject().put("ids", "all")).code().httpStatus());
    assertEquals(422, refused(delivery, "dlq.replay", new JsonObject(), new JsonObject().put("ids", new JsonArray())).code().httpStatus());
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aRedirectIsAPermanentFailureAndIsNotFollowed(Engine engine) {
    Receiver receiver = receiver(n -> 302);
    Delivery delivery = delivery(engine, settings(true, 5, 2_000), () -> true, new SimpleMeterRegistry());
    channel(delivery, "moved-" + engine, "webhook", receiver.url("/moved"), null);
    Notification note = notification("moved-" + engine, Notification.FIRING);

    await(delivery.outbox().enqueue(note));
    waitFor("dead", () -> DeliveryRow.DEAD.equals(row(delivery, note.id()).state()));
    quietPolls();
    DeliveryRow dead = row(delivery, note.id());
    assertEquals(1, dead.attempts(), "no retry of a permanent failure");
    assertEquals("permanent", dead.failureKind());
    assertTrue(dead.lastError().contains("302"), dead.lastError());
    assertEquals(1, receiver.requests().size());
    assertTrue(receiver.requests().stream().noneMatch(r -> r.path().startsWith("/elsewhere")), "the Location was not followed");
    assertNull(receiver.requests().get(0).headers().get(Payloads.SIGNATURE_HEADER), "no secret, no signature");
    assertEquals(1, delivery.metrics().counted("webhook", "permanent_failure"));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aTimeoutIsATransientFailure(Engine engine) {
    Receiver receiver = receiver(n -> 0);
    Delivery delivery = delivery(engine, settings(true, 2, 300), () -> true, new SimpleMeterRegistry());
    channel(delivery, "silent-" + engine, "webhook", receiver.url("/silent"), SECRET);
    Notification note = notification("silent-" + engine, Notification.RESOLVED);

    await(delivery.outbox().enqueue(note));
    waitFor("dead", () -> DeliveryRow.DEAD.equals(row(delivery, note.id()).state()));
    DeliveryRow dead = row(delivery, note.id());
    assertEquals(2, dead.attempts(), "retried once, as a transient failure");
    assertEquals("transient", dead.failureKind());
    assertEquals("timed out", dead.lastError());
    assertEquals(2, receiver.requests().size());
    assertEquals(2, delivery.metrics().counted("webhook", "transient_failure"));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void onlyTheLeaderSendsAndANewLeaderResumesWithoutResending(Engine engine) {
    Receiver receiver = receiver(n -> 200);
    AtomicBoolean firstLeads = new AtomicBoolean(true);
    Delivery first = delivery(engine, settings(true, 4, 2_000), firstLeads::get, new SimpleMeterRegistry());
    AtomicBoolean secondLeads = new AtomicBoolean(false);
    Delivery second = delivery(engine, settings(true, 4, 2_000), secondLeads::get, new SimpleMeterRegistry());
    channel(first, "handover-" + engine, "webhook", receiver.url("/handover"), SECRET);
    Notification sent = notification("handover-sent-" + engine, Notification.FIRING);
    Notification left = notification("handover-left-" + engine, Notification.FIRING);

    await(first.outbox().enqueue(sent));
    waitFor("delivered by the first leader", () -> DeliveryRow.DELIVERED.equals(row(first, sent.id()).state()));
    firstLeads.set(false);
    await(first.outbox().enqueue(left));
    quietPolls();
    assertEquals(0, await(first.pollNow()), "a standby takes nothing");
    assertEquals(0, await(second.pollNow()));
    assertEquals(0, receiver.count(left.id()), "no instance leads: nothing is sent");
    assertEquals(DeliveryRow.PENDING, row(first, left.id()).state());
    assertEquals(0, row(first, left.id()).attempts());

    await(first.stop());
    started.remove(first);
    secondLeads.set(true);
    second.leadershipChanged(true);
    waitFor("resumed by the new leader", () -> DeliveryRow.DELIVERED.equals(row(second, left.id()).state()));
    quietPolls();
    assertEquals(1, receiver.count(left.id()), "the pending one, once");
    assertEquals(1, receiver.count(sent.id()), "the delivered one is not sent again");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aSlackChannelGetsTextAndBlocks(Engine engine) {
    Receiver receiver = receiver(n -> 200);
    Delivery delivery = delivery(engine, settings(true, 3, 2_000), () -> true, new SimpleMeterRegistry());
    channel(delivery, "slack-" + engine, "slack", receiver.url("/services/T0/B0/XYZ"), null);
    Notification note = notification("slack-" + engine, Notification.FIRING);

    await(delivery.outbox().enqueue(note));
    waitFor("delivered", () -> DeliveryRow.DELIVERED.equals(row(delivery, note.id()).state()));
    JsonObject slack = receiver.requests().get(0).body().toJsonObject();
    assertTrue(slack.getString("text").contains("FIRING"), slack.encode());
    assertInstanceOf(JsonArray.class, slack.getValue("blocks"));
    assertTrue(slack.getJsonArray("blocks").encode().contains("products error rate 42%"));
    assertEquals(Channel.Kind.SLACK.label(), row(delivery, note.id()).channelKind());
    assertEquals(1, delivery.metrics().counted("slack", "delivered"));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void withPrivateTargetsOffForbiddenUrlsAreRefusedAndANameResolvingToLoopbackIsNotCalled(Engine engine) {
    Receiver receiver = receiver(n -> 200);
    Sender.Resolver resolver = host -> "rebind.test".equals(host) ? List.of(InetAddress.getLoopbackAddress())
      : List.of(InetAddress.getAllByName(host));
    Delivery delivery = delivery(engine, settings(false, 3, 2_000), () -> true, new SimpleMeterRegistry(), resolver);
    long channelsBefore = call(delivery, "channels.list", new JsonObject(), new JsonObject(), null).getLong("total");
    for (String url : List.of("http://127.0.0.1:" + receiver.port() + "/", "http://[::1]/", "http://169.254.169.254/latest/meta-data",
      "http://[fd00:ec2::254]/", "http://10.0.0.8/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://localhost/",
      "http://2130706433/", "ftp://example.com/", "http://user:pass@example.com/")) {
      ServiceException refused = refused(delivery, "channels.create", new JsonObject(),
        new JsonObject().put("name", PREFIX + "bad-" + engine).put("url", url));
      assertEquals(422, refused.code().httpStatus(), url);
      assertTrue(((JsonObject) refused.details()).containsKey("url"), url + ": " + refused.details());
    }
    ServiceException privateFlag = refused(delivery, "channels.create", new JsonObject(), new JsonObject()
      .put("name", PREFIX + "flag-" + engine).put("url", "https://example.com/hook").put("allowPrivateTargets", true));
    assertTrue(((JsonObject) privateFlag.details()).containsKey("allowPrivateTargets"));
    assertEquals(channelsBefore, call(delivery, "channels.list", new JsonObject(), new JsonObject(), null).getLong("total"),
      "nothing stored");

    channel(delivery, "rebind-" + engine, "webhook", "http://rebind.test:" + receiver.port() + "/hook", SECRET);
    Notification note = notification("rebind-" + engine, Notification.FIRING);
    await(delivery.outbox().enqueue(note));
    waitFor("dead", () -> DeliveryRow.DEAD.equals(row(delivery, note.id()).state()));
    DeliveryRow dead = row(delivery, note.id());
    assertEquals("permanent", dead.failureKind());
    assertTrue(dead.lastError().contains("loopback"), dead.lastError());
    assertEquals(0, receiver.requests().size(), "never called");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void channelsAreManagedAndNeverShowTheirSecretOrFullUrl(Engine engine) {
    DeliverySettings withDefault = new DeliverySettings("https://hooks.example.com/secret-path?token=zzz", "default-key", false, 3, 20, 2,
      200, 1_000, 1_000, 50, 20, 30);
    Delivery delivery = delivery(engine, withDefault, () -> false, new SimpleMeterRegistry());
    JsonObject created = call(delivery, "channels.create", new JsonObject(), new JsonObject(), new JsonObject()
      .put("name", PREFIX + "ops-" + engine).put("kind", "slack").put("url", "https://hooks.slack.com/services/T0/B0/SECRETXYZ")
      .put("secret", "k"));
    String id = created.getString("id");
    assertEquals("https://hooks.slack.com/…", created.getString("url"));
    assertEquals(true, created.getBoolean("hasSecret"));
    assertEquals("slack", created.getString("kind"));
    assertEquals(true, created.getBoolean("enabled"));
    assertFalse(created.encode().contains("SECRETXYZ"));

    JsonObject listed = call(delivery, "channels.list", new JsonObject(), new JsonObject().put("size", "100"), null);
    assertFalse(listed.encode().contains("secret-path") || listed.encode().contains("zzz") || listed.encode().contains("default-key")
      || listed.encode().contains("SECRETXYZ"), listed.encode());
    JsonObject builtIn = listed.getJsonArray("items").getJsonObject(0);
    assertEquals(Channel.DEFAULT_ID, builtIn.getString("id"));
    assertEquals("https://hooks.example.com/…", builtIn.getString("url"));
    assertTrue(builtIn.getBoolean("builtIn"));
    assertEquals(Channel.FEED_ID, listed.getJsonArray("items").getJsonObject(1).getString("id"));

    JsonObject updated = call(delivery, "channels.update", new JsonObject().put("id", id), new JsonObject(),
      new JsonObject().put("enabled", false).putNull("secret"));
    assertEquals(false, updated.getBoolean("enabled"));
    assertEquals(false, updated.getBoolean("hasSecret"));
    assertEquals("https://hooks.slack.com/…", updated.getString("url"), "the URL kept");

    assertEquals(409, refused(delivery, "channels.create", new JsonObject(), new JsonObject().put("name", PREFIX + "ops-" + engine)
      .put("url", "https://example.com/")).code().httpStatus());
    assertEquals(409, refused(delivery, "channels.update", new JsonObject().put("id", Channel.DEFAULT_ID), new JsonObject()).code().httpStatus());
    assertEquals(409, refused(delivery, "channels.delete", new JsonObject().put("id", Channel.FEED_ID), null).code().httpStatus());
    assertEquals(404, refused(delivery, "channels.update", new JsonObject().put("id", "nope"), new JsonObject().put("enabled", true))
      .code().httpStatus());
    JsonObject details = (JsonObject) refused(delivery, "channels.create", new JsonObject(),
      new JsonObject().put("name", "").put("kind", "email").put("url", 5).put("enabled", "yes")).details();
    assertTrue(details.containsKey("name") && details.containsKey("kind") && details.containsKey("url") && details.containsKey("enabled"),
      details.encode());

    Notification note = notification("disabled-" + engine, Notification.FIRING);
    await(delivery.outbox().enqueue(note));
    assertEquals(List.of(Channel.DEFAULT_ID), rows(delivery, note.id()).stream().map(DeliveryRow::channelId).toList(),
      "queued for the enabled channels only (the default; not the disabled one, not the feed)");

    assertNull(call(delivery, "channels.delete", new JsonObject().put("id", id), new JsonObject(), null));
    assertEquals(404, refused(delivery, "channels.delete", new JsonObject().put("id", id), null).code().httpStatus());
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void thePurgeRemovesDeliveredRowsAndKeepsTheDeadLetters(Engine engine) {
    Receiver good = receiver(n -> 200);
    Receiver bad = receiver(n -> 404);
    Delivery delivery = delivery(engine, settings(true, 3, 2_000), () -> true, new SimpleMeterRegistry());
    channel(delivery, "purge-good-" + engine, "webhook", good.url("/ok"), null);
    channel(delivery, "purge-bad-" + engine, "webhook", bad.url("/gone"), null);
    Notification note = notification("purge-" + engine, Notification.FIRING);
    await(delivery.outbox().enqueue(note));
    waitFor("both settled", () -> rows(delivery, note.id()).stream().noneMatch(r -> DeliveryRow.PENDING.equals(r.state())));

    await(delivery.purge());
    assertEquals(2, rows(delivery, note.id()).size(), "nothing of this notification is 30 days old");
    assertTrue(await(delivery.rows().purgeDelivered(System.currentTimeMillis() + 60_000)) >= 1);
    List<DeliveryRow> left = rows(delivery, note.id());
    assertEquals(1, left.size(), "the delivered row is gone: " + left);
    assertEquals(DeliveryRow.DEAD, left.get(0).state());
    assertEquals("permanent", left.get(0).failureKind(), "a 404 is permanent");
    assertEquals("products error rate 42% > 5% for 30s", left.get(0).summary(), "its notification is kept");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void theUrlNeverReachesTheLogs(Engine engine) {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.setContext(logging);
    events.start();
    root.addAppender(events);
    ch.qos.logback.classic.Level level = logging.getLogger("io.micronet.alerts").getLevel();
    logging.getLogger("io.micronet.alerts").setLevel(ch.qos.logback.classic.Level.DEBUG);
    try {
      Receiver receiver = receiver(n -> n == 1 ? 500 : n == 2 ? 200 : 302);
      Delivery delivery = delivery(engine, settings(true, 2, 2_000), () -> true, new SimpleMeterRegistry());
      String secretPath = "/hook/T0KEN-IN-PATH?sig=QUERY-SECRET";
      channel(delivery, "logs-" + engine, "webhook", "http://localhost:" + receiver.port() + secretPath, SECRET);
      Notification flaky = notification("logs-a-" + engine, Notification.FIRING);
      await(delivery.outbox().enqueue(flaky));
      waitFor("delivered", () -> DeliveryRow.DELIVERED.equals(row(delivery, flaky.id()).state()));
      Notification moved = notification("logs-b-" + engine, Notification.FIRING);
      await(delivery.outbox().enqueue(moved));
      waitFor("dead", () -> DeliveryRow.DEAD.equals(row(delivery, moved.id()).state()));
      channel(delivery, "logs-closed-" + engine, "webhook", "http://127.0.0.1:1/closed/T0KEN-IN-PATH", SECRET);
      Notification refused = notification("logs-c-" + engine, Notification.FIRING);
      await(delivery.outbox().enqueue(refused));
      waitFor("dead", () -> rows(delivery, refused.id()).stream().allMatch(r -> !DeliveryRow.PENDING.equals(r.state())));

      List<String> lines = events.list.stream()
        .map(e -> e.getFormattedMessage() + " " + java.util.Arrays.toString(e.getArgumentArray())
          + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()))
        .toList();
      assertTrue(lines.stream().anyMatch(l -> l.contains("retry")), "the capture sees delivery's logs: " + lines);
      assertTrue(lines.stream().anyMatch(l -> l.contains("dead-letter")), "the capture sees delivery's logs: " + lines);
      for (String line : lines) {
        assertFalse(line.contains("T0KEN-IN-PATH") || line.contains("QUERY-SECRET") || line.contains(SECRET), line);
      }
    } finally {
      root.detachAppender(events);
      logging.getLogger("io.micronet.alerts").setLevel(level);
    }
  }
}
