package io.micronet.alerts;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.events.Feeds;
import io.micronet.shared.storage.Database;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.micronet.node.SoloNode.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two alerts instances on one database (as two nodes sharing PostgreSQL would be): the first leads and notifies a
 * firing alert; it stops, the standby takes the lead, resumes from the database (the same alert, its group's timing)
 * and notifies neither the firing again nor anything lost: when the errors stop, exactly one resolution follows.
 * Metric snapshots are published by the test on {@code micronet.metrics}.
 */
class AlertsTakeoverTest {

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theStandbyResumesWithoutNotifyingTwice(@TempDir Path dataDir) {
    Vertx vertx = Vertx.vertx();
    try {
      JsonArray rules = new JsonArray().add(new JsonObject().put("id", "t-errors").put("name", "errors").put("kind", "threshold")
        .put("service", "products").put("metric", "errorRate").put("op", ">").put("value", 0.05).put("forSeconds", 1)
        .put("keepFiringSeconds", 1).put("severity", "critical"));
      JsonObject config = MicronetConfig.load(new JsonObject()
        .put("storage", new JsonObject().put("dataDir", dataDir.toString()).putNull("dbUrl"))
        .put("security", new JsonObject().put("jwtSecret", UUID.randomUUID() + "-" + UUID.randomUUID()).put("adminPassword", "x-" + UUID.randomUUID()))
        .put("node", new JsonObject().put("leaderPollMs", 200).put("shutdownGraceSeconds", 1))
        .put("services", new JsonObject().put("alerts", new JsonObject().put("groupWaitSeconds", 1).put("groupIntervalSeconds", 1)
          .put("repeatIntervalSeconds", 3600).put("evaluateMs", 100).put("defaultRules", rules))), Map.of()).json();
      Pool pool = Database.pool(vertx, MicronetConfig.of(config));
      AtomicReference<Double> errorRate = new AtomicReference<>(0.5);
      vertx.setPeriodic(200, id -> Feeds.publish(vertx, Feeds.METRICS, new JsonObject().put("type", "snapshot").put("services",
        new JsonObject().put("products", new JsonObject().put("rps", 10.0).put("errorRate", errorRate.get())))));

      String first = await(vertx.deployVerticle(new AlertsVerticle(), new DeploymentOptions().setConfig(config)));
      poll("the first instance notifies the firing", () -> statuses(pool).equals(List.of("firing")));
      String alertId = firingAlert(pool);
      await(vertx.deployVerticle(new AlertsVerticle(), new DeploymentOptions().setConfig(config)));
      await(vertx.undeploy(first));
      // the standby leads within its poll; give it several group intervals to (wrongly) notify again
      long until = System.currentTimeMillis() + 4000;
      poll("a few seconds under the new leader", () -> System.currentTimeMillis() >= until);
      assertEquals(List.of("firing"), statuses(pool), "not notified twice");
      assertEquals(alertId, firingAlert(pool), "the same alert goes on");

      errorRate.set(0.0);
      poll("the resolution notified", () -> statuses(pool).size() == 2);
      assertEquals(List.of("firing", "resolved"), statuses(pool));
      await(pool.close());
    } finally {
      await(vertx.close());
    }
  }

  private static List<String> statuses(Pool pool) {
    List<String> list = new ArrayList<>();
    for (Row row : await(pool.query("SELECT status FROM alert_notifications ORDER BY created_at").execute())) {
      list.add(row.getString("status"));
    }
    return list;
  }

  private static String firingAlert(Pool pool) {
    return await(SqlTemplate.forQuery(pool, "SELECT id FROM alerts WHERE state = #{s}").execute(Map.of("s", "firing")))
      .iterator().next().getString("id");
  }
}
