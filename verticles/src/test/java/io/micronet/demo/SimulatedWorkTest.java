package io.micronet.demo;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedWorkTest {

  private static final ServiceRequest REQUEST = new ServiceRequest("work", "r-1", null, null, null, new JsonObject(), new JsonObject(), null);
  private final List<Long> delays = new ArrayList<>();

  private SimulatedWork work(SimulatedWork.Settings settings, SimulatedWork.Dependencies calls, double draw) {
    return new SimulatedWork("user", List.of("db", "cache"), settings, calls, ms -> {
      delays.add(ms);
      return Future.succeededFuture();
    }, () -> draw);
  }

  private static final SimulatedWork.Settings SETTINGS = new SimulatedWork.Settings(20, 10, 0.01, Set.of("cache"), 40);

  @Test
  void waitsItsLatencyAndCallsEveryDependency() {
    List<String> called = new ArrayList<>();
    ServiceResponse response = work(SETTINGS, (dependency, origin) -> {
      called.add(dependency);
      return Future.succeededFuture(new JsonObject());
    }, 0.5).work(REQUEST).result();
    assertEquals(List.of("db", "cache"), called);
    assertEquals(List.of(20L), delays, "latency 20 ms, a draw of 0.5 adds no jitter");
    assertEquals(new JsonArray(), ((JsonObject) response.body()).getJsonArray("degraded"));
  }

  @Test
  void jitterStaysWithinItsRange() {
    assertEquals(10, work(SETTINGS, (d, o) -> Future.succeededFuture(), 0.0).latency());
    assertEquals(30, work(SETTINGS, (d, o) -> Future.succeededFuture(), 1.0).latency());
  }

  @Test
  void failsItsOwnShare() {
    Future<ServiceResponse> failed = work(SETTINGS, (d, o) -> Future.succeededFuture(), 0.001).work(REQUEST);
    assertEquals(ErrorCode.INTERNAL_ERROR, ((ServiceException) failed.cause()).code());
  }

  @Test
  void aRequiredDependencyFailingFailsItWith503NamingIt() {
    Future<ServiceResponse> failed = work(SETTINGS, (dependency, origin) -> dependency.equals("db")
      ? Future.failedFuture(new ServiceException(ErrorCode.INTERNAL_ERROR, "injected failure (error mode)"))
      : Future.succeededFuture(), 0.5).work(REQUEST);
    ServiceException error = (ServiceException) failed.cause();
    assertEquals(ErrorCode.SERVICE_UNAVAILABLE, error.code());
    assertTrue(error.getMessage().contains("db failed (injected failure (error mode))"), error.getMessage());
  }

  @Test
  void anOptionalDependencyFailingOnlyDegradesIt() {
    ServiceResponse response = work(SETTINGS, (dependency, origin) -> dependency.equals("cache")
      ? Future.failedFuture(new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "no instance")) : Future.succeededFuture(), 0.5)
      .work(REQUEST).result();
    assertEquals(new JsonArray().add("cache"), ((JsonObject) response.body()).getJsonArray("degraded"));
    assertEquals(List.of(20L, 40L), delays, "the fallback costs its delay");
  }

  @Test
  void settingsAreCheckedAndHaveDefaults() {
    SimulatedWork.Settings defaults = SimulatedWork.Settings.from(new JsonObject(), "x");
    assertEquals(new SimulatedWork.Settings(20, 10, 0.0, Set.of(), 50), defaults);
    assertThrows(IllegalArgumentException.class, () -> SimulatedWork.Settings.from(new JsonObject().put("errorRate", 2), "x"));
    assertThrows(IllegalArgumentException.class, () -> SimulatedWork.Settings.from(new JsonObject().put("latencyMs", -1), "x"));
    assertThrows(IllegalArgumentException.class, () -> DemoLoad.from(new JsonObject().put("rps", 0)));
    assertEquals(DemoLoad.ENTRY_SERVICES, DemoLoad.from(new JsonObject()).targets());
    assertEquals(50, DemoLoad.from(new JsonObject().put("rps", 20)).periodMs());
  }
}
