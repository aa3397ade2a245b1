package io.micronet.shared.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one node sees of the cluster, without a network: the members now (oldest first, as Hazelcast orders them),
 * each node's name and host as its node agent describes it (kept while the records exist: a dropped node's records
 * are reaped at once), and the nodes this side lost without a word — dropped for want of a heartbeat, kept until they
 * come back, a node of the same name replaces them, or {@code forgetLostMs} has passed. A node whose agent withdrew its
 * record before its member left stopped on purpose: it is said to have stopped, and not counted as lost.
 *
 * <p>{@link #sync} compares a new member list with the last one and says what changed, as sentences for the activity
 * feed. Every node of a side computes the same changes; only the oldest member of the side ({@link #speaksForThisSide})
 * publishes them, so each is said once per side while split (each half has its own oldest member), and once after the
 * merge (the merged cluster has one). Not thread-safe: one event loop owns it.
 */
public final class ClusterView {

  /** What the feed is told. {@code nodeId} is the node the change is about (null for a merge). */
  public record Change(Type type, String nodeId, String text) {
  }

  public enum Type {
    /** a member vanished without withdrawing its record: no heartbeat (a partition, a crash, a cut cable) */
    DROPPED,
    /** a member left after its node agent withdrew its record: it was stopped */
    STOPPED,
    /** a member new to this side */
    JOINED,
    /** a lost member came back, but this side still misses others */
    RETURNED,
    /** the last lost member came back: the partition has healed */
    MERGED
  }

  /** A member as Hazelcast lists it: its Vert.x node id and the address it binds. */
  public record Member(String id, String host) {
  }

  /** What is known of a node, and when it was last said (descriptions of nodes that are not members age out). */
  private record Described(String name, String host, long atMs) {
  }

  /** {@code shared}: another member had its name when it was lost, so a newcomer of that name is no proof of return. */
  private record Lost(String id, String name, String host, long sinceMs, boolean shared) {
  }

  /** A member whose record was withdrawn this long before it left had stopped; later, the withdrawal is old news. */
  static final long WITHDRAWN_MS = 60_000;
  /** A new member is announced once its agent's record names it, or after this long with what is known. */
  static final long NAME_WAIT_MS = 30_000;

  private final String self;
  private final long forgetLostMs;
  private final Map<String, Described> described = new HashMap<>();
  private final Map<String, Long> withdrawnAt = new HashMap<>();
  private final Map<String, Long> unnamedJoins = new LinkedHashMap<>();
  private final Map<String, Lost> lost = new LinkedHashMap<>();
  private List<Member> members;
  private boolean merging;
  private long healedAtMs = -1;

  public ClusterView(String selfId, long forgetLostMs) {
    this.self = Objects.requireNonNull(selfId);
    this.forgetLostMs = forgetLostMs;
  }

  /**
   * A node agent's record says who node {@code id} is; a member that joined unnamed is announced now (and a lost node
   * of the same name is no longer missing: it was restarted, under a new Vert.x node id).
   */
  public List<Change> describe(String id, String name, String host, long nowMs) {
    if (id == null) {
      return List.of();
    }
    Described before = described.get(id);
    described.put(id, new Described(name != null ? name : before == null ? null : before.name(),
      host != null ? host : before == null ? null : before.host(), nowMs));
    if (name == null || !unnamedJoins.containsKey(id) || !isMember(id)) {
      return List.of();
    }
    unnamedJoins.remove(id);
    return List.of(joined(id, nowMs));
  }

  /** Node {@code id}'s agent said in its record that its node is stopping, while the node was still a member. */
  public void withdrawn(String id, long nowMs) {
    if (id != null && isMember(id)) {
      withdrawnAt.put(id, nowMs);
    }
  }

  /**
   * Hazelcast is merging this node's half into the other (lifecycle MERGING until MERGED): its member list passes
   * through "only me" on the way, which is not news; {@link #sync} says nothing meanwhile.
   */
  public void merging(boolean merging) {
    this.merging = merging;
  }

  /** Whether an agent's record has named node {@code id}. */
  public boolean named(String id) {
    Described who = described.get(id);
    return who != null && who.name() != null;
  }

  public boolean isMember(String id) {
    return members != null && members.stream().anyMatch(m -> m.id().equals(id));
  }

  /** Whether this node publishes what this side sees: it is the oldest member of its side. */
  public boolean speaksForThisSide() {
    return members != null && !members.isEmpty() && members.get(0).id().equals(self);
  }

  /** The member list now (oldest first): what changed since the last one. The first list is no news. */
  public List<Change> sync(List<Member> now, long nowMs) {
    if (merging) {
      return List.of();
    }
    List<Member> before = members;
    members = List.copyOf(now);
    now.forEach(m -> described.merge(m.id(), new Described(null, m.host(), nowMs),
      (old, seen) -> old.host() != null ? old : new Described(old.name(), seen.host(), old.atMs())));
    List<Change> changes = new ArrayList<>();
    if (before == null) {
      forget(nowMs);
      return changes;
    }
    Set<String> beforeIds = ids(before);
    Set<String> nowIds = ids(now);
    for (Member gone : before) {
      if (nowIds.contains(gone.id())) {
        continue;
      }
      unnamedJoins.remove(gone.id());
      Long withdrawn = withdrawnAt.remove(gone.id());
      if (withdrawn != null && nowMs - withdrawn < WITHDRAWN_MS) {
        changes.add(new Change(Type.STOPPED, gone.id(), "node " + label(gone.id()) + " left the cluster: stopped — the cluster has "
          + names(now)));
        described.remove(gone.id());
      } else {
        Described who = described.get(gone.id());
        boolean shared = who.name() != null && now.stream().anyMatch(m -> described.get(m.id()) != null
          && who.name().equals(described.get(m.id()).name()));
        lost.put(gone.id(), new Lost(gone.id(), who.name(), who.host() != null ? who.host() : gone.host(), nowMs, shared));
        changes.add(new Change(Type.DROPPED, gone.id(), "node " + label(gone.id()) + " left the cluster: no heartbeat — this side sees "
          + names(now)));
      }
    }
    List<String> returned = new ArrayList<>();
    for (Member came : now) {
      if (beforeIds.contains(came.id())) {
        continue;
      }
      if (lost.remove(came.id()) != null) {
        returned.add(came.id());
      } else if (described.get(came.id()).name() != null) {
        changes.add(joined(came.id(), nowMs));
      } else {
        unnamedJoins.put(came.id(), nowMs);
      }
    }
    if (!returned.isEmpty()) {
      if (lost.isEmpty()) {
        healedAtMs = nowMs;
        changes.add(new Change(Type.MERGED, null, "cluster merged after a partition: " + names(now)));
      } else {
        for (String id : returned) {
          changes.add(new Change(Type.RETURNED, id, "node " + label(id) + " is back — the cluster has " + names(now)
            + "; still missing " + String.join(", ", lost.values().stream().map(l -> display(l.name(), l.host(), l.id())).sorted().toList())));
        }
      }
    }
    // a member whose agent never named it is announced with what is known
    List<String> waitedEnough = unnamedJoins.entrySet().stream().filter(e -> nowMs - e.getValue() >= NAME_WAIT_MS).map(Map.Entry::getKey).toList();
    waitedEnough.forEach(id -> {
      unnamedJoins.remove(id);
      changes.add(joined(id, nowMs));
    });
    forget(nowMs);
    return changes;
  }

  /** A member new to this side: announced, and a lost node of the same name (restarted: a new node id) is not missing. */
  private Change joined(String id, long nowMs) {
    String name = described.get(id).name();
    String replaces = "";
    if (name != null && lost.values().removeIf(l -> !l.shared() && name.equals(l.name()))) {
      replaces = " (in place of the node of that name lost earlier)";
      if (lost.isEmpty()) {
        healedAtMs = nowMs;
      }
    }
    return new Change(Type.JOINED, id, "node " + label(id) + " joined" + replaces + " — the cluster has " + names(members));
  }

  /** True while a node dropped for want of a heartbeat is missing (not back, not replaced, not yet forgotten). */
  public boolean partitioned(long nowMs) {
    forget(nowMs);
    return !lost.isEmpty();
  }

  /**
   * {@code /status}'s {@code cluster} section: {@code {partitioned, since, healedAt, members:[{id, name, host}],
   * lost:[{id, name, host, since, reason}]}}; {@code since} is when the oldest loss still missing happened.
   */
  public JsonObject toJson(long nowMs) {
    forget(nowMs);
    JsonArray memberList = new JsonArray();
    (members == null ? List.<Member>of() : members).forEach(m -> {
      Described who = described.get(m.id());
      memberList.add(new JsonObject().put("id", m.id()).put("name", who == null ? null : who.name())
        .put("host", who != null && who.host() != null ? who.host() : m.host()));
    });
    JsonArray lostList = new JsonArray();
    lost.values().stream().sorted(Comparator.comparingLong(Lost::sinceMs)).forEach(l -> lostList.add(new JsonObject()
      .put("id", l.id()).put("name", l.name()).put("host", l.host()).put("since", Instant.ofEpochMilli(l.sinceMs()).toString())
      .put("reason", "no heartbeat")));
    Long since = lost.values().stream().map(Lost::sinceMs).min(Long::compare).orElse(null);
    return new JsonObject().put("partitioned", !lost.isEmpty())
      .put("since", since == null ? null : Instant.ofEpochMilli(since).toString())
      .put("healedAt", healedAtMs < 0 ? null : Instant.ofEpochMilli(healedAtMs).toString())
      .put("members", memberList).put("lost", lostList);
  }

  /**
   * What anyone may read ({@code /status} without a manager's token): whether this side is partitioned, since when,
   * the last heal, and how many nodes it has and misses, but not their ids, names or addresses.
   */
  public JsonObject toSummaryJson(long nowMs) {
    JsonObject full = toJson(nowMs);
    return new JsonObject().put("partitioned", full.getBoolean("partitioned")).put("since", full.getValue("since"))
      .put("healedAt", full.getValue("healedAt")).put("members", full.getJsonArray("members").size())
      .put("lost", full.getJsonArray("lost").size());
  }

  private void forget(long nowMs) {
    lost.values().removeIf(l -> nowMs - l.sinceMs() >= forgetLostMs);
    withdrawnAt.values().removeIf(at -> nowMs - at >= WITHDRAWN_MS);
    // what records said of nodes that are neither members nor missing any more
    described.entrySet().removeIf(e -> !isMember(e.getKey()) && !lost.containsKey(e.getKey())
      && nowMs - e.getValue().atMs() >= NAME_WAIT_MS);
  }

  private String label(String id) {
    Described who = described.get(id);
    return who == null ? id : who.name() != null && who.host() != null ? who.name() + " (" + who.host() + ")"
      : display(who.name(), who.host(), id);
  }

  private String names(List<Member> list) {
    return String.join(", ", list.stream().map(m -> {
      Described who = described.get(m.id());
      return who == null ? display(null, m.host(), m.id()) : display(who.name(), who.host() != null ? who.host() : m.host(), m.id());
    }).sorted().toList());
  }

  private static String display(String name, String host, String id) {
    return name != null ? name : host != null ? host : id;
  }

  private static Set<String> ids(List<Member> list) {
    Set<String> ids = new HashSet<>();
    list.forEach(m -> ids.add(m.id()));
    return ids;
  }
}
