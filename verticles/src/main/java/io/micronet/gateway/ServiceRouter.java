package io.micronet.gateway;

import io.micronet.shared.discovery.Failover;
import io.micronet.shared.discovery.UpstreamDirectory;
import io.vertx.core.Future;

/**
 * Sends a gateway request to an instance of its service, failing over once where that is safe (see
 * {@link Failover}); failures that remain become contract errors (503 at once, 504 on timeout).
 */
public class ServiceRouter {

  private final Failover failover;
  private final UpstreamClient client;
  private final boolean retryIdempotent;

  public ServiceRouter(UpstreamDirectory directory, UpstreamClient client, boolean retryIdempotent) {
    this.failover = new Failover(directory);
    this.client = client;
    this.retryIdempotent = retryIdempotent;
  }

  public Future<UpstreamReply> route(GatewayRequest request) {
    return failover.call(request.service(), retryIdempotent && request.idempotent(),
        failure -> failure instanceof UpstreamFailure, upstream -> client.call(upstream, request))
      .recover(failure -> Future.failedFuture(failure instanceof UpstreamFailure ? failure
        : Failover.toContractError(failure, request.service())));
  }
}
