package io.micronet.shared.cluster;

import io.micronet.shared.cluster.ClusterView.Change;
import io.micronet.shared.cluster.ClusterView.Member;
import io.micronet.shared.cluster.ClusterView.Type;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The membership view of one node, driven by hand: member lists as Hazelcast gives them, records as agents write them. */
class ClusterViewTest {

  private static final long HOUR = 3_600_000;
  private static final Member H1 = new Member("id-1", "10.77.0.11");
  private static final Member H2 = new Member("id-2", "10.77.0.12");
  private static final Member H3 = new Member("id-3", "10.77.0.13");

  /** h1's view of a formed cluster of the given members, each named by its agent's record. */
  private static ClusterView formed(String self, Member... members) {
    ClusterView view = new ClusterView(self, HOUR);
    assertEquals(List.of(), view.sync(List.of(members), 0), "the first member list is no news");
    for (Member member : members) {
      view.describe(member.id(), "h" + member.id().substring(3), member.host(), 0);
    }
    return view;
  }

  @Test
  void aDroppedMemberIsLostAndNamedAsItsRecordSaid() {
    ClusterView view = formed("id-1", H1, H2);
    List<Change> changes = view.sync(List.of(H1), 1000);
    assertEquals(List.of(new Change(Type.DROPPED, "id-2", "node h2 (10.77.0.12) left the cluster: no heartbeat — this side sees h1")),
      changes);
    assertTrue(view.partitioned(1000));
    JsonObject json = view.toJson(1000);
    assertTrue(json.getBoolean("partitioned"));
    assertEquals("1970-01-01T00:00:01Z", json.getString("since"));
    assertEquals(new JsonArray().add(new JsonObject().put("id", "id-1").put("name", "h1").put("host", "10.77.0.11")), json.getJsonArray("members"));
    JsonObject lost = json.getJsonArray("lost").getJsonObject(0);
    assertEquals("h2", lost.getString("name"));
    assertEquals("10.77.0.12", lost.getString("host"));
    assertEquals("id-2", lost.getString("id"));
    assertEquals("no heartbeat", lost.getString("reason"));
    assertEquals("1970-01-01T00:00:01Z", lost.getString("since"));
  }

  @Test
  void theReturnOfTheLastLostMemberIsTheMerge() {
    ClusterView view = formed("id-1", H1, H2, H3);
    assertEquals(2, view.sync(List.of(H1), 1000).size());
    List<Change> back = view.sync(List.of(H1, H2), 2000);
    assertEquals(List.of(new Change(Type.RETURNED, "id-2", "node h2 (10.77.0.12) is back — the cluster has h1, h2; still missing h3")), back);
    assertTrue(view.partitioned(2000));
    List<Change> merged = view.sync(List.of(H1, H2, H3), 3000);
    assertEquals(List.of(new Change(Type.MERGED, null, "cluster merged after a partition: h1, h2, h3")), merged);
    assertFalse(view.partitioned(3000));
    JsonObject json = view.toJson(3000);
    assertEquals(new JsonArray(), json.getJsonArray("lost"));
    assertNull(json.getString("since"));
    assertEquals("1970-01-01T00:00:03Z", json.getString("healedAt"));
    assertEquals(3, json.getJsonArray("members").size());
  }

  @Test
  void eachHalfSpeaksThroughItsOldestMemberAndTheMergedClusterThroughOne() {
    ClusterView onH1 = formed("id-1", H1, H2, H3);
    ClusterView onH2 = formed("id-2", H1, H2, H3);
    ClusterView onH3 = formed("id-3", H1, H2, H3);
    assertTrue(onH1.speaksForThisSide());
    assertFalse(onH2.speaksForThisSide());
    // h1 cut off: h1 alone on its side, h2 the oldest of the other
    onH1.sync(List.of(H1), 1000);
    List<Change> seenByH2 = onH2.sync(List.of(H2, H3), 1000);
    List<Change> seenByH3 = onH3.sync(List.of(H2, H3), 1000);
    assertEquals(seenByH2, seenByH3, "every member of a side sees the same");
    assertEquals("node h1 (10.77.0.11) left the cluster: no heartbeat — this side sees h2, h3", seenByH2.get(0).text());
    assertTrue(onH1.speaksForThisSide());
    assertTrue(onH2.speaksForThisSide());
    assertFalse(onH3.speaksForThisSide());
    // h1 merges into the other half: it joins as the youngest; the merged cluster speaks through h2 only
    onH1.merging(true);
    assertEquals(List.of(), onH1.sync(List.of(H1), 1500), "the list passes through 'only me' while merging: no news");
    onH1.merging(false);
    assertEquals(Type.MERGED, onH1.sync(List.of(H2, H3, H1), 2000).get(0).type());
    assertEquals(List.of(new Change(Type.MERGED, null, "cluster merged after a partition: h1, h2, h3")), onH2.sync(List.of(H2, H3, H1), 2000));
    assertFalse(onH1.speaksForThisSide());
    assertTrue(onH2.speaksForThisSide());
    assertFalse(onH1.partitioned(2000));
  }

  @Test
  void aMemberWhoseAgentWithdrewItsRecordStoppedAndIsNotLost() {
    ClusterView view = formed("id-1", H1, H2);
    view.withdrawn("id-2", 1000);
    assertEquals(List.of(new Change(Type.STOPPED, "id-2", "node h2 (10.77.0.12) left the cluster: stopped — the cluster has h1")),
      view.sync(List.of(H1), 1500));
    assertFalse(view.partitioned(1500));
    // a withdrawal long before the member left is old news: that member dropped
    ClusterView later = formed("id-1", H1, H2);
    later.withdrawn("id-2", 1000);
    assertEquals(Type.DROPPED, later.sync(List.of(H1), 1000 + ClusterView.WITHDRAWN_MS).get(0).type());
  }

