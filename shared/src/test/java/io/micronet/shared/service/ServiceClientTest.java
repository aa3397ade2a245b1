package io.micronet.shared.service;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.discovery.InstanceRecords;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.servicediscovery.ServiceDiscovery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One service calling another through real (local) discovery and real event-bus consumers: what counts against
 * an instance's breaker, and what a caller's running-out time does to a retry. No network.
 */
@ExtendWith(VertxExtension.class)
class ServiceClientTest {

  private static final int MAX_FAILURES = 3;

  private Vertx vertx;
  private ServiceDiscovery discovery;
  private ServiceClient client;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    discovery = ServiceDiscovery.create(vertx);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.stop().await();
    }
    discovery.close();
  }

  @Test
  void anInstanceReportingItsOwnDependencyDownKeepsItsCircuitClosed() {
    AtomicInteger calls = instance("a", "node-1", message -> message.fail(503,
      new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "its database is away").toJson().encode()));
    startClient(10_000);

    for (int i = 0; i < MAX_FAILURES * 2; i++) {
      ServiceException error = failure(client.request("stock", "reserve", new JsonObject(), origin(10_000), true));
      assertEquals(ErrorCode.SERVICE_UNAVAILABLE, error.code());
      assertEquals("its database is away", error.getMessage(), "the instance's own answer, not an open circuit");
    }
    assertEquals(MAX_FAILURES * 2, calls.get(), "every call reached the instance");
  }

  @Test
  void aRetryWithoutTimeLeftIsNotTriedAndTheSecondInstanceIsNotBlamed() {
    AtomicInteger silentCalls = instance("a", "node-1", message -> { });
    // healthy, and needs a few ms like any real instance: a call with 1 ms left would time out on it
    // on another node, so that a timed-out call on a may be retried on it
    AtomicInteger healthyCalls = instance("b", "node-2", message -> vertx.setTimer(20, t -> message.reply(new JsonObject().put("ok", true))));
    startClient(10_000);

    // the caller has 300 ms: the first attempt (to whichever instance comes first) may use all of it
    for (int i = 0; i < MAX_FAILURES * 2; i++) {
      Future<Object> call = client.request("stock", "reserve", new JsonObject(), origin(300), true);
      Throwable outcome = call.otherwiseEmpty().await() == null ? call.cause() : null;
      if (outcome != null) {
        assertEquals(ErrorCode.UPSTREAM_TIMEOUT, assertInstanceOf(ServiceException.class, outcome).code());
      }
    }
    // b was never sent a call it could not answer in time: its circuit is closed and it serves
    assertEquals(Boolean.TRUE, ((JsonObject) client.request("stock", "reserve", new JsonObject(), origin(10_000), true).await())
      .getBoolean("ok"));
    // in turn: a, b, a, b, a, b, then b (a's circuit opened after its third timeout); never a doomed retry to b
    assertEquals(MAX_FAILURES, silentCalls.get());
    assertEquals(MAX_FAILURES + 1, healthyCalls.get(), "b got only the calls it could answer");
  }

  private AtomicInteger instance(String id, String node, io.vertx.core.Handler<io.vertx.core.eventbus.Message<Object>> behaviour) {
    AtomicInteger calls = new AtomicInteger();
    String address = InstanceRecords.address("stock", id);
    vertx.eventBus().consumer(address, message -> {
      calls.incrementAndGet();
      behaviour.handle(message);
    }).completion().await();
    discovery.publish(InstanceRecords.eventBusInstance("stock", id, node, address, "test")).await();
    return calls;
  }

  private void startClient(long callTimeoutMs) {
    MicronetConfig config = MicronetConfig.load(new JsonObject()
      .put("breaker", new JsonObject().put("maxFailures", MAX_FAILURES).put("callTimeoutMs", callTimeoutMs)
        .put("resetTimeoutMs", 60_000)), Map.of());
    ServiceIdentity identity = new ServiceIdentity(Tokens.withSecret(vertx, "a-secret-of-enough-length-for-hs256-0123456789"), "caller-1");
    client = new ServiceClient(vertx, discovery, config, null, "test-caller", Set.of("stock"), identity);
    client.start().await();
  }

  /** A request being served whose caller waits {@code budgetMs} from now. */
  private static ServiceRequest origin(long budgetMs) {
    return new ServiceRequest("place", "req-1", new Caller("u-1", "ann", Caller.CLIENT), null, new JsonObject(), new JsonObject(),
      null, null, System.currentTimeMillis() + budgetMs);
  }

  private static ServiceException failure(Future<Object> call) {
    call.otherwiseEmpty().await();
    return assertInstanceOf(ServiceException.class, call.cause());
  }
}
