package io.micronet.monitor;

import io.micronet.shared.health.InstanceCheck;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a {@code health} answer is read. */
class ProberTest {

  @Test
  void readsTheAnswer() {
    assertEquals(InstanceCheck.up(), Prober.read(Buffer.buffer(new JsonObject().put("status", "UP").encode())));
    assertEquals(InstanceCheck.databaseDown("timeout"), Prober.read(new JsonObject().put("status", "UP")
      .put("database", new JsonObject().put("status", "DOWN").put("reason", "timeout"))));
    assertEquals(InstanceCheck.up(), Prober.read(new JsonObject().put("status", "UP").put("database", new JsonObject().put("status", "UP"))));
    InstanceCheck injected = Prober.read(new JsonObject().put("status", "UP").put("failure", new JsonObject().put("mode", "latency")
      .put("latencyMs", 800).put("until", Instant.now().plusSeconds(20).toString())));
    assertEquals(InstanceCheck.Outcome.UP, injected.outcome());
    assertTrue(injected.injected().startsWith("latency of 800 ms"), injected.injected());
    assertEquals(InstanceCheck.Outcome.FAILING, Prober.read(new JsonObject().put("status", "SOMETHING")).outcome());
    assertEquals(InstanceCheck.Outcome.FAILING, Prober.read("junk").outcome());
  }
}
