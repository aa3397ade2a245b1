package io.micronet.shared.events;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ActivityEventTest {

  @Test
  void anEventReadsBackAsWritten() {
    ActivityEvent event = ActivityEvent.of("ann", ActivityEvent.Kind.SCALE, "products", null, "node-a", "scaled products to 3");
    JsonObject json = event.toJson();
    assertEquals("activity", json.getString("type"));
    assertEquals("scale", json.getString("kind"));
    assertEquals(event, ActivityEvent.fromJson(json));
  }

  @Test
  void aClusterEventReadsBackWithItsKind() {
    ActivityEvent event = ActivityEvent.of("cluster", ActivityEvent.Kind.CLUSTER, null, null, "id-2",
      "node h2 (10.77.0.12) left the cluster: no heartbeat — this side sees h1");
    assertEquals("cluster", event.toJson().getString("kind"));
    assertEquals(event, ActivityEvent.fromJson(event.toJson()));
    assertEquals(ActivityEvent.Kind.CLUSTER, ActivityEvent.Kind.parse("Cluster"));
  }

  @Test
  void junkIsIgnoredAndLongTextsAreCut() {
    assertNull(ActivityEvent.fromJson(new JsonObject().put("type", "activity")));
    assertNull(ActivityEvent.fromJson(ActivityEvent.of("a", ActivityEvent.Kind.HEALTH, "s", null, null, "t").toJson().put("kind", "party")));
    assertNull(ActivityEvent.fromJson(ActivityEvent.of("a", ActivityEvent.Kind.HEALTH, "s", null, null, "t").toJson().put("time", "noon")));
    assertNull(ActivityEvent.fromJson(ActivityEvent.of("a", ActivityEvent.Kind.HEALTH, "s", null, null, "t").toJson().put("type", "alert")));
    ActivityEvent long_ = ActivityEvent.of(null, ActivityEvent.Kind.CHATOPS, "s".repeat(500), null, null, "x".repeat(5000));
    assertEquals(ActivityEvent.MAX_TEXT, long_.text().length());
    assertEquals(ActivityEvent.MAX_NAME, long_.service().length());
    assertEquals("system", long_.actor());
  }
}
