package io.micronet.tools.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tables, exactly as printed: alignment, empty columns left out, colour only when asked and never shifting a column. */
class ViewsTest {

  private final Views plain = new Views(Style.PLAIN);
  private final Views colour = new Views(Style.ANSI);

  private static final JsonObject STATUS = new JsonObject("""
    {"status":"DEGRADED","services":{
      "orders":{"status":"DEGRADED","instances":2,"healthy":1,"reasons":["products is DOWN"]},
      "products":{"status":"DOWN","instances":0,"healthy":0},
      "users":{"status":"UP","instances":1,"healthy":1}}}""");

  @Test
  void statusTable() {
    assertEquals("""
      platform DEGRADED  http://localhost:8000

      SERVICE   STATUS    INSTANCES  HEALTHY  REASON
      orders    DEGRADED          2        1  products is DOWN
      products  DOWN              0        0  -
      users     UP                1        1  -
      """, plain.status(STATUS, "http://localhost:8000"));
  }

  @Test
  void aPartitionIsSaidUnderThePlatformLine() {
    JsonObject split = new JsonObject("""
      {"status":"UP","services":{"users":{"status":"UP","instances":1,"healthy":1}},
       "cluster":{"partitioned":true,"since":"2026-01-02T03:04:05Z",
         "members":[{"id":"a","name":"h1","host":"10.77.0.11"}],
         "lost":[{"id":"b","name":"h2","host":"10.77.0.12","since":"2026-01-02T03:04:05Z","reason":"no heartbeat"}]}}""");
    assertEquals("""
      platform UP  http://x
      partitioned: this side sees h1; lost h2 (10.77.0.12, since 2026-01-02 03:04:05)

      SERVICE  STATUS  INSTANCES  HEALTHY
      users    UP              1        1
      """, plain.status(split, "http://x"));
    // without a manager's token /status gives counts, not the nodes
    split.getJsonObject("cluster").put("members", 1).put("lost", 1);
    assertTrue(plain.status(split, "http://x").contains("partitioned: this side has 1 node, lost 1 since 2026-01-02 03:04:05\n"),
      plain.status(split, "http://x"));
    split.getJsonObject("cluster").put("partitioned", false).put("lost", new JsonArray());
    assertFalse(plain.status(split, "http://x").contains("partitioned"), "nothing said when whole");
  }

  @Test
  void aColumnWithNothingInItIsLeftOut() {
    JsonObject allUp = new JsonObject("""
      {"status":"UP","services":{"users":{"status":"UP","instances":1,"healthy":1}}}""");
    assertEquals("""
      platform UP  http://x

      SERVICE  STATUS  INSTANCES  HEALTHY
      users    UP              1        1
      """, plain.status(allUp, "http://x"));
  }

  @Test
  void colourMarksStatusesWithoutMovingColumns() {
    String coloured = colour.status(STATUS, "http://localhost:8000");
    assertTrue(coloured.contains("\u001b[31mDOWN"), "DOWN in red");
    assertTrue(coloured.contains("\u001b[33mDEGRADED"), "DEGRADED in yellow");
    assertTrue(coloured.contains("\u001b[32mUP"), "UP in green");
    assertEquals(plain.status(STATUS, "http://localhost:8000"), coloured.replaceAll("\u001b\\[[0-9;]*m", ""));
    assertFalse(plain.status(STATUS, "u").contains("\u001b"), "no escape codes when plain");
  }

  @Test
  void colourFollowsTheTerminalAndNoColor() {
    assertTrue(Style.choose(true, Map.of()).colour());
    assertFalse(Style.choose(false, Map.of()).colour());
    assertFalse(Style.choose(true, Map.of("NO_COLOR", "1")).colour());
    assertTrue(Style.choose(true, Map.of("NO_COLOR", "")).colour(), "no-color.org: an empty NO_COLOR does not count");
    assertFalse(Style.choose(true, Map.of("TERM", "dumb")).colour());
  }

