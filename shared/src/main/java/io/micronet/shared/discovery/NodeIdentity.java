package io.micronet.shared.discovery;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.UUID;

/** The id of this node: the cluster manager's node id when clustered, a fixed id of this Vert.x otherwise. */
public final class NodeIdentity {

  private static final String LOCAL_NODE_KEY = "micronet.local-node-id";

  private NodeIdentity() {
  }

  public static String nodeId(Vertx vertx) {
    ClusterManager clusterManager = clusterManager(vertx);
    if (clusterManager != null) {
      return clusterManager.getNodeId();
    }
    // one id shared by every verticle of this Vert.x instance, kept in its local map (not a static)
    return (String) vertx.sharedData().getLocalMap(LOCAL_NODE_KEY)
      .computeIfAbsent("id", k -> "local-" + UUID.randomUUID());
  }

  public static ClusterManager clusterManager(Vertx vertx) {
    return vertx.isClustered() ? ((VertxInternal) vertx).clusterManager() : null;
  }
}
