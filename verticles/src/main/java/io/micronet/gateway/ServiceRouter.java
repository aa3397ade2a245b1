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
  private final GatewayFigures figures;

  public ServiceRouter(UpstreamDirectory directory, UpstreamClient client, boolean retryIdempotent) {
    this(directory, client, retryIdempotent, null);
  }

  /** {@code figures}: where calls that reach no instance are recorded (null: nowhere; attempts are the client's to record). */
  ServiceRouter(UpstreamDirectory directory, UpstreamClient client, boolean retryIdempotent, GatewayFigures figures) {
    this.failover = new Failover(directory);
    this.client = client;
    this.retryIdempotent = retryIdempotent;
    this.figures = figures;
  }

  public Future<UpstreamReply> route(GatewayRequest request) {
    long started = System.nanoTime();
    return failover.call(request.service(), retryIdempotent && request.idempotent(),
        failure -> failure instanceof UpstreamFailure, upstream -> client.call(upstream, request))
      .recover(failure -> {
        if (failure instanceof Failover.NotSent && figures != null) {
          // no instance took it (none running, every circuit open before any attempt): the service's own figure
          figures.unrouted(request.service(), System.nanoTime() - started, ((Failover.NotSent) failure).code().httpStatus());
        }
        return Future.failedFuture(failure instanceof UpstreamFailure ? failure : Failover.toContractError(failure, request.service()));
      });
  }
}