  @Test
  void instancesPage() {
    JsonObject page = new JsonObject("""
      {"items":[
        {"id":"orders-1","service":"orders","node":"n1","kind":"event-bus","health":"UP","breaker":"CLOSED"},
        {"id":"products-22","service":"products","node":"n2","kind":"event-bus","health":"DOWN","breaker":"OPEN"}],
       "page":0,"size":100,"total":2}""");
    assertEquals("""
      SERVICE   INSTANCE     NODE    HEALTH  BREAKER
      orders    orders-1     node-a  UP      CLOSED
      products  products-22  n2      DOWN    OPEN
      """, plain.instances(page, Map.of("n1", "node-a")), "a node by its name where it is known, else by its id");
    assertEquals("no instances\n", plain.instances(new JsonObject().put("items", new JsonArray()), Map.of()));
  }

  @Test
  void healthFromAGraphAndOneServiceInDetail() {
    JsonObject graph = new JsonObject("""
      {"time":"2025-06-01T12:00:03Z","services":[
         {"name":"orders","status":"DEGRADED","reasons":["products is DOWN"],"dependencies":["products","users"],"instances":1,"healthy":1},
         {"name":"products","status":"DOWN","reasons":[{"text":"no instance answers"}],"dependencies":[],"instances":0,"healthy":0}],
       "instances":[{"id":"orders-1","service":"orders","node":"n1","status":"UP","reason":null,"breaker":"CLOSED"}],
       "edges":[{"from":"orders","to":"products","status":"DOWN"}]}""");
    assertEquals("""
      SERVICE   STATUS    INSTANCES  DEPENDS ON       REASON
      orders    DEGRADED          1  products, users  products is DOWN
      products  DOWN              0  -                no instance answers
      """, plain.health(graph, null));
    assertEquals("""
      orders DEGRADED
      because:    products is DOWN
      depends on: products, users
      needed by:  -

      INSTANCE  NODE  STATUS  BREAKER
      orders-1  n1    UP      CLOSED
      """, plain.health(graph, "orders"));
    CliFailure unknown = assertThrows(CliFailure.class, () -> plain.health(graph, "nope"));
    assertEquals(ExitCodes.PLATFORM_ERROR, unknown.exitCode());
    assertTrue(unknown.getMessage().contains("known: orders, products"), unknown.getMessage());
  }

  @Test
  void metricsWhereverTheReplyHoldsThem() {
    JsonObject keyed = new JsonObject("""
      {"time":"2025-06-01T12:00:03.120Z","services":{
        "products":{"rps":12.34,"errorRate":0.031,"p50":3.21,"p95":18.4,"p99":120.6,
                    "instances":{"products-1":{"rps":12.34,"errorRate":0.031,"p50":3.21,"p95":18.4,"p99":12000}}},
        "users":{"rps":0,"errorRate":0,"p50":0,"p95":0,"p99":0}}}""");
    assertEquals("""
      as of 2025-06-01 12:00:03 UTC
      SERVICE   INSTANCE    REQ/S  ERRORS     P50    P95     P99
      products  (all)        12.3    3.1%  3.2 ms  18 ms  121 ms
      products  products-1   12.3    3.1%  3.2 ms  18 ms    12 s
      users     (all)           0      0%    0 ms   0 ms    0 ms
      """, plain.metrics(keyed, null));
    // the metrics service's snapshot: each service's own figures, and the gateway's view of it
    JsonObject snapshot = new JsonObject("""
      {"type":"snapshot","time":"2025-06-01T12:00:03Z","services":{"products":{
        "rps":4,"errorRate":0.25,"p50":2,"p95":3,"p99":4,"instances":{"products-1":{"node":"n1","rps":4,"errorRate":0.25,"p50":2,"p95":3,"p99":4}},
        "gateway":{"rps":5,"errorRate":0.2,"p50":3,"p95":4,"p99":5,"instances":{"products-1":{"rps":5,"errorRate":0.2,"p50":3,"p95":4,"p99":5}}}}}}""");
    assertEquals("""
      as of 2025-06-01 12:00:03 UTC
      SERVICE   INSTANCE    MEASURED BY  REQ/S  ERRORS   P50   P95   P99
      products  (all)       service          4     25%  2 ms  3 ms  4 ms
      products  (all)       gateway          5     20%  3 ms  4 ms  5 ms
      products  products-1  service          4     25%  2 ms  3 ms  4 ms
      products  products-1  gateway          5     20%  3 ms  4 ms  5 ms
      """, plain.metrics(snapshot, null));
    JsonArray samples = new JsonArray("""
      [{"type":"sample","source":"gateway","service":"orders","instance":"orders-1","rps":2,"errorRate":0.5,"p50":1,"p95":2,"p99":3}]""");
    assertTrue(plain.metrics(samples, null).contains("orders   orders-1  gateway"), plain.metrics(samples, null));
    assertEquals("no figures for users\n", plain.metrics(samples, "users"));
  }

