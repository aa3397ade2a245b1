package io.micronet.it;

import io.micronet.it.Nodes.Node;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three hosts of the test bed ({@link NetBed}), each running a whole node (gateway, node agent, monitor, metrics,
 * activity) over event-bus TLS, sharing this run's PostgreSQL database ({@link BedPostgres}); users, products and
 * orders are cluster-wide services the elected reconciler places, one instance each by configuration, products and
 * orders scaled to 3 through the API once the hosts are up. In order:
 * <ol>
 *   <li>the three hosts form one cluster, one instance of products and of orders on each;</li>
 *   <li>host 3 is cut off for 10 s in the middle of a burst of purchases of one product: every answer is 201, 409
 *   OUT_OF_STOCK, or — its outcome unknown while host 3 is unreachable — 503, 504 or 409 "in progress", never anything
 *   else, and asked again with its key after the heal each of those gets 201 or OUT_OF_STOCK; once healed and the
 *   orders left unanswered are settled, PostgreSQL holds exactly as many placed orders as stock was taken, a reservation for each
 *   and no other, and buying on until OUT_OF_STOCK sells exactly the stock;</li>
 *   <li>the host of the reconciler and monitor leader (host 1, first up) is cut off for 20 s: the other side elects
 *   its own and places host 1's instances on hosts 2 and 3, while host 1 keeps its reconciler and tries to place
 *   what it misses (a side that still reaches the database places its own copies: the cut of test 2 shows it); after
 *   the link returns one reconciler leads and every service has exactly its desired count again; operators see it:
 *   host 2's {@code /status} says partitioned, naming the nodes of its side and host 1 as lost, and the activity feed
 *   has the loss and the merge;</li>
 *   <li>host 3 vanishes for good (cut, never restored): its instances are placed on hosts 1 and 2, and purchases
 *   work.</li>
 * </ol>
 * Times are printed and written to {@code target/three-hosts-it/timings.txt} (not asserted, except the issue's 30 s
 * to heal); node logs in {@code target/three-hosts-it/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ClusterIT.SkipAfterFirstFailure.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ThreeHostsIT {

  private static final int HOSTS = 3;
  private static final int GATEWAY_PORT = 8000;
  private static final Map<String, Integer> DESIRED = Map.of("users", 1, "products", 3, "orders", 3);
  private static final Duration NODE_START_LIMIT = Duration.ofSeconds(120);
  /** Detection (5 s heartbeat limit) plus placing instances; only a hang guard. */
  private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(60);
  /** The issue's requirement: served again within 30 s of the link's return. */
  private static final Duration HEAL_LIMIT = Duration.ofSeconds(30);
  /** The orders a cut left unanswered are settled by the orders service's recovery (here: after 10 s, every 2 s). */
  private static final Duration SETTLE_LIMIT = Duration.ofSeconds(90);
  private static final int HOT_STOCK = 60;
  private static final int BURST_PURCHASES = 90;
  private static final long BURST_SPACING_MS = 110;
  private static final int CLIENTS = 6;
  private static final long REQUEST_TIMEOUT_MS = 15_000;

  private NetBed bed;
  private Nodes nodes;
  private BedPostgres postgres;
  private Path workDir;
  private Path certs;
  private Path conf;
  private String clusterName;
  private String jwtSecret;
  private String managerToken;
  private Vertx vertx;
  private WebClient http;
  private final Timings timings = new Timings("three-hosts-it");
  private final Map<Integer, Node> hosts = new TreeMap<>();
  private final List<String> clientTokens = new ArrayList<>();

  @BeforeAll
  void prepare() throws Exception {
    bed = NetBed.up(HOSTS); // skips the class where no bed can be made
    nodes = Nodes.create("three-hosts-it");
    workDir = nodes.workDir();
    String runId = UUID.randomUUID().toString().substring(0, 8);
    clusterName = "three-hosts-" + runId;
    jwtSecret = Nodes.randomSecret();
    certs = workDir.resolve("certs");
    Nodes.certs("ca", certs.toString());
    for (int k = 1; k <= HOSTS; k++) {
      Nodes.certs("node", certs.toString(), "h" + k, bed.address(k));
    }
    // the orders a cut leaves unanswered are settled sooner than the default minute, so that the test sees the end
    conf = workDir.resolve("conf.json");
    Files.writeString(conf, new JsonObject().put("services", new JsonObject()
      .put("orders", new JsonObject().put("recoverAfterSeconds", 10).put("recoveryIntervalSeconds", 2))).encodePrettily());
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    postgres = BedPostgres.create(vertx, bed, "three_hosts_" + runId.replace('-', '_'));
    managerToken = Tokens.withSecret(vertx, jwtSecret).issue(new Caller("it-manager", "it-manager", Caller.MANAGER), 3600);
    System.out.println("[three-hosts-it] cluster " + clusterName + ", members " + bed.members() + ", node logs in " + workDir);
  }

  @AfterAll
  void tearDown() throws IOException {
    Closer.closeAll(nodes, postgres, http == null ? null : http::close, vertx == null ? null : () -> vertx.close().await(), bed);
    timings.writeTo(workDir);
  }

  // ---- 1. join ------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void threeHostsFormOneCluster() {
    // host 1 first, so that it holds the leader locks (test 3 cuts it off)
    startNode(1);
    awaitUntil("host 1's agent leads the reconciler", NODE_START_LIMIT, hosts.get(1).startedNanos(),
      () -> reconcilers(1).equals(List.of("h1")));
    startNode(2);
    startNode(3);
    measure("hosts 2 and 3 start -> host 1's gateway lists the three nodes, each started",
      awaitUntil("3 nodes listed, each logging \"node started\"", NODE_START_LIMIT, hosts.get(3).startedNanos(),
        () -> nodeNames(1).equals(Set.of("h1", "h2", "h3")) && hosts.values().stream().allMatch(node -> node.clusterNodeId().isPresent())));
    // the node configuration asks for one instance of each (host 1, alone at first, placed them all); the operator
    // scales products and orders to 3 once the hosts are up: the reconciler spreads them, one per host (it does not
    // move running instances, so scaling before a node is up would leave it without)
    long scaled = System.nanoTime();
    for (String service : List.of("products", "orders")) {
      // setting a count is idempotent: an operator whose call timed out (504: still under way) sends it again
      awaitUntil("POST /api/services/" + service + "/scale answers 200", NODE_START_LIMIT, scaled, () -> {
        HttpResponse<Buffer> answer = post(1, "/api/services/" + service + "/scale", managerToken,
          new JsonObject().put("instances", DESIRED.get(service)), null);
        assertTrue(answer.statusCode() == 200 || answer.statusCode() == 504, answer::bodyAsString);
        return answer.statusCode() == 200;
      });
    }
    measure("scaled to 3 -> one products and one orders instance on each host",
      awaitUntil("users x1, products x3, orders x3 spread over the hosts", NODE_START_LIMIT, scaled,
        () -> countsAre(1, DESIRED) && nodesRunning(1, "products").size() == 3 && nodesRunning(1, "orders").size() == 3));

    // clients with accounts of their own (the users service, on one of the hosts)
    for (int i = 0; i < CLIENTS; i++) {
      String username = "client" + i;
      String password = "pw-" + UUID.randomUUID();
      HttpResponse<Buffer> registered = post(1, "/api/auth/register", null, new JsonObject().put("username", username)
        .put("email", username + "@three-hosts.test").put("password", password).put("name", username), null);
      assertEquals(201, registered.statusCode(), registered::bodyAsString);
      HttpResponse<Buffer> login = post(1, "/api/auth/login", null, new JsonObject().put("username", username).put("password", password), null);
      assertEquals(200, login.statusCode(), login::bodyAsString);
      clientTokens.add(login.bodyAsJsonObject().getString("token"));
    }
  }

  // ---- 2. purchases across a cut --------------------------------------------------------------------

  @Test
  @Order(2)
  void aCutDuringABurstOfPurchasesSellsExactlyTheStock() {
    String productId = createProduct("hot product", HOT_STOCK);
    StockSampler floor = new StockSampler(postgres.pool(), productId);
    floor.start();

    // purchases at host 1's gateway, one every 110 ms, each with a key of its own (a keyed POST may go to another
    // instance when the first does not answer); host 3 is cut off 1.5 s in and comes back 10 s later
    List<Future<HttpResponse<Buffer>>> purchases = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    long start = System.nanoTime();
    long cut = 0;
    long restored = 0;
    for (int i = 0; i < BURST_PURCHASES; i++) {
      long at = start + i * BURST_SPACING_MS * 1_000_000;
      while (System.nanoTime() < at) {
        Nodes.pause(5);
      }
      if (cut == 0 && System.nanoTime() - start > 1_500_000_000L) {
        cut = bed.cut(3);
      }
      if (cut != 0 && restored == 0 && System.nanoTime() - cut > 10_000_000_000L) {
        restored = bed.restore(3);
      }
      keys.add(UUID.randomUUID().toString());
      purchases.add(purchase(1, productId, clientTokens.get(i % CLIENTS), keys.get(i)));
    }
    Future.join(purchases).otherwiseEmpty().timeout(2, TimeUnit.MINUTES).await();
    if (restored == 0) {
      Nodes.pause(Math.max(0, 10_000 - (System.nanoTime() - cut) / 1_000_000));
      restored = bed.restore(3);
    }
    long afterRestore = restored;

    Map<String, Integer> answers = new TreeMap<>();
    Set<String> answered201 = new HashSet<>();
    List<String> unexpected = new ArrayList<>();
    // the purchases whose outcome the client does not know yet: it asks again with the same key once healed
    List<Integer> undecided = new ArrayList<>();
    for (int i = 0; i < purchases.size(); i++) {
      Future<HttpResponse<Buffer>> purchase = purchases.get(i);
      if (purchase.failed()) {
        unexpected.add("no answer: " + purchase.cause());
        continue;
      }
      HttpResponse<Buffer> response = purchase.result();
      String code = errorCode(response);
      answers.merge(response.statusCode() + (code == null ? "" : " " + code), 1, Integer::sum);
      if (response.statusCode() == 201) {
        answered201.add(response.bodyAsJsonObject().getString("id"));
      } else if (response.statusCode() == 503 || response.statusCode() == 504
        // the gateway sent the keyed purchase to another instance when the first (cut off) did not answer; that one
        // found the key taken by the first, still unfinished: "in progress, retry shortly"
        || response.statusCode() == 409 && "CONFLICT".equals(code)) {
        undecided.add(i);
      } else if (!(response.statusCode() == 409 && "OUT_OF_STOCK".equals(code))) {
        unexpected.add(response.statusCode() + " " + response.bodyAsString());
      }
    }
    System.out.println("[three-hosts-it] " + BURST_PURCHASES + " purchases across host 3's 10 s cut: " + answers);
    assertEquals(List.of(), unexpected,
      "every purchase answers 201, 409 OUT_OF_STOCK, or (its outcome unknown while a host is cut off) 503, 504 or 409 in progress");

    measure("purchases: restore -> the cluster has its 3 hosts and desired instances again",
      awaitUntil("3 nodes and the desired instances after the heal", HEAL_LIMIT, afterRestore,
        () -> nodeNames(1).equals(Set.of("h1", "h2", "h3")) && countsAre(1, DESIRED)));
    // orders whose purchase the cut left unanswered end PLACED or are dropped, their stock given back
    measure("purchases: restore -> every order settled (none PENDING or ABANDONED)",
      awaitUntil("no order of the hot product PENDING or ABANDONED in PostgreSQL", SETTLE_LIMIT, afterRestore,
        () -> postgres.count("SELECT count(*) FROM orders WHERE items LIKE $1 AND status IN ('PENDING', 'ABANDONED')", "%" + productId + "%") == 0));

    assertStockAccountedFor(productId, answered201);

    // each client that got no outcome asks again with the same key: the order it placed after all, or a definite answer
    Map<String, Integer> retried = new TreeMap<>();
    for (int i : undecided) {
      HttpResponse<Buffer> again = purchase(1, productId, clientTokens.get(i % CLIENTS), keys.get(i)).await();
      String code = errorCode(again);
      retried.merge(again.statusCode() + (code == null ? "" : " " + code), 1, Integer::sum);
      assertTrue(again.statusCode() == 201 || again.statusCode() == 409 && "OUT_OF_STOCK".equals(code),
        () -> "a purchase asked again with its key after the heal: " + again.statusCode() + " " + again.bodyAsString());
      if (again.statusCode() == 201) {
        answered201.add(again.bodyAsJsonObject().getString("id"));
      }
    }
    System.out.println("[three-hosts-it] " + undecided.size() + " undecided purchases asked again with their keys: " + retried);
    assertStockAccountedFor(productId, answered201);

    // buying on until the stock is gone sells exactly the stock, however the cut went
    int extra = 0;
    while (true) {
      HttpResponse<Buffer> response = purchase(1, productId, clientTokens.get(extra % CLIENTS)).await();
      if (response.statusCode() == 409 && "OUT_OF_STOCK".equals(errorCode(response))) {
        break;
      }
      assertEquals(201, response.statusCode(), () -> "a purchase after the heal: " + response.bodyAsString());
      answered201.add(response.bodyAsJsonObject().getString("id"));
      assertTrue(++extra <= HOT_STOCK, "more purchases succeeded than there was stock");
    }
    floor.stop();
    assertStockAccountedFor(productId, answered201);
    assertEquals(HOT_STOCK, placedOrders(productId).size(), "placed orders once the product is sold out: exactly its stock");
    assertEquals(0, stockInPostgres(productId), "stock in PostgreSQL once sold out");
    assertEquals(0, get(1, "/api/products/" + productId).bodyAsJsonObject().getInteger("stock"), "stock through the gateway once sold out");
    assertTrue(floor.lowest() >= 0, "stock seen in PostgreSQL during the burst: lowest " + floor.lowest());
    System.out.println("[three-hosts-it] sold out: " + HOT_STOCK + " placed orders, " + extra + " of them bought after the heal; "
      + floor.samples() + " stock samples, lowest " + floor.lowest());
  }

  /** PostgreSQL: stock taken == placed orders == live reservations, and every 201 is one of them. */
  private void assertStockAccountedFor(String productId, Set<String> answered201) {
    Set<String> placed = placedOrders(productId);
    Set<String> reserved = new HashSet<>();
    for (Row row : postgres.pool().preparedQuery("SELECT id FROM stock_reservations WHERE status = 'RESERVED' AND items LIKE $1")
      .execute(io.vertx.sqlclient.Tuple.of("%" + productId + "%")).await()) {
      reserved.add(row.getString(0));
    }
    int stock = stockInPostgres(productId);
    System.out.println("[three-hosts-it] stock " + stock + " of " + HOT_STOCK + ", " + placed.size() + " placed orders ("
      + answered201.size() + " answered 201), " + reserved.size() + " live reservations");
    assertTrue(placed.containsAll(answered201), () -> "every order answered 201 is PLACED in PostgreSQL; missing: "
      + answered201.stream().filter(id -> !placed.contains(id)).toList());
    assertEquals(placed, reserved, "a live reservation for every placed order, and none for anything else");
    assertEquals(HOT_STOCK - placed.size(), stock, "stock taken = placed orders (each of quantity 1)");
  }

  private Set<String> placedOrders(String productId) {
    Set<String> ids = new HashSet<>();
    for (Row row : postgres.pool().preparedQuery("SELECT id FROM orders WHERE status = 'PLACED' AND items LIKE $1")
      .execute(io.vertx.sqlclient.Tuple.of("%" + productId + "%")).await()) {
      ids.add(row.getString(0));
    }
    return ids;
  }

  private int stockInPostgres(String productId) {
    return postgres.pool().preparedQuery("SELECT stock FROM products WHERE id = $1").execute(io.vertx.sqlclient.Tuple.of(productId))
      .await().iterator().next().getInteger(0);
  }

  // ---- 3. the leaders' host cut off -------------------------------------------------------------------

  @Test
  @Order(3)
  void cuttingTheLeadersHostMovesTheLeadersAndTheCountsConverge() {
    assertEquals(List.of("h1"), reconcilers(2), "host 1 leads the reconciler before the cut");
    String monitorLeader = hosts.get(1).clusterNodeId().orElseThrow();
    assertEquals(monitorLeader, get(2, "/status").bodyAsJsonObject().getString("leader"), "host 1's monitor leads before the cut");

    long placedByHost1Before = placementsBy(hosts.get(1));
    long cut = bed.cut(1);
    measure("leaders' host cut -> hosts 2+3 elect a reconciler of their own",
      awaitUntil("one of hosts 2 and 3 leads the reconciler", TAKEOVER_LIMIT, cut,
        () -> nodeNames(2).equals(Set.of("h2", "h3")) && reconcilers(2).size() == 1));
    measure("leaders' host cut -> hosts 2+3 run every desired instance",
      awaitUntil("users x1, products x3, orders x3 on hosts 2 and 3", TAKEOVER_LIMIT, cut, () -> countsAre(2, DESIRED)));
    measure("leaders' host cut -> /status at host 2 comes from a monitor of hosts 2+3",
      awaitUntil("GET /status at host 2: source monitor, another leader", TAKEOVER_LIMIT, cut, () -> {
        JsonObject status = get(2, "/status").bodyAsJsonObject();
        return "monitor".equals(status.getString("source")) && !monitorLeader.equals(status.getString("leader"));
      }));
    // what operators see on this side: /status names the nodes it has and the one it lost (a manager's view)
    measure("leaders' host cut -> /status at host 2 says partitioned: sees h2, h3, lost h1",
      awaitUntil("GET /status at host 2: cluster partitioned, members h2 h3, lost h1", TAKEOVER_LIMIT, cut, () -> {
        JsonObject cluster = get(2, "/status").bodyAsJsonObject().getJsonObject("cluster");
        return cluster.getBoolean("partitioned") && names(cluster.getJsonArray("members")).equals(Set.of("h2", "h3"))
          && names(cluster.getJsonArray("lost")).equals(Set.of("h1"));
      }));
    Nodes.pause(Math.max(0, 20_000 - (System.nanoTime() - cut) / 1_000_000));

    long restored = bed.restore(1);
    measure("leaders' host restored -> one reconciler",
      awaitUntil("exactly one reconciler, seen at hosts 1 and 2", HEAL_LIMIT, restored,
        () -> nodeNames(1).equals(Set.of("h1", "h2", "h3")) && reconcilers(1).size() == 1 && reconcilers(2).equals(reconcilers(1))));
    // the merge: host 1's side joined the others' (the larger), whose reconciler leads and trims the extras
    // the extras both sides placed are removed by the remaining reconciler's next rounds (a guard, not the issue's 30 s)
    long[] steadyFrom = {0};
    awaitUntil("users x1, products x3, orders x3 in the whole cluster, for 5 s in a row", TAKEOVER_LIMIT, restored, () -> {
      steadyFrom[0] = System.nanoTime();
      return countsStayDesired(Duration.ofSeconds(5));
    });
    measure("leaders' host restored -> the instance counts are the desired ones (and stay)", Duration.ofNanos(steadyFrom[0] - restored));
    // healed: every side whole again, and the feed has what the other side said (host 1's side could not reach the
    // database while cut off: what it said is in its log only)
    awaitUntil("GET /status at hosts 1 and 2: not partitioned, three members", HEAL_LIMIT, restored, () -> List.of(1, 2).stream()
      .map(host -> get(host, "/status").bodyAsJsonObject().getJsonObject("cluster"))
      .allMatch(cluster -> !cluster.getBoolean("partitioned") && cluster.getJsonArray("members").size() == 3));
    awaitUntil("the activity feed has the partition and the merge", HEAL_LIMIT, restored, () -> {
      List<String> texts = listed(2, "/api/activity?kind=cluster&size=100").stream().map(event -> event.getString("text")).toList();
      return texts.contains("node h1 (" + bed.address(1) + ") left the cluster: no heartbeat — this side sees h2, h3")
        && texts.stream().anyMatch(text -> text.startsWith("cluster merged after a partition: "));
    });
    // host 1, alone (out of the test's reach too), usually runs its own reconciler all along: it tries to place what it
    // missed (the stateful services cannot start there: the database is on the other side of the cut), and the counts
    // above are then the merge's work too. Printed, not asserted: when both other members drop out of its Hazelcast
    // view at once, its reads of the cluster-wide maps can be held up for the whole cut and it places nothing
    long triedByHost1Alone = placementsBy(hosts.get(1)) - placedByHost1Before;
    System.out.println("[three-hosts-it] host 1's reconciler placed or tried to place " + triedByHost1Alone + " instance(s) while cut off");
    String productId = createProduct("after the leaders' cut", 5);
    assertEquals(201, purchase(2, productId, clientTokens.get(0)).await().statusCode(), "a purchase at host 2 after the heal");
  }

  /** How many instances {@code node}'s reconciler has placed or tried to place so far (its log). */
  private static long placementsBy(Node node) {
    return node.logLines().filter(line -> line.contains("\"logger_name\":\"io.micronet.node.Reconciler\"")
      && (line.contains("\"message\":\"placed ") || line.contains("\"message\":\"could not place "))).count();
  }

  private static Set<String> names(JsonArray nodes) {
    return nodes.stream().map(JsonObject.class::cast).map(node -> node.getString("name")).collect(Collectors.toSet());
  }

  /** The whole cluster's counts are the desired ones and stay so for {@code steady} (no extra left to remove). */
  private boolean countsStayDesired(Duration steady) {
    long since = System.nanoTime();
    while (System.nanoTime() - since < steady.toNanos()) {
      if (!countsAre(1, DESIRED) || !countsAre(2, DESIRED)) {
        return false;
      }
      Nodes.pause(250);
    }
    return true;
  }

  // ---- 4. a host gone for good ------------------------------------------------------------------------

  @Test
  @Order(4)
  void aHostThatVanishesForGoodHasItsInstancesPlacedOnTheOthers() {
    String node3 = hosts.get(3).clusterNodeId().orElseThrow();
    long cut = bed.cut(3); // and never restored
    measure("host 3 vanished -> its instances run on hosts 1 and 2",
      awaitUntil("2 nodes, users x1, products x3, orders x3, none on host 3", TAKEOVER_LIMIT, cut,
        () -> nodeNames(1).equals(Set.of("h1", "h2")) && countsAre(1, DESIRED)
          && instances(1).stream().noneMatch(instance -> node3.equals(instance.getString("node")))));
    String productId = createProduct("after host 3 vanished", 5);
    awaitUntil("a purchase at host 1 answers 201", TAKEOVER_LIMIT, System.nanoTime(),
      () -> purchase(1, productId, clientTokens.get(1)).await().statusCode() == 201);
    hosts.get(3).process().destroyForcibly(); // the bed's removal would, too: the test is done with it
  }

  // ---- nodes ------------------------------------------------------------------------------------------

  private void startNode(int host) {
    String name = "h" + host;
    Path dataDir = workDir.resolve("data").resolve(name);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MICRONET_NODE_NAME", name);
    env.put("MICRONET_CLUSTER_NAME", clusterName);
    env.put("MICRONET_CLUSTER_MEMBERS", bed.members());
    env.put("MICRONET_DATA_DIR", dataDir.toString());
    env.put("MICRONET_DB_URL", postgres.nodeUrl());
    env.put("MICRONET_JWT_SECRET", jwtSecret);
    env.put("MICRONET_HTTP_PORT", Integer.toString(GATEWAY_PORT));
    env.putAll(Nodes.clusterTls(certs, name));
    List<String> args = new ArrayList<>(bed.clusterArgs(host));
    args.addAll(List.of("-conf", conf.toString()));
    hosts.put(host, nodes.start(name, dataDir, env, bed.inHost(host), args));
  }

  // ---- what users see, at host K's gateway -----------------------------------------------------------

  private Future<HttpResponse<Buffer>> purchase(int host, String productId, String clientToken) {
    return purchase(host, productId, clientToken, UUID.randomUUID().toString());
  }

  /** A purchase of one unit with its Idempotency-Key (the same key again: the same purchase). */
  private Future<HttpResponse<Buffer>> purchase(int host, String productId, String clientToken, String idempotencyKey) {
    JsonObject order = new JsonObject().put("items", new JsonArray()
      .add(new JsonObject().put("productId", productId).put("quantity", 1)));
    HttpRequest<Buffer> request = http.post(GATEWAY_PORT, bed.address(host), "/api/orders")
      .bearerTokenAuthentication(clientToken).putHeader("Idempotency-Key", idempotencyKey);
    request.timeout(REQUEST_TIMEOUT_MS);
    return request.sendJsonObject(order);
  }

  private String createProduct(String name, int stock) {
    JsonObject sent = new JsonObject().put("name", name + " " + clusterName).put("description", "ThreeHostsIT")
      .put("category", "three-hosts-it").put("price", 4.5).put("stock", stock);
    HttpResponse<Buffer> created = post(1, "/api/products", managerToken, sent, null);
    if (created.statusCode() != 201) {
      created = post(2, "/api/products", managerToken, sent, null);
    }
    HttpResponse<Buffer> answer = created;
    assertEquals(201, answer.statusCode(), answer::bodyAsString);
    return answer.bodyAsJsonObject().getString("id");
  }

  private HttpResponse<Buffer> get(int host, String path) {
    HttpRequest<Buffer> request = http.get(GATEWAY_PORT, bed.address(host), path).bearerTokenAuthentication(managerToken);
    request.timeout(REQUEST_TIMEOUT_MS);
    return request.send().await();
  }

  private HttpResponse<Buffer> post(int host, String path, String token, JsonObject body, String idempotencyKey) {
    HttpRequest<Buffer> request = http.post(GATEWAY_PORT, bed.address(host), path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    if (idempotencyKey != null) {
      request.putHeader("Idempotency-Key", idempotencyKey);
    }
    request.timeout(REQUEST_TIMEOUT_MS);
    return request.sendJsonObject(body).await();
  }

  private List<JsonObject> listed(int host, String path) {
    HttpResponse<Buffer> response = get(host, path);
    if (response.statusCode() != 200) {
      return null;
    }
    return response.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast).toList();
  }

  private Set<String> nodeNames(int host) {
    List<JsonObject> items = listed(host, "/api/nodes");
    return items == null ? Set.of() : items.stream().map(node -> node.getString("name")).collect(Collectors.toSet());
  }

  /** The names of the nodes whose agent says it leads the reconciler, as host K's gateway lists them. */
  private List<String> reconcilers(int host) {
    List<JsonObject> items = listed(host, "/api/nodes");
    return items == null ? List.of("?", "?")
      : items.stream().filter(node -> node.getBoolean("reconciler", false)).map(node -> node.getString("name")).sorted().toList();
  }

  private List<JsonObject> instances(int host) {
    List<JsonObject> items = listed(host, "/api/services?size=100");
    return items == null ? List.of() : items;
  }

  /** Host K's gateway lists exactly {@code counts} instances of each of those services. */
  private boolean countsAre(int host, Map<String, Integer> counts) {
    Map<String, Long> running = instances(host).stream()
      .collect(Collectors.groupingBy(instance -> instance.getString("service"), Collectors.counting()));
    return counts.entrySet().stream().allMatch(e -> running.getOrDefault(e.getKey(), 0L) == e.getValue().longValue());
  }

  private Set<String> nodesRunning(int host, String service) {
    return instances(host).stream().filter(instance -> service.equals(instance.getString("service")))
      .map(instance -> instance.getString("node")).collect(Collectors.toSet());
  }

  private static String errorCode(HttpResponse<Buffer> response) {
    JsonObject body = Nodes.parseJson(response.bodyAsString());
    JsonObject error = body == null ? null : body.getJsonObject("error");
    return error == null ? null : error.getString("code");
  }

  private Duration awaitUntil(String description, Duration limit, long sinceNanos, BooleanSupplier condition) {
    return nodes.awaitUntil(description, limit, sinceNanos, condition);
  }

  private void measure(String what, Duration took) {
    timings.measure(what, took);
  }
}
