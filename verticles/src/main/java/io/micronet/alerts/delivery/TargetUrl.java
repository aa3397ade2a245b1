package io.micronet.alerts.delivery;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * A channel's URL, checked: http or https, a host, no credentials in it. URLs are secrets (a Slack or a
 * receiver's URL carries its token in the path or query): {@link #redacted()} is the only form that may be shown or
 * logged, and {@link #toString()} is that form too.
 */
public record TargetUrl(String raw, boolean https, String host, int port, String pathAndQuery) {

  public static final int MAX_LENGTH = 2048;

  /** Why {@code text} is not a usable URL (the refusal's message), as an exception with no trace. */
  public static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Parses and checks {@code text}. {@code allowPrivate}: loopback, private and link-local literals pass (the
   * names and addresses a host resolves to are checked again at each delivery, see {@link AddressPolicy}).
   */
  public static TargetUrl parse(String text, boolean allowPrivate) throws Invalid {
    if (text == null || text.isBlank()) {
      throw new Invalid("is required");
    }
    if (text.length() > MAX_LENGTH) {
      throw new Invalid("is longer than " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new Invalid("is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new Invalid("must be an http or https URL");
    }
    if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
      throw new Invalid("must not carry credentials (user:password@); put the secret in the channel's secret");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new Invalid("needs a host (a name, a dotted IPv4 address or a bracketed IPv6 address)");
    }
    if (uri.getRawFragment() != null) {
      throw new Invalid("must not have a fragment (#…)");
    }
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.contains("%")) {
      // an IPv6 zone ([fe80::1%25eth0]) or an escape: no address literal is recognised in it, so it would pass as a
      // name here and be read differently by the resolver at delivery — a notification has no business on a zone
      throw new Invalid("must not name an IPv6 zone or percent-escape its host");
    }
    host = host.toLowerCase(Locale.ROOT);
    if (AddressPolicy.ambiguousNumber(host)) {
      InetAddress meant = AddressPolicy.legacyIpv4(host);
      throw new Invalid("writes its address as an ambiguous number" + (meant == null ? "" : " (" + meant.getHostAddress() + ")")
        + ": use four decimal parts, e.g. 203.0.113.7");
    }
    if (!allowPrivate) {
      String reason = literalReason(host);
      if (reason != null) {
        throw new Invalid("points at " + reason + "; private targets are off (MICRONET_ALERT_ALLOW_PRIVATE_TARGETS)");
      }
    }
    int port = uri.getPort() == -1 ? (scheme.equals("https") ? 443 : 80) : uri.getPort();
    if (port < 1 || port > 65535) {
      throw new Invalid("has an invalid port");
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    return new TargetUrl(text.trim(), scheme.equals("https"), host, port, pathAndQuery);
  }

  /** What is wrong with a host that is an address literal or a well-known local name; null when nothing is (yet). */
  static String literalReason(String host) {
    String byName = AddressPolicy.forbiddenName(host);
    if (byName != null) {
      return byName;
    }
    InetAddress literal = literal(host);
    return literal == null ? null : AddressPolicy.forbidden(literal);
  }

  /** The address {@code host} is when it is written as one (dotted IPv4 or IPv6), else null; never asks DNS. */
  public static InetAddress literal(String host) {
    boolean v4 = host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    if (!v4 && !host.contains(":")) {
      return null;
    }
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  public String scheme() {
    return https ? "https" : "http";
  }

  /** {@code scheme://host/…}: all that may be shown of the URL (its path and query may hold a token). */
  public String redacted() {
    String shownHost = host.contains(":") ? "[" + host + "]" : host;
    return scheme() + "://" + shownHost + "/…";
  }

  /** A URL never prints itself whole. */
  @Override
  public String toString() {
    return redacted();
  }
}
