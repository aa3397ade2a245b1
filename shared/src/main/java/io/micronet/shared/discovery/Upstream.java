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

  public Upstream(Record record, CircuitBreaker breaker) {
    this.service = record.getName();
    this.instanceId = InstanceRecords.instanceId(record);
    this.nodeId = InstanceRecords.nodeId(record);
    this.kind = HttpEndpoint.TYPE.equals(record.getType()) ? Kind.HTTP : Kind.EVENT_BUS;
    this.location = record.getLocation() == null ? new JsonObject() : record.getLocation().copy();
    JsonObject metadata = record.getMetadata() == null ? new JsonObject() : record.getMetadata();
    this.version = metadata.getString(InstanceRecords.VERSION);
    this.access = switch (metadata.getString(InstanceRecords.ACCESS, "any")) {
      case "public" -> Access.PUBLIC;
      case "manager" -> Access.MANAGER;
      default -> Access.ANY_ROLE;
    };
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
