package io.micronet.gateway;

import io.micronet.shared.cluster.ClusterView;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /status} while the health monitor's snapshots are fresh (every clustered deployment runs a monitor). */
class StatusReportTest {

  private static final String NODE_ID = "5d1c0e43-0b6a-4b8e-9f0f-3a2f6a1d9e77";

  @Test
  void anyoneButAManagerLearnsNoNodeIdAlsoWhenTheMonitorReports() {
    ClusterView cluster = new ClusterView(NODE_ID, 3_600_000);
    cluster.sync(List.of(new ClusterView.Member(NODE_ID, "10.77.0.11")), 0);
    cluster.describe(NODE_ID, "host-1", "10.77.0.11", 0);
    MonitorView monitor = new MonitorView(null);
    long now = System.currentTimeMillis();
    // the monitor leader's snapshot, as MonitorVerticle publishes it: leader = its Vert.x node id
    monitor.heard(new JsonObject().put("type", "snapshot").put("status", "UP").put("everySeconds", 10)
      .put("leader", NODE_ID).put("leaderName", "host-1").put("leaderInstance", "monitor-1a2b3c4d")
      .put("services", new JsonObject().put("products", new JsonObject().put("status", "UP")
        .put("instances", new io.vertx.core.json.JsonArray()))), now);
    StatusReport report = new StatusReport(null, null, Set.of(), monitor, cluster);

    JsonObject forManager = report.build(true);
    assertEquals("monitor", forManager.getString("source"));
    assertTrue(forManager.encode().contains(NODE_ID), "a manager sees the nodes");

    JsonObject forAnyone = report.build(false);
    assertEquals("monitor", forAnyone.getString("source"));
    assertFalse(forAnyone.encode().contains(NODE_ID), "no node id for anyone but a manager: " + forAnyone.encode());
  }
}
