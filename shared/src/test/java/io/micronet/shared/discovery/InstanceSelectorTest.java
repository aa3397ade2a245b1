package io.micronet.shared.discovery;

import io.micronet.shared.discovery.InstanceRecords;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.BeforeEach;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class InstanceSelectorTest {

  private Vertx vertx;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
  }

  @Test
  void takesInstancesInTurn() {
    List<Upstream> instances = List.of(instance("a"), instance("b"), instance("c"));
    InstanceSelector selector = new InstanceSelector();
    List<String> picked = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      picked.add(selector.select(instances, u -> false).orElseThrow().instanceId());
    }
    assertEquals(List.of("a", "b", "c", "a", "b", "c"), picked);
  }

  @Test
  void skipsInstancesWhoseCircuitIsOpen() {
    Upstream a = instance("a");
    Upstream b = instance("b");
    Upstream c = instance("c");
    b.breaker().open();
    InstanceSelector selector = new InstanceSelector();
    List<String> picked = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      picked.add(selector.select(List.of(a, b, c), u -> false).orElseThrow().instanceId());
    }
    assertEquals(List.of("a", "c", "a", "c"), picked);
  }

  @Test
  void halfOpenInstancesStayEligibleForTheirTrialCall() {
    CircuitBreaker breaker = CircuitBreaker.create("a", vertx,
      new CircuitBreakerOptions().setNotificationAddress(null).setResetTimeout(50));
    Upstream a = new Upstream(InstanceRecords.eventBusInstance("products", "a", "node-1", "addr.a", "test"), breaker);
    breaker.open();
    assertTrue(new InstanceSelector().select(List.of(a), u -> false).isEmpty());
    for (int i = 0; i < 200 && breaker.state() != CircuitBreakerState.HALF_OPEN; i++) {
      sleep(10);
    }
    assertEquals(CircuitBreakerState.HALF_OPEN, breaker.state());
    assertTrue(new InstanceSelector().select(List.of(a), u -> false).isPresent());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void excludesTheInstanceThatJustFailed() {
    List<Upstream> instances = List.of(instance("a"), instance("b"));
    InstanceSelector selector = new InstanceSelector();
    for (int i = 0; i < 3; i++) {
      assertEquals("b", selector.select(instances, u -> u.instanceId().equals("a")).orElseThrow().instanceId());
    }
  }

  @Test
  void eachServiceHasItsOwnTurn() {
    List<Upstream> products = List.of(instance("p1"), instance("p2"));
    List<Upstream> users = List.of(instance("users", "u1"), instance("users", "u2"));
    InstanceSelector selector = new InstanceSelector();
    List<String> picked = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      picked.add(selector.select(products, u -> false).orElseThrow().instanceId());
      picked.add(selector.select(users, u -> false).orElseThrow().instanceId());
    }
    assertEquals(List.of("p1", "u1", "p2", "u2"), picked);
  }

  @Test
  void nothingToSelectWhenEveryCircuitIsOpenOrThereAreNoInstances() {
    Upstream a = instance("a");
    a.breaker().open();
    InstanceSelector selector = new InstanceSelector();
    assertTrue(selector.select(List.of(a), u -> false).isEmpty());
    assertTrue(selector.select(List.of(), u -> false).isEmpty());
    assertTrue(selector.select(List.of(instance("b")), u -> true).isEmpty());
  }

  private Upstream instance(String id) {
    return instance("products", id);
  }

  private Upstream instance(String service, String id) {
    CircuitBreaker breaker = CircuitBreaker.create(id, vertx,
      new CircuitBreakerOptions().setNotificationAddress(null).setResetTimeout(-1));
    return new Upstream(InstanceRecords.eventBusInstance(service, id, "node-1", "addr." + id, "test"), breaker);
  }
}
