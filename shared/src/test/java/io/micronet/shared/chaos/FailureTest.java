package io.micronet.shared.chaos;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailureTest {

  private static final long NOW = 1_800_000_000_000L;

  @Test
  void aWellFormedBodyBecomesAFailureThatEndsByItself() {
    JsonObject errors = new JsonObject();
    Failure failure = Failure.parse(new JsonObject().put("mode", "error").put("durationSeconds", 30).put("rate", 0.5), NOW, "ann", errors);
    assertNotNull(failure, errors.encode());
    assertEquals(Failure.Mode.ERROR, failure.mode());
    assertEquals(0.5, failure.rate());
    assertEquals(NOW + 30_000, failure.untilMillis());
    assertTrue(failure.targets("products-1"));
    assertTrue(failure.expired(NOW + 30_000));
    Failure latency = Failure.parse(new JsonObject().put("mode", "latency").put("durationSeconds", 5)
      .put("latencyMs", new JsonObject().put("min", 100).put("max", 300)).put("instanceId", "products-2"), NOW, "ann", errors);
    assertNotNull(latency, errors.encode());
    assertEquals(100, latency.latencyMinMs());
    assertEquals(300, latency.latencyMaxMs());
    assertTrue(latency.targets("products-2"));
    assertTrue(!latency.targets("products-1"));
    assertEquals(latency, Failure.fromJson(latency.toJson()), "what travels to the instances reads back the same");
  }

  @Test
  void everyBadFieldIsNamed() {
    assertRefused(new JsonObject().put("mode", "explode").put("durationSeconds", 10), "mode");
    assertRefused(new JsonObject().put("mode", "error"), "durationSeconds");
    assertRefused(new JsonObject().put("mode", "error").put("durationSeconds", 0), "durationSeconds");
    assertRefused(new JsonObject().put("mode", "error").put("durationSeconds", 3601), "durationSeconds");
    assertRefused(new JsonObject().put("mode", "error").put("durationSeconds", 2.5), "durationSeconds");
    assertRefused(new JsonObject().put("mode", "error").put("durationSeconds", "10"), "durationSeconds");
    assertRefused(new JsonObject().put("mode", "error").put("durationSeconds", 10).put("rate", 1.5), "rate");
    assertRefused(new JsonObject().put("mode", "error").put("durationSeconds", 10).put("rate", 0), "rate");
    assertRefused(new JsonObject().put("mode", "error").put("durationSeconds", 10).put("rate", -0.1), "rate");
    assertRefused(new JsonObject().put("mode", "latency").put("durationSeconds", 10).put("rate", 0.5), "rate");
    assertRefused(new JsonObject().put("mode", "latency").put("durationSeconds", 10).put("latencyMs", -5), "latencyMs");
    assertRefused(new JsonObject().put("mode", "latency").put("durationSeconds", 10).put("latencyMs", 600_000), "latencyMs");
    assertRefused(new JsonObject().put("mode", "latency").put("durationSeconds", 10)
      .put("latencyMs", new JsonObject().put("min", 300).put("max", 100)), "latencyMs");
    assertRefused(new JsonObject().put("mode", "crash").put("durationSeconds", 10).put("latencyMs", 100), "latencyMs");
    assertRefused(new JsonObject().put("mode", "crash").put("durationSeconds", 10).put("instanceId", 7), "instanceId");
    assertRefused(new JsonObject().put("mode", "crash").put("durationSeconds", 10).put("severity", "high"), "severity");
  }

  @Test
  void junkFromTheBusIsNoFailure() {
    assertNull(Failure.fromJson(new JsonObject()));
    assertNull(Failure.fromJson(new JsonObject().put("mode", "error").put("until", "yesterday")));
    assertNull(Failure.fromJson(new JsonObject().put("mode", "error").put("until", "2030-01-01T00:00:00Z").put("rate", 7)));
  }

  private static void assertRefused(JsonObject body, String field) {
    JsonObject errors = new JsonObject();
    assertNull(Failure.parse(body, NOW, "ann", errors), body.encode());
    assertTrue(errors.containsKey(field), body.encode() + " → " + errors.encode());
  }
}
