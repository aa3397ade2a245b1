package io.micronet.gateway;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.security.Access;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.net.InetAddress;
import java.util.List;

/**
 * Who may read {@code /metrics} on the main port: a manager token, or a caller on this very host that came
 * straight in: a loopback peer that is not one of our reverse proxies and sent no forwarding header. Behind a
 * proxy on the same host every outside caller arrives from loopback, so loopback alone is not enough. And a proxy
 * that adds no forwarding header (a plain {@code proxy_pass}, a TCP proxy, an SSH tunnel) cannot be told apart
 * at all: when the management port is configured, that is where scrapers go, and the main port asks for a
 * manager token, loopback or not.
 */
final class MetricsAccess implements Handler<RoutingContext> {

  /** Headers a proxy adds: their presence says the request came from elsewhere, whatever the peer. */
  private static final List<String> FORWARDING_HEADERS = List.of(ClientAddress.FORWARDED_FOR, "Forwarded", "X-Real-IP");

  private final AccessGuard guard;
  private final ClientAddress clientAddress;
  private final boolean loopbackAllowed;

  /** @param loopbackAllowed false when a management port serves the metrics: then only a manager token here */
  MetricsAccess(AccessGuard guard, ClientAddress clientAddress, boolean loopbackAllowed) {
    this.guard = guard;
    this.clientAddress = clientAddress;
    this.loopbackAllowed = loopbackAllowed;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String authorization = ctx.request().getHeader("Authorization");
    if (authorization != null && !authorization.isBlank()) {
      guard.check(authorization, Access.MANAGER)
        .onSuccess(manager -> ctx.next())
        .onFailure(e -> HttpErrors.write(ctx, e instanceof ServiceException known ? known
          : new ServiceException(ErrorCode.UNAUTHORIZED, "the token could not be verified")));
    } else if (loopbackAllowed && cameStraightFromThisHost(ctx)) {
      ctx.next();
    } else {
      HttpErrors.write(ctx, ErrorCode.FORBIDDEN,
        loopbackAllowed ? "metrics are served to a manager token, or to a caller on this host that is not behind a proxy"
          : "metrics are served on the management port, and here to a manager token");
    }
  }

  private boolean cameStraightFromThisHost(RoutingContext ctx) {
    String peer = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().host();
    InetAddress address = ClientAddress.parse(peer);
    return address != null && address.isLoopbackAddress() && !clientAddress.isTrusted(peer)
      && FORWARDING_HEADERS.stream().noneMatch(header -> ctx.request().getHeader(header) != null);
  }
}
