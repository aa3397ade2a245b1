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
   * Only a live member's agent is looked up — an announcement of any other node is not news (and not kept) — and a
   * withdrawal counts only when the registry no longer holds that node's agent record.
   */
  private void announced(JsonObject body) {
    Record record;
    try {
      record = new Record(body);
    } catch (RuntimeException e) {
      return; // not a record: nothing on the bus is taken on faith
    }
    if (!NODE_SERVICE.equals(record.getName()) || !InstanceRecords.inOwnAddressSpace(record)) {
      return;
    }
    // Hazelcast's own list, not the view (which follows it a moment later): the reaper's removals of a dropped
    // member's records are not a withdrawal
    String id = InstanceRecords.nodeId(record);
    if (!liveMember(id)) {
      return;
    }
    boolean down = record.getStatus() == Status.DOWN;
    if (down) {
      // taken at once (the member may leave before the registry answers), and taken back when the registry still
      // holds the agent's record: a real withdrawal removes it before it is announced
      view.withdrawn(id, System.currentTimeMillis());
    } else if (view.named(id)) {
      return; // a republished record: the periodic read keeps what it says current
    }
    discovery.getRecords(r -> NODE_SERVICE.equals(r.getName()) && InstanceRecords.inOwnAddressSpace(r) && id.equals(InstanceRecords.nodeId(r)))
      .onSuccess(records -> {
        if (!records.isEmpty()) {
          view.notWithdrawn(id);
          records.forEach(this::described);
        }
      });
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
