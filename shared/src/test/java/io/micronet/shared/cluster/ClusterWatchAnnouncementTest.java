package io.micronet.shared.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.micronet.shared.discovery.InstanceRecords;
import io.micronet.shared.discovery.NodeIdentity;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.servicediscovery.ServiceDiscoveryOptions;
import io.vertx.servicediscovery.Status;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two members in this JVM (two Hazelcast instances on loopback): what a third party on the event bus can make a
 * {@link ClusterWatch} believe with announcements alone, without touching the registry.
 */
class ClusterWatchAnnouncementTest {

  private Vertx a;
  private Vertx b;
  private ServiceDiscovery discoveryA;
  private ServiceDiscovery discoveryB;
  private ClusterWatch watch;
  private Record publishedB;
  private final List<ClusterView.Change> said = new CopyOnWriteArrayList<>();

  @BeforeEach
  void twoMembers() throws Exception {
    String cluster = "watch-" + UUID.randomUUID();
    a = member(cluster);
    b = member(cluster);
    discoveryA = ServiceDiscovery.create(a);
    discoveryB = ServiceDiscovery.create(b);
    // b's agent record, as NodeAgent writes it
    String idB = NodeIdentity.nodeId(b);
    Record agentB = InstanceRecords.eventBusInstance("node", "node-b", idB, InstanceRecords.address("node", "node-b"), "1");
    agentB.getMetadata().put("node", new JsonObject().put("id", idB).put("name", "host-b").put("host", "10.77.0.12"));
    publishedB = discoveryB.publish(agentB).await(10, TimeUnit.SECONDS);
    Promise<ClusterWatch> started = Promise.promise();
    a.getOrCreateContext().runOnContext(v -> started.complete(ClusterWatch.start(a, discoveryA, "host-a", 1000, said::addAll)));
    watch = started.future().await(10, TimeUnit.SECONDS);
    until("a's view names b", () -> onContext(() -> watch.view().toJson(System.currentTimeMillis()).encode().contains("host-b")));
  }

  @AfterEach
  void close() throws Exception {
    if (watch != null) {
      onContext(() -> {
        watch.stop();
        return true;
      });
    }
    for (Vertx vertx : new Vertx[] {b, a}) {
      if (vertx != null) {
        try {
          vertx.close().await(20, TimeUnit.SECONDS);
        } catch (Exception e) {
          // b's Hazelcast was terminated under it
        }
      }
    }
  }

  /**
   * b's agent still holds its record; someone publishes "DOWN" for it on the announce address. Then b vanishes without
   * a word (its Hazelcast terminated: a crash, a cut cable). That is a loss, and a's side is partitioned.
   */
  @Test
  void aForgedWithdrawalDoesNotTurnALossIntoAStop() throws Exception {
    String idB = NodeIdentity.nodeId(b);
    Record forged = InstanceRecords.eventBusInstance("node", "node-b", idB, InstanceRecords.address("node", "node-b"), "1")
      .setStatus(Status.DOWN);
    a.eventBus().publish(ServiceDiscoveryOptions.DEFAULT_ANNOUNCE_ADDRESS, forged.toJson());
    Thread.sleep(500);
    assertEquals(1, discoveryA.getRecords(r -> "node".equals(r.getName())).await(10, TimeUnit.SECONDS).size(),
      "the registry still holds b's agent record");

    ((HazelcastClusterManager) clusterManager(b)).getHazelcastInstance().getLifecycleService().terminate();
    until("a's view heard b go", () -> !said.isEmpty());
    System.out.println("a's watch said: " + said);
    assertEquals(ClusterView.Type.DROPPED, said.get(0).type(), said.toString());
    assertTrue(onContext(() -> watch.view().partitioned(System.currentTimeMillis())), "a's side misses b");
  }

