package io.micronet.gateway;

import io.vertx.core.Future;
import io.micronet.shared.messaging.CallContext;
import io.micronet.shared.discovery.Failover;
import io.micronet.shared.discovery.Upstream;
import io.micronet.shared.discovery.UpstreamDirectory;
import io.micronet.shared.discovery.InstanceRecords;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.resilience.BreakerPolicy;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import org.junit.jupiter.api.BeforeEach;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The breaker and retry policy of the gateway, against real event-bus consumers published through real
 * (local) service discovery: no network, no HTTP.
 */
@ExtendWith(VertxExtension.class)
class ServiceRouterTest {

  private static final int MAX_FAILURES = 3;

  private Vertx vertx;
  private ServiceDiscovery discovery;
  private UpstreamDirectory directory;
  private ServiceRouter router;
  private final Map<String, AtomicInteger> calls = new HashMap<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    discovery = ServiceDiscovery.create(vertx);
    useResetTimeout(60_000);
  }

  private void useResetTimeout(long resetMs) {
    if (directory != null) {
      directory.stop().await();
    }
    directory = new UpstreamDirectory(vertx, discovery, new BreakerPolicy(MAX_FAILURES, 400, resetMs), null, "gateway",
      Set.of("products"));
    directory.start(60_000).await();
    router = new ServiceRouter(directory, new UpstreamClient(vertx, WebClient.create(vertx), 400), true);
  }

  @Test
  void spreadsRequestsOverInstancesInTurn() {
    instance("a", Behaviour.OK);
    instance("b", Behaviour.OK);
    for (int i = 0; i < 6; i++) {
      assertEquals(200, router.route(get()).await().status());
    }
    assertEquals(3, calls.get("a").get());
    assertEquals(3, calls.get("b").get());
  }

  @Test
  void clientErrorsAreAnswersAndNeverOpenTheCircuit() {
    instance("a", Behaviour.NOT_FOUND);
    for (int i = 0; i < MAX_FAILURES * 2; i++) {
      UpstreamReply reply = router.route(get()).await();
      assertEquals(404, reply.status());
      assertEquals("NOT_FOUND", reply.body().toJsonObject().getJsonObject("error").getString("code"));
    }
    assertEquals(CircuitBreakerState.CLOSED, upstream("a").breakerState());
    assertEquals(MAX_FAILURES * 2, calls.get("a").get(), "a client error is not retried elsewhere");
  }

  @Test
  void serverErrorsOpenTheCircuitAndTheInstanceIsThenSkipped() {
    instance("a", Behaviour.SERVER_ERROR);
    for (int i = 0; i < MAX_FAILURES; i++) {
      UpstreamFailure failure = assertThrows(UpstreamFailure.class, () -> router.route(post(null)).await());
      assertEquals(500, failure.reply().status(), "the instance's own 5xx answer reaches the caller");
    }
    assertEquals(CircuitBreakerState.OPEN, upstream("a").breakerState());
    ServiceException open = assertThrows(ServiceException.class, () -> router.route(post(null)).await());
    assertEquals(ErrorCode.SERVICE_UNAVAILABLE, open.code());
    assertEquals(MAX_FAILURES, calls.get("a").get(), "no call reaches an open circuit");

    instance("b", Behaviour.OK);
    for (int i = 0; i < 4; i++) {
      assertEquals(200, router.route(post(null)).await().status());
    }
    assertEquals(MAX_FAILURES, calls.get("a").get());
  }

  @Test
  void aServiceReportingItsDependencyDownIsPassedOnWithoutOpeningItsCircuit() {
    instance("a", Behaviour.DEPENDENCY_DOWN);
    for (int i = 0; i < MAX_FAILURES * 2; i++) {
      UpstreamReply reply = router.route(get()).await();
      assertEquals(503, reply.status());
      assertEquals("SERVICE_UNAVAILABLE", reply.body().toJsonObject().getJsonObject("error").getString("code"));
    }
    assertEquals(CircuitBreakerState.CLOSED, upstream("a").breakerState(), "the instance itself answers");
  }

  @Test
  void aRefusalIsAnAnswerAndIsNeverTriedOnAnotherInstance() {
    instance("a", Behaviour.OK);
    instance("b", Behaviour.OK);
    AtomicInteger attempts = new AtomicInteger();
    Failover failover = new Failover(directory);
    Throwable failure = failover.call("products", true, f -> false, upstream -> {
      attempts.incrementAndGet();
      return Future.failedFuture(new ServiceException(ErrorCode.OUT_OF_STOCK, "sold out"));
    }).cause();
    assertEquals(ErrorCode.OUT_OF_STOCK, ((ServiceException) failure).code());
    assertEquals(1, attempts.get(), "another instance would say the same");
  }

  @Test
  void idempotentRequestsAreRetriedOnceOnAnotherInstance() {
    instance("a", Behaviour.SERVER_ERROR);
    instance("b", Behaviour.OK);
    for (int i = 0; i < 4; i++) {
      assertEquals(200, router.route(get()).await().status());
      assertEquals(200, router.route(post("key-" + i)).await().status());
    }
    assertTrue(calls.get("a").get() > 0, "a was tried");
  }

  @Test
  void aWriteWithoutIdempotencyKeyIsNotSentTwice() {
    instance("a", Behaviour.SERVER_ERROR);
    instance("b", Behaviour.SERVER_ERROR);
    assertThrows(UpstreamFailure.class, () -> router.route(post(null)).await());
    assertEquals(1, calls.get("a").get() + calls.get("b").get());
  }

  @Test
  void anInstanceWithNoConsumerIsPassedOverEvenForWrites() {
    publish("gone", InstanceRecords.address("products", "gone"));
    instance("b", Behaviour.OK);
    for (int i = 0; i < 4; i++) {
      assertEquals(200, router.route(post(null)).await().status());
    }
    assertEquals(4, calls.get("b").get());
  }

  @Test
  void anUpstreamThatDoesNotAnswerIsA504() {
    instance("a", Behaviour.SILENT);
    ServiceException timeout = assertThrows(ServiceException.class, () -> router.route(post(null)).await());
    assertEquals(ErrorCode.UPSTREAM_TIMEOUT, timeout.code());
  }

  @Test
  void noInstanceIsA503AtOnce() {
    ServiceException none = assertThrows(ServiceException.class, () -> router.route(get()).await());
    assertEquals(ErrorCode.SERVICE_UNAVAILABLE, none.code());
  }

  @Test
  void aHalfOpenCircuitClosesAgainAfterASuccessfulTrial() throws InterruptedException {
    useResetTimeout(100);
    instance("a", Behaviour.OK);
    Upstream a = upstream("a");
    a.breaker().open();
    assertThrows(ServiceException.class, () -> router.route(get()).await());
    for (int i = 0; i < 300 && a.breakerState() != CircuitBreakerState.HALF_OPEN; i++) {
      Thread.sleep(10);
    }
    assertEquals(200, router.route(get()).await().status());
    assertEquals(CircuitBreakerState.CLOSED, a.breakerState());
  }

  @Test
  void unpublishedInstancesLeaveTheView() {
    Record record = instance("a", Behaviour.OK);
    assertEquals(1, directory.instances("products").size());
    discovery.unpublish(record.getRegistration()).await();
    awaitInstances(0);
    assertThrows(ServiceException.class, () -> router.route(get()).await());
  }

  private enum Behaviour { OK, NOT_FOUND, SERVER_ERROR, DEPENDENCY_DOWN, SILENT }

  private Record instance(String id, Behaviour behaviour) {
    AtomicInteger counter = calls.computeIfAbsent(id, k -> new AtomicInteger());
    String address = InstanceRecords.address("products", id);
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address, message -> {
      counter.incrementAndGet();
      switch (behaviour) {
        case OK -> message.reply(new JsonObject().put("servedBy", id));
        case NOT_FOUND -> message.fail(404, new ServiceException(ErrorCode.NOT_FOUND, "no such product").toJson().encode());
        case SERVER_ERROR -> message.fail(500, new ServiceException(ErrorCode.INTERNAL_ERROR, "broken").toJson().encode());
        case DEPENDENCY_DOWN -> message.fail(503,
          new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "no instance of the products service is running").toJson().encode());
        case SILENT -> { }
      }
    });
    consumer.completion().await();
    return publish(id, address);
  }

  private Record publish(String id, String address) {
    int before = directory.instances("products").size();
    Record record = discovery.publish(InstanceRecords.eventBusInstance("products", id, "node-1", address, "test")).await();
    awaitInstances(before + 1);
    return record;
  }

  private void awaitInstances(int count) {
    for (int i = 0; i < 200 && directory.instances("products").size() != count; i++) {
      directory.refresh().await();
    }
    assertEquals(count, directory.instances("products").size());
  }

  private Upstream upstream(String id) {
    return directory.instances("products").stream().filter(u -> u.instanceId().equals(id)).findFirst().orElseThrow();
  }

  private static GatewayRequest get() {
    return request(HttpMethod.GET, "get", null);
  }

  private static GatewayRequest post(String idempotencyKey) {
    return request(HttpMethod.POST, "create", idempotencyKey);
  }

  private static GatewayRequest request(HttpMethod method, String action, String idempotencyKey) {
    return new GatewayRequest(method, "products", action, null, new JsonObject(), new JsonObject(),
      new JsonObject(), null, null, null, new CallContext("req-1", null, idempotencyKey, "127.0.0.1"));
  }
}