  @Test
  void nodes() {
    JsonObject reply = new JsonObject("""
      {"items":[{"id":"c0ffee","name":"node-a","host":"10.0.0.5","verticles":["gateway","products"],
                 "instances":[{"service":"products","id":"p1"},{"service":"products","id":"p2"},{"service":"gateway","id":"g1"}],
                 "agent":"node-1","reconciler":true},
                {"id":"beef","name":"node-b","host":"10.0.0.6","verticles":["products"],"instances":[],"reconciler":false}],
       "page":0,"size":100,"total":2}""");
    assertEquals("""
      NODE    HOST      ROLE        RUNNING               MAY RUN
      node-a  10.0.0.5  reconciler  gateway, products ×2  gateway, products
      node-b  10.0.0.6  -           -                     products
      """, plain.nodes(reply));
  }

  @Test
  void activityWithItsFooter() {
    JsonObject page = new JsonObject("""
      {"items":[{"id":"e2","time":"2025-06-01T12:00:03Z","actor":"manager","kind":"failure","service":"products",
                 "text":"error on 50% of requests for 30 s"},
                {"id":"e1","time":"2025-06-01T11:59:00Z","actor":"system","kind":"lifecycle","service":"users",
                 "text":"started"}],"page":0,"size":2,"total":7}""");
    assertEquals("""
      TIME (UTC)           KIND       SERVICE   ACTOR    TEXT
      2025-06-01 12:00:03  failure    products  manager  error on 50% of requests for 30 s
      2025-06-01 11:59:00  lifecycle  users     system   started
      2 of 7 events, newest first; older ones with --page 1
      """, plain.activity(page));
  }

  @Test
  void anOutcomeLeadsWithItsSentence() {
    JsonObject scaled = new JsonObject("""
      {"service":"products","previous":1,"desired":2,"running":2,"pending":0,
       "actions":[{"ok":true,"action":"placed","instanceId":"products-2","text":"placed products-2 on node-b"}],
       "text":"products: desired 2 (was 1); placed products-2 on node-b"}""");
    assertEquals("""
      products: desired 2 (was 1); placed products-2 on node-b
      service:  products
      previous: 1
      desired:  2
      running:  2
      pending:  0
      """, plain.outcome(scaled));
    JsonObject failed = new JsonObject("""
      {"service":"products","instances":["products-1"],"failure":{"mode":"error","until":"2025-06-01T12:00:33Z",
       "instanceId":null,"actor":"manager","rate":0.5},"until":"2025-06-01T12:00:33Z",
       "text":"failure injected on [products-1]: error on 50% of requests for 30 s"}""");
    assertEquals("""
      failure injected on [products-1]: error on 50% of requests for 30 s
      service:   products
      instances: products-1
      failure:   mode=error until=2025-06-01T12:00:33Z actor=manager rate=0.5
      until:     2025-06-01T12:00:33Z
      """, plain.outcome(failed));
  }
}
