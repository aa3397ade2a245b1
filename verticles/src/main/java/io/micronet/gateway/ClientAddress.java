package io.micronet.gateway;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.ext.web.RoutingContext;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides, once per request, which address the client has: the direct peer, unless that peer is one of our own
 * reverse proxies ({@code gateway.trustedProxies}); then {@code X-Forwarded-For} is read from the right, past the
 * hops that are themselves trusted proxies, and the first address that is not one is the client. A malformed
 * entry ends the walk at the last trusted hop: what lies left of it was written by someone we do not trust.
 * The rate limit, the login throttle (the address the gateway passes to services) and the access log all use it.
 * CIDR matching is Netty's ({@link IpSubnetFilterRule}); addresses are parsed as literals only, never resolved.
 */
final class ClientAddress {

  static final String FORWARDED_FOR = "X-Forwarded-For";
  private static final String KEY = "clientAddress";
  private static final String UNKNOWN = "unknown";

  private final List<IpSubnetFilterRule> trustedProxies;

  private ClientAddress(List<IpSubnetFilterRule> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  /**
   * @param proxies addresses ({@code 10.0.0.5}, {@code ::1}) or CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8})
   * @throws IllegalArgumentException naming the entry that is neither
   */
  static ClientAddress trusting(List<String> proxies) {
    List<IpSubnetFilterRule> rules = new ArrayList<>();
    for (String proxy : proxies) {
      rules.add(rule(proxy.strip()));
    }
    return new ClientAddress(List.copyOf(rules));
  }

  private static IpSubnetFilterRule rule(String cidr) {
    int slash = cidr.indexOf('/');
    InetAddress address = parse(slash < 0 ? cidr : cidr.substring(0, slash));
    int maxPrefix = address == null ? 0 : address.getAddress().length * 8;
    int prefix = maxPrefix;
    if (slash >= 0) {
      String bits = cidr.substring(slash + 1);
      prefix = bits.matches("[0-9]{1,3}") ? Integer.parseInt(bits) : -1;
    }
    if (address == null || prefix < 0 || prefix > maxPrefix) {
      throw new IllegalArgumentException("gateway.trustedProxies / MICRONET_TRUSTED_PROXIES: '" + cidr
        + "' is not an IP address or a CIDR range (10.0.0.0/8, fd00::/8)");
    }
    return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
  }

  /** The handler: decides the request's client address and keeps it in the context for the rest of the chain. */
  void handle(RoutingContext ctx) {
    String peer = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().host();
    ctx.put(KEY, resolve(peer, ctx.request().headers().getAll(FORWARDED_FOR)));
    ctx.next();
  }

  /** The address {@link #handle} decided for this request. */
  static String of(RoutingContext ctx) {
    String address = ctx.get(KEY);
    return address == null ? UNKNOWN : address;
  }

  /**
   * Who a limit counts this request against (the rate limit, the failed-login limits): the client's address, but
   * for IPv6 its /64 — one subscriber gets a whole /64, and each of its 2^64 addresses must not be a fresh client.
   */
  static String limitKey(RoutingContext ctx) {
    return limitKey(of(ctx));
  }

  static String limitKey(String address) {
    InetAddress parsed = parse(address);
    if (!(parsed instanceof Inet6Address)) {
      return address;
    }
    byte[] prefix = Arrays.copyOf(parsed.getAddress(), 16);
    Arrays.fill(prefix, 8, 16, (byte) 0);
    try {
      return NetUtil.toAddressString(InetAddress.getByAddress(prefix)) + "/64";
    } catch (UnknownHostException impossible) {
      return address;
    }
  }

  /**
   * The client's address, given the direct peer and the {@code X-Forwarded-For} header lines in the order they
   * came (several lines are one comma list). Addresses come back in canonical form ({@code ::1}, not
   * {@code 0:0:0:0:0:0:0:1}), so one client is one rate-limit bucket however it is written.
   */
  String resolve(String peer, List<String> forwardedFor) {
    InetAddress peerAddress = parse(peer);
    if (peerAddress == null) {
      return peer == null || peer.isBlank() ? UNKNOWN : peer;
    }
    String lastTrusted = NetUtil.toAddressString(peerAddress);
    if (!isTrusted(peerAddress) || forwardedFor.isEmpty()) {
      return lastTrusted;
    }
    String[] hops = String.join(",", forwardedFor).split(",", -1);
    for (int i = hops.length - 1; i >= 0; i--) {
      InetAddress hop = parse(hops[i].strip());
      if (hop == null) {
        return lastTrusted;
      }
      String hopText = NetUtil.toAddressString(hop);
      if (!isTrusted(hop)) {
        return hopText;
      }
      lastTrusted = hopText;
    }
    return lastTrusted;
  }

  /** Whether the peer (an address literal) is one of our trusted proxies. */
  boolean isTrusted(String address) {
    InetAddress parsed = parse(address);
    return parsed != null && isTrusted(parsed);
  }

  private boolean isTrusted(InetAddress address) {
    InetSocketAddress socket = new InetSocketAddress(address, 0);
    for (IpSubnetFilterRule rule : trustedProxies) {
      if (rule.matches(socket)) {
        return true;
      }
    }
    return false;
  }

  /** An IPv4 or IPv6 literal (IPv6 optionally in brackets), or null: never a host name, never a DNS lookup. */
  static InetAddress parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 64) {
      return null;
    }
    return NetUtil.createInetAddressFromIpAddressString(text);
  }
}
