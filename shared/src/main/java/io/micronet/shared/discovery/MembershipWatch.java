package io.micronet.shared.discovery;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.UUID;

/**
 * Calls a handler, on the caller's context, with the Vert.x node id of every member that leaves the
 * Hazelcast cluster. A Hazelcast listener of our own: {@code ClusterManager.nodeListener} holds a single
 * listener that Vert.x itself needs. Does nothing on a node that is not clustered.
 */
public final class MembershipWatch {

  /** vertx-hazelcast keeps each member's Vert.x node id in this member attribute. */
  private static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final HazelcastClusterManager hazelcast;
  private final UUID registration;

  private MembershipWatch(HazelcastClusterManager hazelcast, UUID registration) {
    this.hazelcast = hazelcast;
    this.registration = registration;
  }

  public static MembershipWatch onNodeLeft(Vertx vertx, Handler<String> handler) {
    if (!(NodeIdentity.clusterManager(vertx) instanceof HazelcastClusterManager hazelcast)) {
      return new MembershipWatch(null, null);
    }
    Context context = vertx.getOrCreateContext();
    UUID registration = hazelcast.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String nodeId = event.getMember().getAttribute(NODE_ID_ATTRIBUTE);
        if (nodeId != null) {
          context.runOnContext(v -> handler.handle(nodeId));
        }
      }
    });
    return new MembershipWatch(hazelcast, registration);
  }

  public void cancel() {
    if (registration != null) {
      hazelcast.getHazelcastInstance().getCluster().removeMembershipListener(registration);
    }
  }
}