  @Test
  void aNewMemberIsAnnouncedOnceItsAgentNamesIt() {
    ClusterView view = formed("id-1", H1);
    assertEquals(List.of(), view.sync(List.of(H1, H2), 1000), "unnamed yet: wait for the agent's record");
    assertEquals(List.of(new Change(Type.JOINED, "id-2", "node h2 (10.77.0.12) joined — the cluster has h1, h2")),
      view.describe("id-2", "h2", "10.77.0.12", 2000));
    assertEquals(List.of(), view.describe("id-2", "h2", "10.77.0.12", 3000), "said once");
    // one whose record comes before the member list says it is one is announced at once
    view.describe("id-3", "h3", "10.77.0.13", 4000);
    assertEquals(List.of(new Change(Type.JOINED, "id-3", "node h3 (10.77.0.13) joined — the cluster has h1, h2, h3")),
      view.sync(List.of(H1, H2, H3), 4100));
  }

  @Test
  void aMemberNeverNamedIsAnnouncedByItsAddressAfterAWhile() {
    ClusterView view = formed("id-1", H1);
    view.sync(List.of(H1, H2), 1000);
    List<Change> later = view.sync(List.of(H1, H2), 1000 + ClusterView.NAME_WAIT_MS);
    assertEquals(List.of(new Change(Type.JOINED, "id-2", "node 10.77.0.12 joined — the cluster has 10.77.0.12, h1")), later);
  }

  @Test
  void aRestartedNodeReplacesTheLostOneOfItsName() {
    ClusterView view = formed("id-1", H1, H2);
    view.sync(List.of(H1), 1000);
    Member restarted = new Member("id-2b", "10.77.0.12");
    assertEquals(List.of(), view.sync(List.of(H1, restarted), 5000));
    assertTrue(view.partitioned(5000), "a member of unknown name replaces nothing yet");
    List<Change> joined = view.describe("id-2b", "h2", "10.77.0.12", 6000);
    assertEquals(Type.JOINED, joined.get(0).type());
    assertTrue(joined.get(0).text().startsWith("node h2 (10.77.0.12) joined (in place of the node of that name lost earlier)"), joined.get(0).text());
    assertFalse(view.partitioned(6000));
    assertEquals("1970-01-01T00:00:06Z", view.toJson(6000).getString("healedAt"));
  }

  @Test
  void aLostNodeIsForgottenAfterTheRetention() {
    ClusterView view = formed("id-1", H1, H2);
    view.sync(List.of(H1), 1000);
    assertTrue(view.partitioned(1000 + HOUR - 1));
    assertFalse(view.partitioned(1000 + HOUR));
    assertEquals(new JsonArray(), view.toJson(1000 + HOUR).getJsonArray("lost"));
    // and when it comes back after that, it is a join like any other
    assertEquals(List.of(), view.sync(List.of(H1, H2), 2000 + HOUR));
    assertEquals(Type.JOINED, view.describe("id-2", "h2", "10.77.0.12", 2100 + HOUR).get(0).type());
  }

  @Test
  void aWithdrawalOfANonMemberCountsForNothing() {
    ClusterView view = formed("id-1", H1, H2);
    view.sync(List.of(H1), 1000);
    view.withdrawn("id-2", 1100); // the reaper removing a dropped node's record
    assertEquals(Type.MERGED, view.sync(List.of(H1, H2), 2000).get(0).type());
  }

  @Test
  void aNodeAloneSeesItselfAndNothingChanges() {
    ClusterView view = new ClusterView("local-1", HOUR);
    view.sync(List.of(new Member("local-1", null)), 0);
    view.describe("local-1", "laptop", null, 0);
    assertTrue(view.speaksForThisSide());
    JsonObject json = view.toJson(0);
    assertFalse(json.getBoolean("partitioned"));
    assertEquals("laptop", json.getJsonArray("members").getJsonObject(0).getString("name"));
    assertEquals(new JsonArray(), json.getJsonArray("lost"));
  }

  /**
   * Two nodes of one name (two JVMs on one host, each named after the host by default): one is lost; the other restarts
   * (stopped, then back under a new id). The lost one is still missing: a newcomer of its name is no proof.
   */
  @Test
  void aNameTwoMembersSharedDoesNotEndALoss() {
    Member h3b = new Member("id-4", "10.77.0.12");
    ClusterView view = new ClusterView("id-1", HOUR);
    view.sync(List.of(H1, H2, H3), 0);
    view.describe("id-1", "host-a", H1.host(), 0);
    view.describe("id-2", "host-b", H2.host(), 0);
    view.describe("id-3", "host-b", H2.host(), 0);
    assertEquals(Type.DROPPED, view.sync(List.of(H1, H3), 1000).get(0).type());
    view.withdrawn("id-3", 2000);
    assertEquals(Type.STOPPED, view.sync(List.of(H1), 2100).get(0).type());
    view.sync(List.of(H1, h3b), 3000);
    view.describe("id-4", "host-b", h3b.host(), 3000);
    assertTrue(view.partitioned(3000), "id-2 never came back: " + view.toJson(3000).encode());
  }
}