  /**
   * b's agent says in its record that b is stopping, then withdraws it (as a stopping node does), then b leaves: it
   * stopped, nothing is missing.
   */
  @Test
  void aRealWithdrawalStillMakesAStop() throws Exception {
    publishedB.getMetadata().getJsonObject("node").put(ClusterWatch.STOPPING, true);
    discoveryB.update(publishedB).await(10, TimeUnit.SECONDS);
    // a stopping agent drains its node's instances next, long enough for the others to read the record back
    until("a read b's record back: b is stopping", () -> onContext(() -> mapSize(watch.view(), "withdrawnAt")) == 1);
    discoveryB.unpublish(publishedB.getRegistration()).await(10, TimeUnit.SECONDS);
    Thread.sleep(500);
    ((HazelcastClusterManager) clusterManager(b)).getHazelcastInstance().getLifecycleService().terminate();
    until("a's view heard b go", () -> !said.isEmpty());
    System.out.println("a's watch said: " + said);
    assertEquals(ClusterView.Type.STOPPED, said.get(0).type(), said.toString());
    assertTrue(!onContext(() -> watch.view().partitioned(System.currentTimeMillis())), "nothing missing");
  }

  /**
   * Another member's reaper removes b's records as soon as its own member list drops b — which may be before a's list
   * does: the record is gone from the registry while b is still a member for a. Then a's list drops b: a loss.
   */
  @Test
  void aRecordReapedElsewhereBeforeTheDropIsStillALoss() throws Exception {
    discoveryA.unpublish(publishedB.getRegistration()).await(10, TimeUnit.SECONDS);
    Thread.sleep(500);
    assertEquals(0, discoveryA.getRecords(r -> "node".equals(r.getName())).await(10, TimeUnit.SECONDS).size(),
      "b's agent record is gone from the registry");

    ((HazelcastClusterManager) clusterManager(b)).getHazelcastInstance().getLifecycleService().terminate();
    until("a's view heard b go", () -> !said.isEmpty());
    System.out.println("a's watch said: " + said);
    assertEquals(ClusterView.Type.DROPPED, said.get(0).type(), said.toString());
    assertTrue(onContext(() -> watch.view().partitioned(System.currentTimeMillis())), "a's side misses b");
  }

  /** Announcements naming node ids nobody runs: the view keeps what they said (for a while), however many. */
  @Test
  void announcementsOfNodesThatAreNotMembersAreNotKept() throws Exception {
    for (int i = 0; i < 20_000; i++) {
      String id = UUID.randomUUID().toString();
      Record invented = InstanceRecords.eventBusInstance("node", "n" + i, id, InstanceRecords.address("node", "n" + i), "1");
      invented.getMetadata().put("node", new JsonObject().put("name", "invented-" + i).put("host", "10.66.6.6"));
      a.eventBus().publish(ServiceDiscoveryOptions.DEFAULT_ANNOUNCE_ADDRESS, invented.toJson());
    }
    Thread.sleep(1500);
    int kept = onContext(() -> described(watch.view()));
    System.out.println("descriptions kept after 20000 invented announcements: " + kept);
    assertTrue(kept <= 2, "descriptions kept: " + kept);
  }

  private static int described(ClusterView view) {
    return mapSize(view, "described");
  }

  private static int mapSize(ClusterView view, String name) {
    try {
      var field = ClusterView.class.getDeclaredField(name);
      field.setAccessible(true);
      return ((java.util.Map<?, ?>) field.get(view)).size();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private <T> T onContext(Supplier<T> what) throws Exception {
    Promise<T> result = Promise.promise();
    // the watch's context: the one it was started on
    a.getOrCreateContext().runOnContext(v -> result.complete(what.get()));
    return result.future().await(10, TimeUnit.SECONDS);
  }

  private static void until(String what, ThrowingSupplier<Boolean> condition) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      if (condition.get()) {
        return;
      }
      Thread.sleep(100);
    }
    fail("timed out waiting until " + what);
  }

  private interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  private static ClusterManager clusterManager(Vertx vertx) {
    return NodeIdentity.clusterManager(vertx);
  }

  private static Vertx member(String cluster) throws Exception {
    Config hazelcast = new Config().setClusterName(cluster);
    hazelcast.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    hazelcast.setProperty("hazelcast.socket.bind.any", "false");
    hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
    hazelcast.setProperty("hazelcast.logging.type", "slf4j");
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(List.of("127.0.0.1"));
    return Vertx.builder()
      .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
      .withClusterManager(new HazelcastClusterManager(hazelcast))
      .buildClustered().await(60, TimeUnit.SECONDS);
  }
}
