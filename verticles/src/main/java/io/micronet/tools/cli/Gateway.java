package io.micronet.tools.cli;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * The gateway's REST API over {@link HttpClient}, blocking (a command line may wait). Knows nothing of tokens'
 * origin: it sends the one it is given. A gateway that cannot be reached is a {@link CliFailure} with
 * {@link ExitCodes#UNREACHABLE} and a sentence saying why.
 */
final class Gateway {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final String base;
  private final HttpClient http;

  Gateway(String base) {
    this.base = base;
    // HTTP/1.1: no h2c upgrade dance with a plain-HTTP gateway
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
      .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  String base() {
    return base;
  }

  /**
   * The gateway's base URL from what the user wrote: http or https, a host, an optional port, no query; without a
   * trailing slash. A bad one is a usage error.
   */
  static String baseUrl(String text) {
    try {
      URI uri = new URI(text.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getQuery() != null
        || uri.getFragment() != null || uri.getUserInfo() != null) {
        throw new URISyntaxException(text, "not http(s)://host[:port]");
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
      return scheme + "://" + uri.getRawAuthority() + path;
    } catch (URISyntaxException e) {
      throw new CliFailure(ExitCodes.USAGE, "--url '" + text + "': expected http(s)://host[:port], e.g. http://localhost:8000");
    }
  }

  Reply send(String method, String pathAndQuery, JsonObject body, String token) {
    String url = base + pathAndQuery;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
      .header("Accept", "application/json").header("User-Agent", "micronet-cli");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(method, url, response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
        response.body(), response.headers().firstValue("X-Request-Id").orElse(null));
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("no answer to connect within " + CONNECT_TIMEOUT.toSeconds() + " s");
    } catch (HttpTimeoutException e) {
      throw new CliFailure(ExitCodes.UNREACHABLE, "the gateway at " + base + " did not answer " + method + " "
        + pathAndQuery + " within " + REQUEST_TIMEOUT.toSeconds() + " s");
    } catch (IOException e) {
      throw unreachable(reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCodes.UNREACHABLE, "interrupted");
    }
  }

  private CliFailure unreachable(String reason) {
    return new CliFailure(ExitCodes.UNREACHABLE, "no gateway at " + base + ": " + reason);
  }

  /** Why a connection failed, in words: the JDK's exceptions often carry no message at all. */
  static String reason(IOException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnresolvedAddressException || cause instanceof java.net.UnknownHostException) {
        return "unknown host";
      }
      if (cause instanceof SSLException) {
        return "TLS failed (" + cause.getMessage() + ")";
      }
    }
    String message = e.getMessage();
    if (e instanceof ConnectException && (message == null || message.toLowerCase(Locale.ROOT).contains("refused"))) {
      return "connection refused";
    }
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
