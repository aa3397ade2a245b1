package io.micronet.gateway;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Picks an instance for a request and calls it; when that fails, tries one other instance if doing so
 * is safe (nothing reached the first one, or the request is idempotent). Failures that remain become
 * contract errors: no instance or all circuits open → 503 at once, upstream timeout → 504.
 */
public class ServiceRouter {

  private final UpstreamDirectory directory;
  private final UpstreamClient client;
  private final InstanceSelector selector = new InstanceSelector();
  private final boolean retryIdempotent;

  public ServiceRouter(UpstreamDirectory directory, UpstreamClient client, boolean retryIdempotent) {
    this.directory = directory;
    this.client = client;
    this.retryIdempotent = retryIdempotent;
  }

  public Future<UpstreamReply> route(GatewayRequest request) {
    List<Upstream> instances = directory.instances(request.service());
    Optional<Upstream> first = selector.select(instances, upstream -> false);
    if (first.isEmpty()) {
      return Future.failedFuture(unavailable(request.service(), instances.isEmpty()));
    }
    return client.call(first.get(), request).recover(failure -> {
      if (!mayRetry(failure, request)) {
        return Future.failedFuture(failure);
      }
      Upstream failed = first.get();
      // an instance that answered (a 5xx, no handler, its open circuit) is at fault alone; one that did not
      // answer at all (timeout, connection lost) may sit on a dead node with its siblings
      Predicate<Upstream> excluded = failure instanceof UpstreamFailure || notDelivered(failure)
        ? upstream -> upstream == failed
        : upstream -> upstream == failed || upstream.nodeId() != null && upstream.nodeId().equals(failed.nodeId());
      Optional<Upstream> second = selector.select(directory.instances(request.service()), excluded);
      return second.map(upstream -> client.call(upstream, request)).orElse(Future.failedFuture(failure));
    }).recover(failure -> Future.failedFuture(toContractError(failure, request.service())));
  }

  private boolean mayRetry(Throwable failure, GatewayRequest request) {
    return notDelivered(failure) || (retryIdempotent && request.idempotent());
  }

  /** The request never reached a service handler, so sending it elsewhere cannot do anything twice. */
  static boolean notDelivered(Throwable failure) {
    return failure instanceof OpenCircuitException
      || failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
  }

  static Throwable toContractError(Throwable failure, String service) {
    if (failure instanceof UpstreamFailure || failure instanceof ServiceException) {
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
    if (failure instanceof Upstream.InstanceGone) {
      return new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "the " + service + " instance handling the request left the cluster");
    }
    return new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, "the " + service + " service could not be reached");
  }

  private static ServiceException unavailable(String service, boolean noInstance) {
    return new ServiceException(ErrorCode.SERVICE_UNAVAILABLE, noInstance
      ? "no instance of the " + service + " service is running"
      : "every instance of the " + service + " service is failing (circuits open)");
  }
}
