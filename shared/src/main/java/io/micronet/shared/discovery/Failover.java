package io.micronet.shared.discovery;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.Replies;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How every caller (the gateway, a service calling another) reaches a service: pick an instance, call it;
 * when that fails, try one other instance if doing so is safe (nothing reached the first one, or the call
 * may be repeated). No instance, or every circuit open, fails at once with 503.
 */
public final class Failover {

  private final UpstreamDirectory directory;
  private final InstanceSelector selector = new InstanceSelector();

  public Failover(UpstreamDirectory directory) {
    this.directory = directory;
  }

  /**
   * @param repeatable        the call does nothing twice when sent twice (a read, a keyed write)
   * @param answeredByInstance the failure is the instance's own answer (a 5xx): only that instance is at fault
   */
  public <T> Future<T> call(String service, boolean repeatable, Predicate<Throwable> answeredByInstance,
                            Function<Upstream, Future<T>> attempt) {
    List<Upstream> instances = directory.instances(service);
    Optional<Upstream> first = selector.select(instances, upstream -> false);
    if (first.isEmpty()) {
      return Future.failedFuture(unavailable(service, instances.isEmpty()));
    }
    return attempt.apply(first.get()).recover(failure -> {
      if (Replies.isRefusal(failure) || !notDelivered(failure) && !repeatable) {
        return Future.failedFuture(failure);
      }
      Upstream failed = first.get();
      // an instance that answered (a 5xx, no handler, its open circuit) is at fault alone; one that did not
      // answer at all (timeout, connection lost) may sit on a dead node with its siblings
      Predicate<Upstream> excluded = answeredByInstance.test(failure) || notDelivered(failure)
        ? upstream -> upstream == failed
        : upstream -> upstream == failed || upstream.nodeId() != null && upstream.nodeId().equals(failed.nodeId());
      Optional<Upstream> second = selector.selectForRetry(directory.instances(service), excluded);
      return second.map(attempt).orElse(Future.failedFuture(failure));
    });
  }

  /** The request never reached a service handler, so sending it elsewhere cannot do anything twice. */
  public static boolean notDelivered(Throwable failure) {
    return failure instanceof OpenCircuitException
      || failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
  }

  /** A transport failure as the contract's error: timeout → 504, anything else unreachable → 503. */
  public static Throwable toContractError(Throwable failure, String service) {
    if (failure instanceof ServiceException) {
      return failure;
    }
    if (failure instanceof TimeoutException
      || failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT
      || failure instanceof java.util.concurrent.TimeoutException) {
      return new ServiceException(ErrorCode.UPSTREAM_TIMEOUT, "the " + service + " service did not answer in time");
    }
    if (failure instanceof OpenCircuitException) {
      return unavailable(service, false);
    }
    if (notDelivered(failure)) {
      return new NotSent(service + " has no instance to take the request");
    }
    if (failure instanceof Upstream.InstanceGone) {
      return new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "the " + service + " instance handling the request left the cluster");
    }
    return new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "the " + service + " service could not be reached");
  }

  private static ServiceException unavailable(String service, boolean noInstance) {
    return new NotSent(noInstance
      ? "no instance of the " + service + " service is running"
      : "every instance of the " + service + " service is failing (circuits open)");
  }

  /** 503 for a request no instance ever received: whatever it asked for certainly did not happen. */
  public static final class NotSent extends ServiceException {
    NotSent(String message) {
      super(ErrorCode.SERVICE_UNAVAILABLE, message);
    }
  }
}
