package io.micronet.alerts;

import io.micronet.node.SoloNode;
import io.micronet.storage.TestDatabases;
import io.micronet.storage.TestDatabases.Engine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static io.micronet.storage.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The leader and {@code micronet.alerts.changed}: any member of the bus may publish there, so an acknowledgment
 * message is a hint the leader checks against the database — a forged one (or junk) acknowledges nothing.
 */
class AlertsLeaderTest {

  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void anAcknowledgmentIsReadFromTheDatabaseNotFromTheMessage(@TempDir Path dir) {
    Vertx vertx = Vertx.vertx();
    TestDatabases databases = new TestDatabases(vertx, dir, pool -> await(new AlertRepository(pool).migrate(vertx)));
    try {
      AlertRepository repository = new AlertRepository(databases.pool(Engine.H2));
      Alert firing = new Alert("a-1", "f-1", "r-1", Rule.THRESHOLD, "products", null, new JsonObject().put("service", "products"), T);
      firing.state = Alert.FIRING;
      firing.rule = "errors";
      firing.severity = "critical";
      firing.since = T;
      firing.updatedAt = T;
      firing.lastActiveAt = T;
      firing.summary = "x";
      firing.firingAt = T;
      await(repository.saveAlerts(java.util.List.of(firing)));

      AlertEngine engine = new AlertEngine(new AlertEngine.Timing(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofHours(4)),
        Map.of(), () -> "id");
      AlertsLeader leader = new AlertsLeader(repository, n -> Future.succeededFuture(), engine, new Detection(), new Announcer() {
        public void feed(JsonObject event) { }
        public void activity(String actor, String service, String text) { }
        public void changed(JsonObject change) { }
      }, Clock.fixed(T, ZoneOffset.UTC));
      vertx.runOnContext(v -> leader.leading(true));
      SoloNode.poll("the leader loads the firing alert", () -> engine.active().stream().anyMatch(a -> a.id.equals("a-1")));
      Alert loaded = engine.active().stream().filter(a -> a.id.equals("a-1")).findFirst().orElseThrow();

      await(leader.onChanged(new JsonObject().put("what", "ack").put("id", "a-1").put("by", "mallory").put("at", T.toString())));
      assertNull(loaded.ackedBy, "a forged acknowledgment: nothing in the database, nothing acknowledged");
      await(leader.onChanged(new JsonObject().put("what", "ack").put("id", "a-1").put("by", "mallory").put("at", "junk")));
      await(leader.onChanged(new JsonObject().put("what", "ack").put("id", 7)));
      await(leader.onChanged(new JsonObject().put("what", "ack").put("id", "a\u0000")));
      assertNull(loaded.ackedBy, "junk changes nothing and throws nothing");

      await(repository.acknowledge("a-1", "mona", T.plusSeconds(3)));
      await(leader.onChanged(new JsonObject().put("what", "ack").put("id", "a-1").put("by", "mallory").put("at", T.toString())));
      assertEquals("mona", loaded.ackedBy, "who the database says");
      assertEquals(T.plusSeconds(3), loaded.ackedAt);
    } finally {
      databases.close(pool -> { });
      await(vertx.close());
    }
  }
}
