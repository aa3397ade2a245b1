package io.micronet.shared.service;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.discovery.Failover;
import io.micronet.shared.discovery.MembershipWatch;
import io.micronet.shared.discovery.Upstream;
import io.micronet.shared.discovery.UpstreamDirectory;
import io.micronet.shared.messaging.CallContext;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.messaging.Replies;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.resilience.BreakerPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.ServiceDiscovery;

import java.util.Set;

/**
 * How a service calls another service's actions: an instance from its own discovery view, through its own
 * breaker for that instance, failing over once where safe ({@link Failover}). Calls carry this instance's own
 * service identity ({@link ServiceIdentity}: the callee's internal actions accept nothing else) and the request id
 * of the request being served. An error the other service answers comes back as the same
 * {@link ServiceException}; only what {@link Replies} calls an instance failure counts against a breaker.
 */
public class ServiceClient {

  /** Below this much of the caller's time left, a call is not even tried. */
  static final long MIN_ATTEMPT_MS = 100;

  private final Vertx vertx;
  private final UpstreamDirectory directory;
  private final Failover failover;
  private final long timeoutMs;
  private final long refreshMs;
  private final ServiceIdentity identity;
  private MembershipWatch membership;

  /**
   * A client of {@code services} (the ones this service calls), with breakers named after {@code caller}, the
   * calling instance, whose service token {@code identity} provides.
   */
  public ServiceClient(Vertx vertx, ServiceDiscovery discovery, MicronetConfig config, MeterRegistry registry, String caller,
                       Set<String> services, ServiceIdentity identity) {
    this.vertx = vertx;
    this.identity = identity;
    BreakerPolicy policy = BreakerPolicy.from(config.section("breaker"));
    this.directory = new UpstreamDirectory(vertx, discovery, policy, registry, caller, services).quiet()
      .maxInstancesPerService(config.maxInstancesPerService());
    this.failover = new Failover(directory);
    this.timeoutMs = policy.callTimeoutMs();
    this.refreshMs = config.section("discovery").getLong("refreshSeconds", 5L) * 1000;
  }

  public Future<Void> start() {
    membership = MembershipWatch.onNodeLeft(vertx, directory::nodeLeft);
    return directory.start(refreshMs);
  }

  public Future<Void> stop() {
    if (membership != null) {
      membership.cancel();
    }
    return directory.stop();
  }

  /**
   * Sends {@code action} with {@code body} to an instance of {@code service} on behalf of {@code origin}.
   *
   * @param repeatable the action does nothing twice when received twice, so a failed call may be tried elsewhere
   */
  public Future<Object> request(String service, String action, JsonObject body, ServiceRequest origin, boolean repeatable) {
    return call(service, action, Envelope.body(new JsonObject(), new JsonObject(), body), origin, null, repeatable);
  }

  /** As {@link #request(String, String, JsonObject, ServiceRequest, boolean)}, with path parameters and a query. */
  public Future<Object> request(String service, String action, JsonObject params, JsonObject query, Object body, ServiceRequest origin,
                                boolean repeatable) {
    return call(service, action, Envelope.body(params, query, body), origin, null, repeatable);
  }

  /**
   * Sends {@code action} as the user whose own {@code token} it carries, not as this service: the other service applies
   * its own rules to that user (ChatOps runs the platform's actions for whoever typed the command).
   */
  public Future<Object> requestAs(String token, String service, String action, JsonObject params, JsonObject query, Object body,
                                  ServiceRequest origin, boolean repeatable) {
    if (token == null || token.isBlank()) {
      // never fall back to this service's own identity: that would run the action with more rights than the user has
      throw new IllegalArgumentException("a call on a user's behalf needs that user's token");
    }
    return call(service, action, Envelope.body(params, query, body), origin, token, repeatable);
  }

  private Future<Object> call(String service, String action, JsonObject envelope, ServiceRequest origin, String userToken,
                              boolean repeatable) {
    return failover.<Object>call(service, repeatable, failure -> failure instanceof ServiceException,
        upstream -> origin.remainingMillis(timeoutMs) < MIN_ATTEMPT_MS
          // too little time left to be answered: trying would only fail, and count against a healthy instance
          ? Future.failedFuture(new ServiceException(ErrorCode.UPSTREAM_TIMEOUT, "the " + service + " service did not answer in time"))
          : attempt(upstream, envelope, options(action, origin, userToken)))
      .recover(failure -> Future.failedFuture(Failover.toContractError(failure, service)));
  }

  /** Per attempt: a retry gets what is left of the caller's time, not a fresh budget. */
  private DeliveryOptions options(String action, ServiceRequest origin, String userToken) {
    return Envelope.options(action, new CallContext(origin.requestId(), userToken == null ? identity.token() : userToken, null, null),
      origin.remainingMillis(timeoutMs));
  }

  private Future<Object> attempt(Upstream upstream, JsonObject envelope, DeliveryOptions options) {
    return upstream.breaker().<Outcome>execute(promise -> upstream.track(
          vertx.eventBus().request(upstream.address(), envelope, options))
        .<Outcome>transform(ar -> ar.succeeded() ? Future.succeededFuture(new Outcome(json(ar.result().body()), null)) : answered(ar.cause()))
        .onComplete(promise))
      .compose(outcome -> outcome.error() == null ? Future.succeededFuture(outcome.body()) : Future.failedFuture(outcome.error()));
  }

  /** Services reply with encoded JSON (see ActionDispatcher): decoded here for the calling service's logic. */
  private static Object json(Object body) {
    return body instanceof Buffer encoded ? Json.decodeValue(encoded) : body;
  }

  /**
   * A client error the instance answered is a result for the breaker, and so is its 503/504 (trouble with what
   * it depends on, or a caller out of time: the instance itself works); its other server errors are failures.
   */
  private static Future<Outcome> answered(Throwable cause) {
    if (Replies.isAnswer(cause)) {
      ReplyException reply = (ReplyException) cause;
      ServiceException error = ServiceException.fromReply(reply.failureCode(), reply.getMessage());
      return Replies.instanceFailed(error.code().httpStatus()) ? Future.failedFuture(error)
        : Future.succeededFuture(new Outcome(null, error));
    }
    return Future.failedFuture(cause);
  }

  private record Outcome(Object body, ServiceException error) {
  }
}
