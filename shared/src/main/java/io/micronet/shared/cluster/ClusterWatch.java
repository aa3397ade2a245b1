package io.micronet.shared.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import io.micronet.shared.discovery.InstanceRecords;
import io.micronet.shared.discovery.NodeIdentity;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.servicediscovery.ServiceDiscoveryOptions;
import io.vertx.servicediscovery.Status;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Keeps a {@link ClusterView} of this node's side of the cluster current: Hazelcast's member list (on every membership
 * event, a moment later so that a burst reads as one, on {@code MERGED}, and every {@code refreshMs}), the node agents'
 * records (names and hosts: read every {@code refreshMs} and from the discovery announcements, whose DOWN for an agent
 * whose node is still a member means that node is stopping). Hands what changed to {@code onChanges} on the caller's
 * context. A node that is not clustered sees itself only and nothing changes.
 */
public final class ClusterWatch {

  /** A lost node is listed this long at most (or until it returns or a node of its name replaces it). */
  public static final long FORGET_LOST_MS = 3_600_000;
  /** The node agents' service name. */
  static final String NODE_SERVICE = "node";
  /** The key in the agent record's {@code node} metadata by which a stopping node says so (see {@link #announced}). */
  public static final String STOPPING = "stopping";
  /** vertx-hazelcast keeps each member's Vert.x node id in this member attribute. */
  private static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";
  /** Members added or removed within this window are read as one change. */
  private static final long SETTLE_MS = 300;

  private final Vertx vertx;
  private final ServiceDiscovery discovery;
  private final ClusterView view;
  private final Handler<List<ClusterView.Change>> onChanges;
  private HazelcastInstance hazelcast;
  private UUID membershipRegistration;
  private UUID lifecycleRegistration;
  private MessageConsumer<JsonObject> announcements;
  private long refreshTimer = -1;
  private long settleTimer = -1;

  private ClusterWatch(Vertx vertx, ServiceDiscovery discovery, ClusterView view, Handler<List<ClusterView.Change>> onChanges) {
    this.vertx = vertx;
    this.discovery = discovery;
    this.view = view;
    this.onChanges = onChanges;
  }

  /**
   * Starts watching; {@code selfName} names this node until its agent's record does. The view is readable at once
   * ({@link #view()}), complete after the first read of the records.
   */
  public static ClusterWatch start(Vertx vertx, ServiceDiscovery discovery, String selfName, long refreshMs,
                                   Handler<List<ClusterView.Change>> onChanges) {
    String self = NodeIdentity.nodeId(vertx);
    ClusterWatch watch = new ClusterWatch(vertx, discovery, new ClusterView(self, FORGET_LOST_MS), onChanges);
    if (!(NodeIdentity.clusterManager(vertx) instanceof HazelcastClusterManager manager)) {
      watch.view.sync(List.of(new ClusterView.Member(self, null)), System.currentTimeMillis());
      watch.view.describe(self, selfName, null, System.currentTimeMillis());
      return watch;
    }
    watch.hazelcast = manager.getHazelcastInstance();
    watch.view.describe(self, selfName, null, System.currentTimeMillis());
    watch.listen(vertx.getOrCreateContext());
    watch.refreshTimer = vertx.setPeriodic(refreshMs, id -> watch.refresh());
    watch.refresh();
    return watch;
  }

  public ClusterView view() {
    return view;
  }

  public Future<Void> stop() {
    vertx.cancelTimer(refreshTimer);
    vertx.cancelTimer(settleTimer);
    if (hazelcast != null && hazelcast.getLifecycleService().isRunning()) {
      hazelcast.getCluster().removeMembershipListener(membershipRegistration);
      hazelcast.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
    }
    return announcements == null ? Future.succeededFuture() : announcements.unregister();
  }

