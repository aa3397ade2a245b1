package io.micronet.shared.discovery;

import io.micronet.shared.security.Access;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.types.HttpEndpoint;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One instance of a service as a caller (the gateway, a service calling another) sees it: where it lives (an event-bus address, or an
 * HTTP endpoint) and the breaker that guards calls to it.
 */
public final class Upstream {

  public enum Kind { EVENT_BUS, HTTP }

  private final String service;
  private final String instanceId;
  private final String nodeId;
  private final Kind kind;
  private final JsonObject location;
  private final String version;
  private final Access access;
  private final CircuitBreaker breaker;
  private final Set<Promise<?>> inFlight = new HashSet<>();

  /** An instance reached over the event bus, at the address its record names (checked by the directory). */
  public Upstream(Record record, CircuitBreaker breaker) {
    this(record.getName(), InstanceRecords.instanceId(record), InstanceRecords.nodeId(record), Kind.EVENT_BUS,
      record.getLocation() == null ? new JsonObject() : record.getLocation().copy(),
      record.getMetadata() == null ? null : record.getMetadata().getString(InstanceRecords.VERSION), Access.ANY_ROLE, breaker);
  }

  /**
   * A plain HTTP service where the caller's own conf says it is and with the access the conf gives it: a record
   * only tells that the endpoint is announced (and by which node), never where it lives or who may call it.
   */
  public static Upstream http(HttpEndpointSpec spec, String nodeId, CircuitBreaker breaker) {
    JsonObject location = new JsonObject().put("host", spec.host()).put("port", spec.port()).put("root", spec.root());
    return new Upstream(spec.name(), spec.instanceId(), nodeId, Kind.HTTP, location, null, spec.accessRule(), breaker);
  }

  private Upstream(String service, String instanceId, String nodeId, Kind kind, JsonObject location, String version,
                   Access access, CircuitBreaker breaker) {
    this.service = service;
    this.instanceId = instanceId;
    this.nodeId = nodeId;
    this.kind = kind;
    this.location = location;
    this.version = version;
    this.access = access;
    this.breaker = breaker;
  }

  /** Whether a record is one the gateway can route to. */
  public static boolean isRoutable(Record record) {
    return InstanceRecords.EVENT_BUS_ACTIONS.equals(record.getType()) || HttpEndpoint.TYPE.equals(record.getType());
  }

  public String service() {
    return service;
  }

  public String instanceId() {
    return instanceId;
  }

  public String nodeId() {
    return nodeId;
  }

  public Kind kind() {
    return kind;
  }

  public String address() {
    return location.getString(InstanceRecords.ENDPOINT);
  }

  public String host() {
    return location.getString("host");
  }

  public int port() {
    return location.getInteger("port", 80);
  }

  public String root() {
    String root = location.getString("root", "");
    return root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  /** Who may call an HTTP service through the gateway (event-bus services: the gateway's route table). */
  public Access access() {
    return access;
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  public CircuitBreakerState breakerState() {
    return breaker.state();
  }

  /** Follows a call until it completes, so that it can be abandoned if the instance's node dies. */
  public <T> Future<T> track(Future<T> call) {
    Promise<T> promise = Promise.promise();
    inFlight.add(promise);
    call.onComplete(ar -> {
      inFlight.remove(promise);
      if (ar.succeeded()) {
        promise.tryComplete(ar.result());
      } else {
        promise.tryFail(ar.cause());
      }
    });
    return promise.future();
  }

  /** The node left the cluster: no answer will come, fail the waiting calls now instead of at their timeout. */
  public void abandonCalls() {
    List<Promise<?>> waiting = new ArrayList<>(inFlight);
    inFlight.clear();
    waiting.forEach(promise -> promise.tryFail(new InstanceGone(instanceId)));
  }

  public boolean available() {
    return breaker.state() != CircuitBreakerState.OPEN;
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("id", instanceId)
      .put("service", service)
      .put("node", nodeId)
      .put("address", kind == Kind.EVENT_BUS ? address() : "http://" + host() + ":" + port() + root())
      .put("kind", kind == Kind.EVENT_BUS ? "event-bus" : "http")
      .put("version", version)
      .put("health", available() ? "UP" : "DOWN")
      .put("breaker", breaker.state().name());
  }

  /** A call whose instance's node left the cluster before answering. */
  public static final class InstanceGone extends RuntimeException {
    InstanceGone(String instanceId) {
      super("instance " + instanceId + " left the cluster", null, false, false);
    }
  }
}
