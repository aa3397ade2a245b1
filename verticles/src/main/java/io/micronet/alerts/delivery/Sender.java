package io.micronet.alerts.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One attempt to hand a notification to a channel, over HTTP(S), and what came of it ({@link Outcome}).
 * Outbound safety: http(s) only; the host is resolved here, every address it resolves to is checked
 * ({@link AddressPolicy}) unless private targets are allowed, and the connection goes to the checked address with
 * the name as Host header, SNI and certificate name — a name that resolves to something else a moment later (DNS
 * rebinding) changes nothing. Redirects are not followed (a 3xx is a permanent failure); connect, idle and overall
 * timeouts bound every attempt; the answer's body is not read. The URL appears in no message.
 */
class Sender {

  private final Vertx vertx;
  private final WebClient client;
  private final DeliverySettings settings;
  private final Clock clock;
  private final Resolver resolver;

  /** Name → addresses (the system resolver: /etc/hosts, then DNS), blocking: run off the event loop. */
  interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  Sender(Vertx vertx, DeliverySettings settings, Clock clock) {
    this(vertx, settings, clock, host -> List.of(InetAddress.getAllByName(host)));
  }

  Sender(Vertx vertx, DeliverySettings settings, Clock clock, Resolver resolver) {
    this.vertx = vertx;
    this.settings = settings;
    this.clock = clock;
    this.resolver = resolver;
    this.client = WebClient.create(vertx, new WebClientOptions()
      .setFollowRedirects(false)
      .setConnectTimeout((int) settings.connectTimeoutMs())
      .setIdleTimeout((int) settings.timeoutMs())
      .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
      .setForceSni(true)
      .setVerifyHost(true)
      .setUserAgent("MicroNet-Alerts"));
  }

  /** Sends {@code notification} (its stored JSON) to {@code channel}. Never fails: a failure is an {@link Outcome}. */
  Future<Outcome> send(Channel channel, JsonObject notification) {
    TargetUrl target;
    try {
      target = TargetUrl.parse(channel.url(), settings.allowPrivateTargets());
    } catch (TargetUrl.Invalid e) {
      return Future.succeededFuture(Outcome.permanent("the channel's URL is refused: it " + e.getMessage()));
    }
    return resolve(target.host())
      .compose(addresses -> {
        InetAddress chosen = null;
        for (InetAddress address : addresses) {
          String reason = settings.allowPrivateTargets() ? null : AddressPolicy.forbidden(address);
          if (reason != null) {
            return Future.succeededFuture(Outcome.permanent("refused target: " + target.host() + " resolves to " + reason
              + "; private targets are off (MICRONET_ALERT_ALLOW_PRIVATE_TARGETS)"));
          }
          if (chosen == null) {
            chosen = address;
          }
        }
        if (chosen == null) {
          return Future.succeededFuture(Outcome.transientFailure("the host name resolved to no address"));
        }
        return post(channel, target, chosen, notification);
      }, failure -> Future.succeededFuture(Outcome.transientFailure("the host name did not resolve")));
  }

  private Future<List<InetAddress>> resolve(String host) {
    InetAddress literal = TargetUrl.literal(host);
    if (literal != null) {
      return Future.succeededFuture(List.of(literal));
    }
    if (AddressPolicy.forbiddenName(host) != null && !settings.allowPrivateTargets()) {
      return Future.succeededFuture(List.of(InetAddress.getLoopbackAddress()));
    }
    return vertx.executeBlocking(() -> resolver.resolve(host), false);
  }

  private Future<Outcome> post(Channel channel, TargetUrl target, InetAddress address, JsonObject notification) {
    Buffer body = channel.kind() == Channel.Kind.SLACK ? Payloads.slack(notification)
      : Payloads.webhook(notification, Instant.now(clock));
    var request = client.request(HttpMethod.POST, target.port(), address.getHostAddress(), target.pathAndQuery())
      .ssl(target.https())
      .followRedirects(false)
      .connectTimeout(settings.connectTimeoutMs())
      .idleTimeout(settings.timeoutMs())
      .putHeader("Content-Type", "application/json")
      .putHeader(Payloads.ID_HEADER, notification.getString("id"))
      .as(BodyCodec.none());
    if (TargetUrl.literal(target.host()) == null) {
      // connect to the address checked above, speak to the name: Host header, SNI and the certificate's name
      request.virtualHost(target.host());
    }
    if (channel.kind() == Channel.Kind.WEBHOOK && channel.secret() != null && !channel.secret().isEmpty()) {
      request.putHeader(Payloads.SIGNATURE_HEADER, Payloads.signature(channel.secret(), body));
    }
    return request.sendBuffer(body)
      .timeout(settings.timeoutMs(), TimeUnit.MILLISECONDS)
      .map(Sender::classify)
      .otherwise(Sender::classifyFailure);
  }

  static Outcome classify(HttpResponse<?> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return Outcome.delivered();
    }
    if (status >= 300 && status < 400) {
      return Outcome.permanent("the receiver answered a redirect (" + status + "); redirects are not followed");
    }
    if (status == 408 || status == 429 || status >= 500) {
      return Outcome.transientFailure("the receiver answered " + status, retryAfterMs(response.getHeader("Retry-After")));
    }
    return Outcome.permanent("the receiver refused it with " + status);
  }

  static Outcome classifyFailure(Throwable failure) {
    if (failure instanceof TimeoutException || failure.getClass().getSimpleName().contains("Timeout")) {
      return Outcome.transientFailure("timed out");
    }
    if (failure instanceof ConnectException || failure.getCause() instanceof ConnectException) {
      return Outcome.transientFailure("could not connect (" + failure.getClass().getSimpleName() + ")");
    }
    if (failure instanceof javax.net.ssl.SSLException || failure.getCause() instanceof javax.net.ssl.SSLException) {
      return Outcome.transientFailure("TLS failed (" + failure.getClass().getSimpleName() + ")");
    }
    // the exception's message may name the address: only its kind is kept
    return Outcome.transientFailure("the request failed (" + failure.getClass().getSimpleName() + ")");
  }

  /** Retry-After in seconds (the HTTP-date form is ignored: the backoff applies); 0 when absent or unreadable. */
  static long retryAfterMs(String header) {
    if (header == null) {
      return 0;
    }
    try {
      long seconds = Long.parseLong(header.trim());
      return seconds <= 0 ? 0 : Math.min(seconds, 86_400L) * 1000;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  void close() {
    client.close();
  }
}
