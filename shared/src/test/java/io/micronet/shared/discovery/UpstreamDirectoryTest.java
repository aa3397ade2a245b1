package io.micronet.shared.discovery;

import io.micronet.shared.resilience.BreakerPolicy;
import io.micronet.shared.security.Access;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.servicediscovery.ServiceDiscoveryOptions;
import io.vertx.servicediscovery.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The view believes records only as far as it can check them: forged addresses, unlisted HTTP endpoints and
 * DOWN announcements for instances still registered change nothing, and the view stays bounded.
 * Everything touching the directory runs on one context, as in a verticle.
 */
@ExtendWith(VertxExtension.class)
class UpstreamDirectoryTest {

  private Vertx vertx;
  private Context context;
  private ServiceDiscovery discovery;
  private UpstreamDirectory directory;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.discovery = ServiceDiscovery.create(vertx);
  }

  @AfterEach
  void stop() {
    if (directory != null) {
      on(() -> directory.stop()).await();
    }
    discovery.close();
  }

  @Test
  void aRecordPointingOutsideItsServicesAddressSpaceIsIgnored() {
    startDirectory(64, List.of());
    publish(InstanceRecords.eventBusInstance("products", "good", "node-1", InstanceRecords.address("products", "good"), "t"));
    // another service's address, a Vert.x internal one, a crafted id, no owner node
    publish(InstanceRecords.eventBusInstance("products", "steal", "node-1", InstanceRecords.address("users", "u1"), "t"));
    publish(InstanceRecords.eventBusInstance("products", "internal", "node-1", "__vertx.ha", "t"));
    publish(InstanceRecords.eventBusInstance("products", "x.y", "node-1", InstanceRecords.address("products", "x.y"), "t"));
    publish(InstanceRecords.eventBusInstance("products", "orphan", null, InstanceRecords.address("products", "orphan"), "t"));
    publish(InstanceRecords.eventBusInstance("Products!", "p", "node-1", InstanceRecords.address("Products!", "p"), "t"));
    on(() -> directory.refresh()).await();

    assertEquals(List.of("good"), ids("products"));
    assertEquals(1, on(() -> Future.succeededFuture(directory.all().size())).await());
  }

  @Test
  void aDownAnnouncementForAnInstanceStillRegisteredDoesNotRemoveIt() {
    startDirectory(64, List.of());
    Record live = publish(InstanceRecords.eventBusInstance("products", "live", "node-1",
      InstanceRecords.address("products", "live"), "t"));
    awaitIds("products", ids -> ids.contains("live"));

    // another node (or anyone on the bus) says it is down; the registry still holds it
    vertx.eventBus().publish(ServiceDiscoveryOptions.DEFAULT_ANNOUNCE_ADDRESS, new Record(live.toJson()).setStatus(Status.DOWN).toJson());
    vertx.eventBus().publish(ServiceDiscoveryOptions.DEFAULT_ANNOUNCE_ADDRESS,
      new Record(live.toJson()).setStatus(Status.OUT_OF_SERVICE).toJson());
    // announcements are handled in order: once this later one (of another service, so no re-read of products
    // could put back what a believed DOWN took away) shows, the forged ones were handled
    publish(InstanceRecords.eventBusInstance("users", "later", "node-2", InstanceRecords.address("users", "later"), "t"));
    awaitIds("users", ids -> ids.contains("later"));
    assertEquals(List.of("live"), ids("products"), "the forged DOWN removed nothing");

    // the real unpublish (record gone from the registry) removes it, through its announcement alone
    discovery.unpublish(live.getRegistration()).await();
    awaitIds("products", List::isEmpty);
    assertEquals(List.of("later"), ids("users"));
  }

  @Test
  void aForgedUpAnnouncementOfARecordThatIsNotRegisteredAddsNothing() {
    startDirectory(64, List.of());
    Record ghost = InstanceRecords.eventBusInstance("products", "ghost", "node-1", InstanceRecords.address("products", "ghost"), "t")
      .setStatus(Status.UP).setRegistration("not-registered");
    vertx.eventBus().publish(ServiceDiscoveryOptions.DEFAULT_ANNOUNCE_ADDRESS, ghost.toJson());
    publish(InstanceRecords.eventBusInstance("products", "real", "node-1", InstanceRecords.address("products", "real"), "t"));
    awaitIds("products", ids -> ids.contains("real"));
    assertEquals(List.of("real"), ids("products"));
  }

  @Test
  void theInstancesOfOneServiceAndTheirBreakersAndGaugesAreBounded() {
    startDirectory(3, List.of());
    for (int i = 0; i < 6; i++) {
      publish(InstanceRecords.eventBusInstance("products", "p" + i, "node-1", InstanceRecords.address("products", "p" + i), "t"));
    }
    publish(InstanceRecords.eventBusInstance("users", "u0", "node-1", InstanceRecords.address("users", "u0"), "t"));
    on(() -> directory.refresh()).await();

    assertEquals(3, ids("products").size(), ids("products").toString());
    assertEquals(List.of("u0"), ids("users"), "the bound is per service");
    assertEquals(4, registry.find("micronet_breaker_state").gauges().size());

    // one goes: an ignored one takes its place, still within the bound
    String first = ids("products").get(0);
    Record gone = on(() -> discovery.getRecord(r -> first.equals(InstanceRecords.instanceId(r)))).await();
    discovery.unpublish(gone.getRegistration()).await();
    on(() -> directory.refresh()).await();
    assertEquals(3, ids("products").size());
    assertTrue(!ids("products").contains(first));
    assertEquals(4, registry.find("micronet_breaker_state").gauges().size());
  }

  @Test
  void anHttpEndpointIsFrontedOnlyWhenListedAndAsTheListSays() {
    HttpEndpointSpec listed = new HttpEndpointSpec("legacy", "127.0.0.1", 8080, "/v1", "manager");
    startDirectory(64, List.of(listed));
    // the listed endpoint, announced (twice, by two nodes) with a root and access of the announcer's choosing
    publish(InstanceRecords.httpInstance("legacy", "a", "node-1", "127.0.0.1", 8080, "/admin", "public"));
    publish(InstanceRecords.httpInstance("legacy", "b", "node-2", "127.0.0.1", 8080, "/", "public"));
    // the same name elsewhere, and a name nobody listed
    publish(InstanceRecords.httpInstance("legacy", "c", "node-1", "169.254.169.254", 80, "/", "public"));
    publish(InstanceRecords.httpInstance("metadata", "d", "node-1", "127.0.0.1", 8080, "/", "public"));
    on(() -> directory.refresh()).await();

    List<Upstream> legacy = on(() -> Future.succeededFuture(directory.instances("legacy"))).await();
    assertEquals(1, legacy.size(), "one instance per listed endpoint");
    Upstream upstream = legacy.get(0);
    assertEquals("127.0.0.1", upstream.host());
    assertEquals(8080, upstream.port());
    assertEquals("/v1", upstream.root());
    assertEquals(Access.MANAGER, upstream.access());
    assertEquals(List.of(), ids("metadata"));
  }

  @Test
  void anEndpointListIsValidatedOnce() {
    JsonObject good = new JsonObject().put("name", "legacy").put("host", "10.0.0.7").put("port", 8080).put("root", "/v1");
    assertEquals(List.of(new HttpEndpointSpec("legacy", "10.0.0.7", 8080, "/v1", "any")),
      HttpEndpointSpec.parse(new JsonArray().add(good), "gateway.httpEndpoints", Set.of()));
    for (JsonObject bad : List.of(good.copy().put("name", "Legacy"), good.copy().put("port", 0), good.copy().put("port", "80"),
      good.copy().put("root", "v1"), good.copy().put("access", "root"), good.copy().putNull("host"), good.copy().put("host", " "),
      good.copy().put("name", "users"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HttpEndpointSpec.parse(new JsonArray().add(bad), "gateway.httpEndpoints", Set.of("users")), bad.encode());
      assertTrue(e.getMessage().startsWith("gateway.httpEndpoints[0]: "), e.getMessage());
    }
  }

  @Test
  void namesNoOneCallsAddNothingHoweverManyAreInvented() {
    startDirectory(64, List.of());
    for (int i = 0; i < 300; i++) {
      String service = "invented-" + i;
      publish(InstanceRecords.eventBusInstance(service, "x" + i, "node-1", InstanceRecords.address(service, "x" + i), "t"));
    }
    publish(InstanceRecords.eventBusInstance("products", "real", "node-1", InstanceRecords.address("products", "real"), "t"));
    on(directory::refresh).await();
    assertEquals(List.of("real"), on(() -> Future.succeededFuture(directory.all().stream().map(Upstream::instanceId).toList())).await(),
      "only the instance of a service this caller calls");
    assertEquals(1, registry.find("micronet_breaker_state").gauges().size(), "one breaker gauge");
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void startDirectory(int max, List<HttpEndpointSpec> endpoints) {
    directory = on(() -> Future.succeededFuture(new UpstreamDirectory(vertx, discovery, new BreakerPolicy(3, 1000, 60_000),
      registry, "test", Set.of("products", "users", "legacy", "metadata", "Products!")).httpEndpoints(endpoints).maxInstancesPerService(max))).await();
    // no periodic re-read during a test: what changes the view is what the test does
    on(() -> directory.start(TimeUnit.HOURS.toMillis(1))).await();
  }

  private Record publish(Record record) {
    return discovery.publish(record).await();
  }

  private List<String> ids(String service) {
    return on(() -> Future.succeededFuture(directory.instances(service).stream().map(Upstream::instanceId).toList())).await();
  }

  /** Waits (bounded, no timing asserted) until the view of a service satisfies {@code condition}. */
  private void awaitIds(String service, Predicate<List<String>> condition) {
    for (int i = 0; i < 500; i++) {
      if (condition.test(ids(service))) {
        return;
      }
      sleep(10);
    }
    fail("view of " + service + " never got there: " + ids(service));
  }

  /** Runs on the directory's context, as a verticle would. */
  private <T> Future<T> on(Callable<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.call().onComplete(promise);
      } catch (Exception e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