  private void listen(Context context) {
    membershipRegistration = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        context.runOnContext(v -> syncSoon());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        context.runOnContext(v -> syncSoon());
      }
    });
    lifecycleRegistration = hazelcast.getLifecycleService().addLifecycleListener(event -> {
      LifecycleState state = event.getState();
      if (state == LifecycleState.MERGING) {
        context.runOnContext(v -> view.merging(true));
      } else if (state == LifecycleState.MERGED || state == LifecycleState.MERGE_FAILED) {
        context.runOnContext(v -> {
          view.merging(false);
          refresh();
        });
      }
    });
    announcements = vertx.eventBus().consumer(ServiceDiscoveryOptions.DEFAULT_ANNOUNCE_ADDRESS, message -> announced(message.body()));
  }

  private void syncSoon() {
    if (settleTimer != -1) {
      return;
    }
    settleTimer = vertx.setTimer(SETTLE_MS, id -> {
      settleTimer = -1;
      sync();
    });
  }

  private void sync() {
    if (!hazelcast.getLifecycleService().isRunning()) {
      return;
    }
    List<ClusterView.Member> members = new ArrayList<>();
    // Hazelcast lists the members oldest first, the same order on every member of a side
    for (Member member : hazelcast.getCluster().getMembers()) {
      String id = member.getAttribute(NODE_ID_ATTRIBUTE);
      if (id != null) {
        members.add(new ClusterView.Member(id, member.getAddress().getHost()));
      }
    }
    tell(view.sync(members, System.currentTimeMillis()));
  }

  /** The member list and every agent's record, read again. */
  private void refresh() {
    sync();
    discovery.getRecords(record -> NODE_SERVICE.equals(record.getName()) && InstanceRecords.inOwnAddressSpace(record))
      .onSuccess(records -> records.forEach(this::described));
  }

  /**
   * An announcement only says "look again" (anyone on the event bus can publish one): the registry says what is there.
   * Only a live member's agent is looked up — an announcement of any other node is not news (and not kept). A node
   * that is stopping says so first: its agent writes {@link #STOPPING} into its record before anything else stops
   * ({@code NodeAgent}); that, read back from the registry, is the withdrawal. A record gone (DOWN) says nothing: the
   * reaper of another member removes a dropped member's records as soon as that member's own list drops it, which
   * may be before this member's list does.
   */
  private void announced(JsonObject body) {
    Record record;
    try {
      record = new Record(body);
    } catch (RuntimeException e) {
      return; // not a record: nothing on the bus is taken on faith
    }
    if (!NODE_SERVICE.equals(record.getName()) || !InstanceRecords.inOwnAddressSpace(record) || record.getStatus() == Status.DOWN) {
      return;
    }
    String id = InstanceRecords.nodeId(record);
    if (!liveMember(id) || view.named(id) && !stopping(record)) {
      return; // not a member; or a republished record: the periodic read keeps what it says current
    }
    discovery.getRecords(r -> NODE_SERVICE.equals(r.getName()) && InstanceRecords.inOwnAddressSpace(r) && id.equals(InstanceRecords.nodeId(r)))
      .onSuccess(records -> records.forEach(held -> {
        described(held);
        if (stopping(held)) {
          view.withdrawn(id, System.currentTimeMillis());
        }
      }));
  }

  /** The agent's record says its node is stopping. */
  private static boolean stopping(Record record) {
    return record.getMetadata().getValue(NODE_SERVICE) instanceof JsonObject node && Boolean.TRUE.equals(node.getValue(STOPPING));
  }

  private boolean liveMember(String id) {
    return id != null && hazelcast.getLifecycleService().isRunning()
      && hazelcast.getCluster().getMembers().stream().anyMatch(m -> id.equals(m.getAttribute(NODE_ID_ATTRIBUTE)));
  }

  /** What a live member's agent record says (the registry may hold records of anything: only members are kept). */
  private void described(Record record) {
    if (!liveMember(InstanceRecords.nodeId(record))) {
      return;
    }
    JsonObject node = record.getMetadata().getValue(NODE_SERVICE) instanceof JsonObject json ? json : new JsonObject();
    tell(view.describe(InstanceRecords.nodeId(record), node.getValue("name") instanceof String s ? s : null,
      node.getValue("host") instanceof String h ? h : null, System.currentTimeMillis()));
  }

  private void tell(List<ClusterView.Change> changes) {
    if (!changes.isEmpty()) {
      onChanges.handle(changes);
    }
  }
}
