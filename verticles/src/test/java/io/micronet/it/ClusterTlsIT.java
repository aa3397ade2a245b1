package io.micronet.it;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import io.micronet.it.Nodes.Node;
import io.micronet.shared.discovery.InstanceRecords;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.micronet.it.Nodes.certs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Nodes prove who they are, across hosts: node JVMs from the built jar (see {@link Nodes}), each inside its own host of
 * the test bed ({@link NetBed}: network namespaces on a bridge; the class is skipped, saying why, where none can be
 * made) announcing the host's address, members {@code host:5701}, the default ports; event-bus TLS from a cluster CA
 * that the test makes itself with {@code scripts/micronet certs} (each certificate names its host's address); and
 * "foreign" clustered Vert.x instances built inside this JVM — another host: the bridge's address — that join
 * Hazelcast (same cluster name and member list) and then send to the real users and products instances they find in
 * the discovery records. Hosts: 1 and 2 the TLS pair (A, B), 3 and 4 the plain pair, 5 the lone node of the last test.
 * The nodes that share the test PostgreSQL reach it through a relay on the bridge (it listens on loopback).
 * <ol>
 *   <li>TLS pair (A: gateway, B: users + products, sharing the test PostgreSQL): a foreign member without a
 *   certificate, and one with a certificate from another CA, get no answer, and the product they tried to create is
 *   not in the catalog;</li>
 *   <li>a member with a certificate from the cluster CA (a node of ours, or whoever stole one) is still nobody without a
 *   token: with forged identity headers it cannot create a user, change a product or reserve/release stock; with a
 *   client's token it can do what a client may and nothing else;</li>
 *   <li>a manager demotes a client-turned-manager through A (the users service on B revokes): the old token is refused
 *   within seconds at A's gateway and by B's products service;</li>
 *   <li>control, so that the first can fail: the same foreign sender against a pair started without TLS
 *   ({@code MICRONET_CLUSTER_INSECURE=true}, which a node on a network address needs for that) gets replies (an error
 *   reply counts);</li>
 *   <li>a node on a host's (non-loopback) address without TLS exits with status 2 and says what to set; with
 *   {@code MICRONET_CLUSTER_INSECURE=true} it starts, with a warning.</li>
 * </ol>
 * The time from launch to the first request routed across the two nodes is printed for TLS and plain (not asserted).
 * Node logs in {@code target/cluster-tls-it/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterTlsIT {

  private static final int TLS_A = 1;
  private static final int TLS_B = 2;
  private static final int PLAIN_A = 3;
  private static final int PLAIN_B = 4;
  private static final int LONE = 5;
  /** The gateways' HTTP port: the default (every host has its own). */
  private static final int GATEWAY_PORT = 8000;
  /** B's event-bus port (random by default), to check that it listens. */
  private static final int EVENT_BUS_PORT = 5800;
  /** Hang guards on a loaded, shared machine. */
  private static final Duration NODE_START_LIMIT = Duration.ofSeconds(90);
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  /** How long a foreign sender waits for an answer: long enough that a plain node surely answers in the control. */
  private static final long FOREIGN_SEND_TIMEOUT_MS = 10_000;
  private static final String ADMIN_PASSWORD = "tls-it-admin-" + UUID.randomUUID();

  private NetBed bed;
  private Nodes nodes;
  private Path workDir;
  private Path certs;
  private String runId;
  /** The test PostgreSQL as the hosts reach it (through the relay on the bridge), or null. */
  private String dbUrl;
  private String jwtSecret;
  private Vertx vertx;
  private WebClient http;
  private final List<Vertx> foreigners = new ArrayList<>();
  /** The node JVMs of the current test, killed after it. */
  private final List<Node> started = new ArrayList<>();
  private final Map<String, Duration> timings = new LinkedHashMap<>();
  /** The TLS pair, shared by the tests that need it (killed at the end, with every node). */
  private Pair tlsPair;
  private String tlsCluster;

  @BeforeAll
  void prepare() throws Exception {
    bed = NetBed.up(LONE); // skips the class where no bed can be made
    nodes = Nodes.create("cluster-tls-it");
    workDir = nodes.workDir();
    runId = UUID.randomUUID().toString().substring(0, 8);
    jwtSecret = Nodes.randomSecret();
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    String testDbUrl = System.getenv("MICRONET_TEST_DB_URL");
    dbUrl = testDbUrl == null || testDbUrl.isBlank() ? null : bed.reachableFromHosts(vertx, testDbUrl);

    // the certificates, made the way an operator makes them, each naming its host's address
    certs = workDir.resolve("certs");
    certs("ca", certs.toString());
    certs("node", certs.toString(), "a", bed.address(TLS_A));
    certs("node", certs.toString(), "b", bed.address(TLS_B));
    certs("node", certs.toString(), "member", bed.bridgeAddress());
    Path otherCa = workDir.resolve("other-ca");
    certs("ca", otherCa.toString());
    certs("node", otherCa.toString(), "stranger", bed.bridgeAddress());
    for (String key : List.of("ca.key", "a.key", "b.key")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve(key))),
        "mode of " + key);
    }
    System.out.println("[cluster-tls-it] run " + runId + ", node logs and certificates in " + workDir);
  }

  @AfterEach
  void stopEverything() {
    for (Vertx foreign : foreigners) {
      foreign.close().await();
    }
    foreigners.clear();
    for (Node node : started) {
      nodes.kill9(node);
    }
    started.clear();
  }

  @AfterAll
  void tearDown() throws IOException {
    Closer.closeAll(nodes, http == null ? null : http::close, vertx == null ? null : () -> vertx.close().await(), bed);
    if (!timings.isEmpty()) {
      StringBuilder report = new StringBuilder();
      timings.forEach((what, took) -> report.append(String.format("%-60s %6d ms%n", what, took.toMillis())));
      System.out.print("[cluster-tls-it] measured times:\n" + report);
      Files.writeString(workDir.resolve("timings.txt"), report.toString());
    }
  }

  // ---- 1. TLS: a member without the cluster CA's certificate exchanges nothing with the nodes ---------------

  @Test
  @Order(1)
  void foreignMembersGetNoAnswerFromTlsNodes() throws Exception {
    requireDatabase();
    String cluster = tlsCluster();
    Pair pair = tlsPair();
    assertTrue(pair.a().logLines().anyMatch(line -> line.contains("cluster event bus over TLS")), "A logs that its event bus runs TLS");
    try (Socket socket = new Socket(bed.address(TLS_B), EVENT_BUS_PORT)) {
      assertTrue(socket.isConnected(), "B's event bus listens on MICRONET_CLUSTER_EVENTBUS_PORT " + EVENT_BUS_PORT);
    }
    Vertx withoutCertificate = joinAsForeigner(cluster, bed.members(TLS_A, TLS_B), null);
    Vertx otherCa = joinAsForeigner(cluster, bed.members(TLS_A, TLS_B), new PemKeyCertOptions()
      .setKeyPath(workDir.resolve("other-ca/stranger.key").toString())
      .setCertPath(workDir.resolve("other-ca/stranger.crt").toString()));

    String productName = "tls-it stranger " + runId;
    List<Future<Message<Object>>> sends = new ArrayList<>();
    sends.addAll(forgedCalls(withoutCertificate, productName + " plain"));
    sends.addAll(forgedCalls(otherCa, productName + " other-ca"));
    Future.join(sends).otherwiseEmpty().await();
    for (Future<Message<Object>> send : sends) {
      System.out.println("[cluster-tls-it] a foreign member's call to a TLS node: " + describe(send));
      assertFalse(answered(send), () -> "a foreign member got an answer from a TLS node: " + describe(send));
    }

    // and nothing changed: the catalog (read through the gateway) has no product of that name
    HttpResponse<Buffer> search = get(pair.gateway(), "/api/products?q=" + productName.replace(' ', '+'));
    assertEquals(200, search.statusCode(), search::bodyAsString);
    assertEquals(0, search.bodyAsJsonObject().getInteger("total"), () -> "the foreigners' product must not exist: " + search.bodyAsString());
  }

  // ---- 2. a certificate is not an identity: services believe tokens only -------------------------------------

  @Test
  @Order(2)
  void aMemberWithTheClustersCertificateIsStillNobodyWithoutAToken() {
    requireDatabase();
    Pair pair = tlsPair();
    Vertx member = joinAsMember(tlsCluster());
    ServiceDiscovery discovery = ServiceDiscovery.create(member);
    String products = instanceAddress(discovery, "products");
    String users = instanceAddress(discovery, "users");
    discovery.close();
    String productName = "tls-it member " + runId;
    JsonObject product = new JsonObject().put("name", productName).put("category", "tls-it").put("price", 2.5).put("stock", 3);
    JsonObject reservation = new JsonObject().put("reservationId", "tls-it-" + runId)
      .put("items", List.of(new JsonObject().put("productId", "p-1").put("quantity", 1)));
    JsonObject mallory = new JsonObject().put("username", "mallory-" + runId).put("email", "mallory-" + runId + "@example.com")
      .put("password", "mallory-password").put("role", "manager");

    // forged identity headers, no token: nobody
    assertEquals(401, status(member, users, "create", mallory, null));
    assertEquals(401, status(member, products, "create", product, null));
    assertEquals(401, status(member, products, "reserve", reservation, null));
    assertEquals(401, status(member, products, "release", new JsonObject().put("reservationId", "tls-it-" + runId), null));
    // a client's token: what a client may, nothing else
    String client = Tokens.withSecret(vertx, jwtSecret).issue(new Caller("tls-it-client", "tls-it-client", Caller.CLIENT), 600);
    assertEquals(200, status(member, products, "list", null, client));
    assertEquals(403, status(member, users, "create", mallory, client));
    assertEquals(403, status(member, products, "create", product, client));
    assertEquals(403, status(member, products, "reserve", reservation, client));
    assertEquals(403, status(member, products, "release", new JsonObject().put("reservationId", "tls-it-" + runId), client));

    HttpResponse<Buffer> search = get(pair.gateway(), "/api/products?q=" + productName.replace(' ', '+'));
    assertEquals(0, search.bodyAsJsonObject().getInteger("total"), () -> "nothing was created: " + search.bodyAsString());
    String manager = login(pair.gateway(), "manager", ADMIN_PASSWORD);
    HttpResponse<Buffer> accounts = http.get(GATEWAY_PORT, pair.gateway(), "/api/users?q=mallory-" + runId).bearerTokenAuthentication(manager)
      .timeout(REQUEST_TIMEOUT_MS).send().await();
    assertEquals(0, accounts.bodyAsJsonObject().getInteger("total"), () -> "no account was created: " + accounts.bodyAsString());
  }

  // ---- 3. revocation crosses nodes -------------------------------------------------------------------------

  @Test
  @Order(3)
  void aDemotedManagersOldTokenIsRefusedOnTheOtherNodeWithinSeconds() {
    requireDatabase();
    Pair pair = tlsPair();
    String gateway = pair.gateway();
    String manager = login(gateway, "manager", ADMIN_PASSWORD);
    String username = "promoted-" + runId;
    HttpResponse<Buffer> registered = http.post(GATEWAY_PORT, gateway, "/api/auth/register").timeout(REQUEST_TIMEOUT_MS)
      .sendJsonObject(new JsonObject().put("username", username).put("email", username + "@example.com").put("password", "promoted-pass"))
      .await();
    assertEquals(201, registered.statusCode(), registered::bodyAsString);
    String id = registered.bodyAsJsonObject().getString("id");
    assertEquals(200, setRole(gateway, manager, id, "manager"));
    String promoted = login(gateway, username, "promoted-pass");
    assertEquals(200, usersList(gateway, promoted), "the promoted user is a manager");

    Vertx member = joinAsMember(tlsCluster());
    ServiceDiscovery discovery = ServiceDiscovery.create(member);
    String products = instanceAddress(discovery, "products");
    discovery.close();
    JsonObject product = new JsonObject().put("name", "tls-it demoted " + runId).put("category", "tls-it").put("price", 1).put("stock", 1);

    long demoted = System.nanoTime();
    assertEquals(200, setRole(gateway, manager, id, "client"));
    Duration atGateway = nodes.awaitUntil("A's gateway refuses the demoted manager's old token", Duration.ofSeconds(10), demoted,
      () -> usersList(gateway, promoted) == 401);
    measure("demotion (users on B) -> old token refused at A's gateway", atGateway);
    assertEquals(401, status(member, products, "create", product, promoted), "B's products service refuses it too");
    String again = login(gateway, username, "promoted-pass");
    assertEquals(403, usersList(gateway, again), "a new login is a client's");
  }

  // ---- 2. control: the same sender against plain nodes does get answers ------------------------------------

  @Test
  @Order(4)
  void theSameForeignSenderIsAnsweredByPlainNodes() {
    requireDatabase();
    String cluster = "plain-it-" + runId;
    // on a network address a node without TLS starts only when told it may
    startPair(cluster, "plain", PLAIN_A, PLAIN_B, Map.of("MICRONET_CLUSTER_INSECURE", "true"), Map.of(), Map.of());
    Vertx foreign = joinAsForeigner(cluster, bed.members(PLAIN_A, PLAIN_B), null);
    List<Future<Message<Object>>> sends = forgedCalls(foreign, "tls-it control " + runId);
    Future.join(sends).otherwiseEmpty().await();
    for (Future<Message<Object>> send : sends) {
      System.out.println("[cluster-tls-it] the foreign member's call to a plain node: " + describe(send));
      // a forged manager header is believed by nobody: the answer is a refusal (401), an answer all the same
      assertTrue(answered(send), () -> "without TLS the foreign member must get an answer (else this test cannot fail): " + describe(send));
    }
  }

  // ---- 3. a node on the network refuses to start without TLS, unless told it may ----------------------------

  @Test
  @Order(5)
  void aNodeOnANetworkAddressNeedsTlsOrTheInsecureOverride() throws Exception {
    String host = bed.address(LONE);
    String cluster = "net-it-" + runId;

    Node refused = startNetworkNode("refused", cluster, Map.of());
    nodes.expectExit(refused);
    assertTrue(refused.process().waitFor(NODE_START_LIMIT.toSeconds(), TimeUnit.SECONDS), "the node without TLS must exit");
    assertEquals(2, refused.process().exitValue(), () -> "exit status; log:\n" + refused.logTail());
    String log = String.join("\n", refused.logLines().toList());
    for (String expected : List.of("MICRONET_CLUSTER_TLS_KEY", "MICRONET_CLUSTER_TLS_CERT", "MICRONET_CLUSTER_TLS_CA", "MICRONET_CLUSTER_INSECURE=true", host)) {
      assertTrue(log.contains(expected), () -> "the refusal must name " + expected + "; log:\n" + log);
    }
    assertFalse(log.contains("node started"), "nothing started");

    Node insecure = startNetworkNode("insecure", cluster, Map.of("MICRONET_CLUSTER_INSECURE", "true"));
    nodes.awaitUntil("the insecure node on " + host + " starts", NODE_START_LIMIT, insecure.startedNanos(), () -> insecure.clusterNodeId().isPresent());
    assertTrue(insecure.logLines().anyMatch(line -> line.contains("\"WARN\"") && line.contains("WITHOUT TLS")),
      () -> "the insecure node must warn; log:\n" + insecure.logTail());
  }

  // ---- nodes -----------------------------------------------------------------------------------------------

  /** The two nodes and the address of A's gateway (its host's). */
  record Pair(Node a, Node b, String gateway) {
  }

  /**
   * A (gateway, on host {@code hostA}) and B (users + products, on host {@code hostB}) launched together; returns once a
   * product search through A is answered by B's products instance, and records that time from the launch.
   */
  private Pair startPair(String cluster, String label, int hostA, int hostB, Map<String, String> common,
                         Map<String, String> onlyA, Map<String, String> onlyB) {
    String members = bed.members(hostA, hostB);
    String gateway = bed.address(hostA);
    Map<String, String> envA = env(cluster, members, label + "-a", "gateway", common);
    envA.putAll(onlyA);
    Map<String, String> envB = env(cluster, members, label + "-b", "users,products", common);
    envB.putAll(onlyB);
    Node a = start(label + "-a", hostA, envA);
    Node b = start(label + "-b", hostB, envB);
    Duration routable = nodes.awaitUntil(label + ": a product search through A is answered by B", NODE_START_LIMIT, a.startedNanos(),
      () -> get(gateway, "/api/products?q=warm-up").statusCode() == 200);
    measure(label + ": launch of A and B -> first request routed across them", routable);
    nodes.awaitUntil(label + ": A sees the users instance", NODE_START_LIMIT, a.startedNanos(), () -> {
      JsonObject users = get(gateway, "/status").bodyAsJsonObject().getJsonObject("services").getJsonObject("users");
      return users != null && users.getInteger("instances", 0) >= 1;
    });
    return new Pair(a, b, gateway);
  }

  private Map<String, String> env(String cluster, String members, String name, String verticles, Map<String, String> common) {
    Map<String, String> env = new LinkedHashMap<>(common);
    env.put("MICRONET_VERTICLES", verticles);
    env.put("MICRONET_CLUSTER_NAME", cluster);
    env.put("MICRONET_CLUSTER_MEMBERS", members);
    env.put("MICRONET_DATA_DIR", workDir.resolve(name).resolve("data").toString());
    env.put("MICRONET_JWT_SECRET", jwtSecret);
    if (dbUrl != null) {
      env.put("MICRONET_DB_URL", dbUrl);
    }
    return env;
  }

  /** A gateway node alone on host {@code LONE}, without the TLS files unless {@code extra} has them. */
  private Node startNetworkNode(String name, String cluster, Map<String, String> extra) {
    Map<String, String> env = env(cluster, bed.members(LONE), name, "gateway", extra);
    env.remove("MICRONET_DB_URL");
    return start(name, LONE, env);
  }

  private Node start(String name, int host, Map<String, String> env) {
    Node node = nodes.startOnHost(bed, host, name, workDir.resolve(name), env);
    started.add(node);
    return node;
  }

  // ---- the TLS pair, and a member of our own ------------------------------------------------------------------

  private String tlsCluster() {
    if (tlsCluster == null) {
      tlsCluster = "tls-it-" + runId;
    }
    return tlsCluster;
  }

  /** A (gateway) and B (users + products) with event-bus TLS, started once for the tests that need them. */
  private Pair tlsPair() {
    if (tlsPair == null) {
      tlsPair = startPair(tlsCluster(), "tls", TLS_A, TLS_B, Map.of(
          "MICRONET_CLUSTER_TLS_CA", certs.resolve("ca.crt").toString(),
          "MICRONET_ADMIN_PASSWORD", ADMIN_PASSWORD),
        Map.of("MICRONET_CLUSTER_TLS_KEY", certs.resolve("a.key").toString(), "MICRONET_CLUSTER_TLS_CERT", certs.resolve("a.crt").toString()),
        Map.of("MICRONET_CLUSTER_TLS_KEY", certs.resolve("b.key").toString(), "MICRONET_CLUSTER_TLS_CERT", certs.resolve("b.crt").toString(),
          "MICRONET_CLUSTER_EVENTBUS_PORT", Integer.toString(EVENT_BUS_PORT)));
      started.remove(tlsPair.a());
      started.remove(tlsPair.b());
    }
    return tlsPair;
  }

  /** A clustered Vert.x in this JVM with a certificate from the cluster CA, configured exactly as a node (of the TLS pair's cluster). */
  private Vertx joinAsMember(String cluster) {
    EventBusOptions eventBus = new EventBusOptions().setHost(bed.bridgeAddress()).setSsl(true)
      .setKeyCertOptions(new PemKeyCertOptions().setKeyPath(certs.resolve("member.key").toString())
        .setCertPath(certs.resolve("member.crt").toString()))
      .setTrustOptions(new PemTrustOptions().addCertPath(certs.resolve("ca.crt").toString()))
      .setClientAuth(ClientAuth.REQUIRED).setTrustAll(false);
    return join(cluster, bed.members(TLS_A, TLS_B), eventBus, "member with the cluster CA's certificate");
  }

  /** A direct request from {@code from} with forged identity headers (and the token, if any): 200, or the failure code. */
  private static int status(Vertx from, String address, String action, JsonObject body, String token) {
    DeliveryOptions options = forged(action);
    if (token != null) {
      options.addHeader(Envelope.AUTHORIZATION, "Bearer " + token);
    }
    Future<Message<Object>> reply = from.eventBus().request(address, envelope(body), options);
    reply.otherwiseEmpty().await();
    if (reply.succeeded()) {
      return 200;
    }
    assertTrue(answered(reply), () -> "a member with the cluster's certificate is answered: " + describe(reply));
    return ((ReplyException) reply.cause()).failureCode();
  }

  private String login(String gateway, String username, String password) {
    HttpResponse<Buffer> login = http.post(GATEWAY_PORT, gateway, "/api/auth/login").timeout(REQUEST_TIMEOUT_MS)
      .sendJsonObject(new JsonObject().put("username", username).put("password", password)).await();
    assertEquals(200, login.statusCode(), login::bodyAsString);
    return login.bodyAsJsonObject().getString("token");
  }

  private int setRole(String gateway, String token, String userId, String role) {
    return http.put(GATEWAY_PORT, gateway, "/api/users/" + userId).bearerTokenAuthentication(token).timeout(REQUEST_TIMEOUT_MS)
      .sendJsonObject(new JsonObject().put("role", role)).await().statusCode();
  }

  private int usersList(String gateway, String token) {
    return http.get(GATEWAY_PORT, gateway, "/api/users").bearerTokenAuthentication(token).timeout(REQUEST_TIMEOUT_MS).send().await().statusCode();
  }

  // ---- the foreign member --------------------------------------------------------------------------------

  /**
   * A clustered Vert.x in this JVM that joins the nodes' Hazelcast like a node would (conf/cluster.xml, same name,
   * same member list) — with no event-bus certificate at all, or with {@code certificate} from another CA and
   * trusting every server (the worst stranger: it would accept any node's reply).
   */
  private Vertx joinAsForeigner(String cluster, String members, PemKeyCertOptions certificate) {
    EventBusOptions eventBus = new EventBusOptions().setHost(bed.bridgeAddress());
    if (certificate != null) {
      eventBus.setSsl(true).setKeyCertOptions(certificate).setTrustAll(true);
    }
    return join(cluster, members, eventBus, "foreign member " + (certificate == null ? "without certificate" : "with another CA's certificate"));
  }

  /**
   * Joins the nodes' Hazelcast like a node would (conf/cluster.xml, same name, same member list), with {@code eventBus},
   * from this JVM's namespace: at the bridge's address, a host of the bed of its own.
   */
  private Vertx join(String cluster, String members, EventBusOptions eventBus, String who) {
    Config hazelcast = new ClasspathXmlConfig("conf/cluster.xml");
    hazelcast.setClusterName(cluster);
    hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(List.of(members.split(",")));
    hazelcast.setProperty("hazelcast.local.localAddress", bed.bridgeAddress());
    long started = System.nanoTime();
    Vertx joined = Vertx.builder()
      .with(new VertxOptions().setEventBusOptions(eventBus))
      .withClusterManager(new HazelcastClusterManager(hazelcast))
      .buildClustered().await();
    foreigners.add(joined);
    measure(who + " joined " + cluster, Nodes.elapsedSince(started));
    return joined;
  }

  /**
   * What a stranger on the bus tries: create a product (with a forged manager header) and list the users, sent to
   * the instance addresses it reads from the cluster-wide discovery records.
   */
  private List<Future<Message<Object>>> forgedCalls(Vertx foreign, String productName) {
    ServiceDiscovery discovery = ServiceDiscovery.create(foreign);
    try {
      String products = instanceAddress(discovery, "products");
      String users = instanceAddress(discovery, "users");
      JsonObject product = new JsonObject().put("name", productName).put("description", "sent by a foreign cluster member")
        .put("category", "tls-it").put("price", 1.23).put("stock", 5);
      return List.of(
        foreign.eventBus().request(products, envelope(product), forged("create")),
        foreign.eventBus().request(users, envelope(null), forged("list")));
    } finally {
      discovery.close();
    }
  }

  private String instanceAddress(ServiceDiscovery discovery, String service) {
    List<Record> found = Collections.synchronizedList(new ArrayList<>());
    nodes.awaitUntil("the foreign member reads a " + service + " record from the cluster map", Duration.ofSeconds(30), System.nanoTime(), () -> {
      found.clear();
      found.addAll(discovery.getRecords(r -> service.equals(r.getName()) && InstanceRecords.EVENT_BUS_ACTIONS.equals(r.getType())).await());
      return !found.isEmpty();
    });
    return found.get(0).getLocation().getString(InstanceRecords.ENDPOINT);
  }

  private static JsonObject envelope(JsonObject body) {
    JsonObject envelope = new JsonObject().put(Envelope.PARAMS, new JsonObject()).put(Envelope.QUERY, new JsonObject());
    return body == null ? envelope : envelope.put(Envelope.BODY, body);
  }

  private static DeliveryOptions forged(String action) {
    return new DeliveryOptions().setSendTimeout(FOREIGN_SEND_TIMEOUT_MS)
      .addHeader(Envelope.ACTION, action)
      .addHeader("x-caller-id", "stranger")
      .addHeader("x-caller-role", "manager")
      .addHeader(Envelope.REQUEST_ID, "tls-it-" + UUID.randomUUID());
  }

  /** A reply, or a failure the service itself sent back (a refusal is an answer too); not a timeout or "no handler". */
  private static boolean answered(Future<Message<Object>> send) {
    if (send.succeeded()) {
      return true;
    }
    return send.cause() instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE;
  }

  private static String describe(Future<Message<Object>> send) {
    if (send.succeeded()) {
      return "reply " + send.result().body();
    }
    return send.cause() instanceof ReplyException reply
      ? reply.failureType() + " " + reply.failureCode() + " " + reply.getMessage()
      : String.valueOf(send.cause());
  }

  // ---- small helpers ---------------------------------------------------------------------------------------

  private void requireDatabase() {
    assumeTrue(dbUrl != null && !dbUrl.isBlank(),
      "MICRONET_TEST_DB_URL is not set: the TLS cluster test shares a PostgreSQL between its nodes (scripts/test starts one)");
  }

  private HttpResponse<Buffer> get(String gateway, String path) {
    return http.get(GATEWAY_PORT, gateway, path).timeout(REQUEST_TIMEOUT_MS).send().await();
  }

  private void measure(String what, Duration took) {
    timings.put(what, took);
    System.out.printf("[cluster-tls-it] %s: %d ms%n", what, took.toMillis());
  }
}
