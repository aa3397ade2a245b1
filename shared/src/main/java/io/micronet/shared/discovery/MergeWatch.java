package io.micronet.shared.discovery;

import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.UUID;

/**
 * Calls a handler, on the caller's context, each time this node's Hazelcast member has merged back into the cluster
 * after a network partition (lifecycle state {@code MERGED}). Only the members of the half that joins the other see
 * it: they threw their own copy of the cluster maps away and took the other half's, in which whatever they wrote
 * while split is missing unless the merge policy carried it over. Vert.x re-registers its own event-bus subscriptions
 * and node info then (vertx-hazelcast 5.0.7, {@code HazelcastClusterManager.stateChanged}); what MicroNet keeps in
 * cluster maps (discovery records) is for the listeners of this watch to write again. Does nothing on a node that is
 * not clustered.
 */
public final class MergeWatch {

  private final HazelcastClusterManager hazelcast;
  private final UUID registration;

  private MergeWatch(HazelcastClusterManager hazelcast, UUID registration) {
    this.hazelcast = hazelcast;
    this.registration = registration;
  }

  public static MergeWatch onMerged(Vertx vertx, Handler<Void> handler) {
    if (!(NodeIdentity.clusterManager(vertx) instanceof HazelcastClusterManager hazelcast)) {
      return new MergeWatch(null, null);
    }
    Context context = vertx.getOrCreateContext();
    UUID registration = hazelcast.getHazelcastInstance().getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        context.runOnContext(v -> handler.handle(null));
      }
    });
    return new MergeWatch(hazelcast, registration);
  }

  public void cancel() {
    if (registration != null && hazelcast.getHazelcastInstance().getLifecycleService().isRunning()) {
      hazelcast.getHazelcastInstance().getLifecycleService().removeLifecycleListener(registration);
    }
  }
}
