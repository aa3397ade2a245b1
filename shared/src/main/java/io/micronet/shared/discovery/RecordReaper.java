package io.micronet.shared.discovery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Removes the discovery records of nodes that are no longer cluster members (a node killed with
 * kill -9 never unpublishes). Runs on every membership change and periodically; any node may reap,
 * removing an already removed record is harmless.
 */
public class RecordReaper {

  private static final Logger LOG = LoggerFactory.getLogger(RecordReaper.class);

  private final ServiceDiscovery discovery;
  private final ClusterManager clusterManager;

  public RecordReaper(Vertx vertx, ServiceDiscovery discovery) {
    this.discovery = discovery;
    this.clusterManager = NodeIdentity.clusterManager(vertx);
  }

  public Future<Integer> reap() {
    if (clusterManager == null) {
      return Future.succeededFuture(0);
    }
    Set<String> members = new HashSet<>(clusterManager.getNodes());
    return discovery.getRecords(record -> isOrphan(record, members), true)
      .compose(this::removeAll);
  }

  static boolean isOrphan(Record record, Set<String> members) {
    String owner = InstanceRecords.nodeId(record);
    return owner != null && !members.contains(owner);
  }

  private Future<Integer> removeAll(List<Record> orphans) {
    List<Future<Void>> removals = orphans.stream().map(record -> discovery.unpublish(record.getRegistration())
      .onSuccess(v -> LOG.info("record of departed node removed", kv("service", record.getName()),
        kv("instanceId", InstanceRecords.instanceId(record)), kv("nodeId", InstanceRecords.nodeId(record))))
      .recover(e -> Future.<Void>succeededFuture())).toList();
    return Future.join(removals).map(orphans.size());
  }
}
