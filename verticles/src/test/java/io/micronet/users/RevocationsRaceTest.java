package io.micronet.users;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.micronet.shared.security.Revocations;
import io.micronet.shared.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two revocations of one user in flight together on a clustered map (Hazelcast: every call asynchronous) must leave
 * the higher version there, whichever lands last: otherwise every other holder, and every node started later,
 * would accept tokens between the two (a promotion at once followed by a demotion: the manager token kept working).
 */
class RevocationsRaceTest {

  @Test
  void twoRevocationsInFlightTogetherLeaveTheHigherVersionInTheClusterMap() throws Exception {
    Config hazelcast = new Config().setClusterName("review-" + UUID.randomUUID());
    hazelcast.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    hazelcast.setProperty("hazelcast.socket.bind.any", "false");
    hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(List.of("127.0.0.1"));
    Vertx vertx = Vertx.builder()
      .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
      .withClusterManager(new HazelcastClusterManager(hazelcast))
      .buildClustered().await();
    try {
      Tokens tokens = Tokens.withSecret(vertx, "a-test-secret-of-more-than-thirty-two-characters");
      // the users instance that revokes, and another holder of a copy (a gateway, a service)
      Revocations users = new Revocations(vertx, tokens, 900_000);
      Revocations gateway = new Revocations(vertx, tokens, 900_000);
      vertx.runOnContext(v -> users.start(3_600_000));
      gateway.start(3_600_000).await();
      String user = UUID.randomUUID().toString();

      // the demotion's revocation (version 2) and the promotion's (version 1) in flight together
      Future<Void> higher = users.revoke(user, 2);
      Future<Void> lower = users.revoke(user, 1);
      Future.all(higher, lower).await();
      vertx.timer(500).await(); // the announcements arrive and are read back from the map

      String inMap = vertx.sharedData().<String, String>getAsyncMap(Revocations.MAP).compose(m -> m.get(user)).await();
      System.out.println("map value after revoke(2) and revoke(1) in flight together: " + inMap);
      System.out.println("revoking instance refuses version 1: " + users.revoked(user, 1)
        + "; another holder refuses version 1: " + gateway.revoked(user, 1));
      assertTrue(users.revoked(user, 1), "the revoking instance keeps the higher version locally");
      // the cluster map (what every other holder, and every node started later, believes) says 2
      assertEquals("2", inMap.substring(0, inMap.indexOf('.')));
      assertTrue(gateway.revoked(user, 1), "another holder refuses version-1 tokens");
      assertFalse(gateway.revoked(user, 2), "and accepts version 2");
    } finally {
      vertx.close().await();
    }
  }
}
