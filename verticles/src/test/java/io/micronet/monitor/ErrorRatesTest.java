package io.micronet.monitor;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the monitor keeps of the samples feed stays within its window on every monitor — also on a standby, which
 * hears every sample but never judges (only the leader asks for the rates) — and within a bound of instances.
 */
class ErrorRatesTest {

  private static JsonObject sample(String service, String instance, long count, long errors) {
    return new JsonObject().put("type", "sample").put("source", "service").put("service", service).put("instance", instance)
      .put("count", count).put("errors", errors);
  }

  @Test
  void aStandbyThatNeverJudgesKeepsOnlyTheWindow() {
    ErrorRates rates = new ErrorRates(6_000, 5);
    long now = 0;
    // two hours of one instance's samples every 2 s, nobody asking for the rates (a standby monitor)
    for (int i = 0; i < 3_600; i++) {
      now += 2_000;
      assertTrue(rates.record(sample("products", "products-1", 10, 1), now));
    }
    System.out.printf("samples kept after two hours: %d%n", rates.kept());
    assertTrue(rates.kept() <= 4, "the window's samples only, kept " + rates.kept());
    assertEquals(Map.of("products", 0.1), rates.rates(now), "the rate is still right");
  }

  @Test
  void instancesAreBoundedAndNamesAreNames() {
    ErrorRates rates = new ErrorRates(6_000, 5);
    for (int i = 0; i < ErrorRates.MAX_INSTANCES + 100; i++) {
      rates.record(sample("products", "products-" + i, 10, 0), 1_000);
    }
    assertTrue(rates.kept() <= ErrorRates.MAX_INSTANCES, "bounded: " + rates.kept());
    assertFalse(rates.record(sample("products", "x".repeat(10_000), 10, 0), 1_000), "a name of 10,000 characters");
    // once the window has passed, instances that went quiet make room again
    assertTrue(rates.record(sample("orders", "orders-1", 10, 0), 60_000));
  }
}
