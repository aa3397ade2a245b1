package io.micronet.shared.discovery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Publishes one instance record, writes it again periodically (a node that crashed while holding the
 * only copy of a map partition can take other nodes' records with it) and at once when this node's half of a
 * network partition merges back into the cluster (the other half reaped the record while split, see
 * {@link MergeWatch}), and removes it on stop.
 */
public class RecordPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(RecordPublisher.class);

  private final Vertx vertx;
  private final ServiceDiscovery discovery;
  private final long republishMillis;
  private Record published;
  private long timerId = -1;
  private MergeWatch merges;

  public RecordPublisher(Vertx vertx, ServiceDiscovery discovery, long republishMillis) {
    this.vertx = vertx;
    this.discovery = discovery;
    this.republishMillis = republishMillis;
  }

  public Future<Record> publish(Record record) {
    return discovery.publish(record).onSuccess(r -> {
      published = r;
      timerId = vertx.setPeriodic(republishMillis, id -> republish());
      merges = MergeWatch.onMerged(vertx, v -> {
        if (published != null) {
          LOG.info("record written again after a cluster merge", kv("service", published.getName()),
            kv("instanceId", InstanceRecords.instanceId(published)));
          republish();
        }
      });
      LOG.info("record published", kv("service", r.getName()), kv("instanceId", InstanceRecords.instanceId(r)),
        kv("nodeId", InstanceRecords.nodeId(r)));
    });
  }

  /**
   * Replaces the published record's metadata with {@code metadata} (merged over what it had) and writes it now, for a
   * record that tells what changes (a node agent's instances); the periodic rewrite then keeps the new one.
   */
  public Future<Void> updateMetadata(JsonObject metadata) {
    if (published == null) {
      return Future.succeededFuture();
    }
    Record updated = new Record(published.toJson());
    updated.getMetadata().mergeIn(metadata);
    published = updated;
    return discovery.update(updated).onFailure(e ->
      LOG.warn("record update failed", kv("service", updated.getName()), kv("reason", e.getMessage()))).mapEmpty();
  }

  private void republish() {
    if (published != null) {
      discovery.update(published).onFailure(e ->
        LOG.warn("record republish failed", kv("service", published.getName()), kv("reason", e.getMessage())));
    }
  }

  /** Removes the record; completes (never fails) so that a stopping verticle always finishes stopping. */
  public Future<Void> unpublish() {
    vertx.cancelTimer(timerId);
    if (merges != null) {
      merges.cancel();
      merges = null;
    }
    Record record = published;
    published = null;
    if (record == null) {
      return Future.succeededFuture();
    }
    return discovery.unpublish(record.getRegistration())
      .onSuccess(v -> LOG.info("record removed", kv("service", record.getName()),
        kv("instanceId", InstanceRecords.instanceId(record))))
      .recover(e -> {
        LOG.warn("record removal failed", kv("service", record.getName()), kv("reason", e.getMessage()));
        return Future.succeededFuture();
      });
  }
}
