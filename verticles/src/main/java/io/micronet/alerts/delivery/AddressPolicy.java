package io.micronet.alerts.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * Which addresses a notification may be sent to. Outside the test bench and a private installation
 * ({@code MICRONET_ALERT_ALLOW_PRIVATE_TARGETS=true}) a webhook URL is a request made by the platform on a manager's
 * word: it must not reach the platform's own loopback services, the cloud metadata endpoint or the private network
 * behind the node (server-side request forgery). Checked on every address a name resolves to, at delivery time.
 */
public final class AddressPolicy {

  /** Digits, dots and hex letters only, with a digit in the last label: a host that is meant as a number. */
  private static final Pattern NUMERIC_LOOKING = Pattern.compile("^[0-9a-fA-FxX.]*[0-9][0-9a-fA-FxX]*\\.?$");
  private static final Pattern DOTTED_QUAD = Pattern.compile("^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");

  private AddressPolicy() {
  }

  /** Why {@code address} may not be a target, or null when it may (a public unicast address). */
  public static String forbidden(InetAddress address) {
    if (address instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      byte[] embedded = embeddedIpv4(b);
      if (embedded != null) {
        return forbiddenV4(embedded);
      }
      if (v6.isLoopbackAddress()) {
        return "a loopback address";
      }
      if (v6.isAnyLocalAddress()) {
        return "the unspecified address";
      }
      if (v6.isMulticastAddress()) {
        return "a multicast address";
      }
      if (v6.isLinkLocalAddress() || (b[0] == (byte) 0xfe && (b[1] & 0xc0) == 0x80)) {
        return "a link-local address";
      }
      if ((b[0] & 0xff) == 0xfd && (b[1] & 0xff) == 0x00 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2 && isEc2Metadata(b)) {
        return "a cloud metadata address";
      }
      if ((b[0] & 0xfe) == 0xfc) {
        return "a private (unique local) address";
      }
      if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
        return "a site-local address";
      }
      return null;
    }
    return forbiddenV4(address.getAddress());
  }

  /** fd00:ec2::254, the EC2 metadata service's IPv6 address. */
  private static boolean isEc2Metadata(byte[] b) {
    for (int i = 4; i < 14; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[14] & 0xff) == 0x02 && (b[15] & 0xff) == 0x54;
  }

  /**
   * The IPv4 address an IPv6 one carries and a stack would reach: IPv4-mapped ({@code ::ffff:a.b.c.d}),
   * IPv4-translated ({@code ::ffff:0:a.b.c.d}), IPv4-compatible ({@code ::a.b.c.d}, deprecated but still routed by some
 * stacks), NAT64 ({@code 64:ff9b::/96})
   * and 6to4 ({@code 2002:AABB:CCDD::/48}); null for the rest.
   */
  static byte[] embeddedIpv4(byte[] b) {
    boolean zeroEight = true;
    for (int i = 0; i < 8; i++) {
      zeroEight &= b[i] == 0;
    }
    boolean zeroTen = zeroEight && b[8] == 0 && b[9] == 0;
    if (zeroTen && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return new byte[] {b[12], b[13], b[14], b[15]};
    }
    if (zeroEight && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && b[10] == 0 && b[11] == 0) {
      // IPv4-translated (::ffff:0:a.b.c.d, RFC 2765): what a stateless translator turns back into a.b.c.d
      return new byte[] {b[12], b[13], b[14], b[15]};
    }
    boolean zeroTwelve = zeroTen && b[10] == 0 && b[11] == 0;
    if (zeroTwelve && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1))) {
      return new byte[] {b[12], b[13], b[14], b[15]};
    }
    if (b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      return new byte[] {b[12], b[13], b[14], b[15]};
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return new byte[] {b[2], b[3], b[4], b[5]};
    }
    return null;
  }

  private static String forbiddenV4(byte[] b) {
    int a = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (a == 169 && second == 254) {
      return (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254 ? "a cloud metadata address" : "a link-local address";
    }
    if (a == 127) {
      return "a loopback address";
    }
    if (a == 0) {
      return "the unspecified address (this network)";
    }
    if (a == 10 || (a == 172 && second >= 16 && second <= 31) || (a == 192 && second == 168)) {
      return "a private address";
    }
    if (a == 100 && second >= 64 && second <= 127) {
      return "a shared (carrier-grade NAT) address";
    }
    if (a >= 224 && a <= 239) {
      return "a multicast address";
    }
    if (a >= 240) {
      return "a reserved or broadcast address";
    }
    return null;
  }

  /** The host names that mean this machine or a metadata service without asking DNS. */
  public static String forbiddenName(String host) {
    String name = host.toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.equals("localhost") || name.endsWith(".localhost")) {
      return "a loopback name";
    }
    if (name.equals("metadata.google.internal") || name.equals("metadata")) {
      return "a cloud metadata name";
    }
    return null;
  }

  /**
   * A host written as a number that is not four plain decimal parts ({@code 2130706433}, {@code 0177.0.0.1},
   * {@code 0x7f.1}, {@code 127.1}): resolvers disagree on what it means (C's inet_aton reads 0177 as octal, Java as
   * decimal), so such a target is refused whatever it would reach.
   */
  public static boolean ambiguousNumber(String host) {
    return NUMERIC_LOOKING.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches() && !host.contains(":");
  }

  /** What the C library's inet_aton makes of a numeric host (for the refusal's message); null when it is no number. */
  static Inet4Address legacyIpv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length == 0 || parts.length > 4) {
      return null;
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].toLowerCase(java.util.Locale.ROOT);
      try {
        if (p.startsWith("0x")) {
          values[i] = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
        } else if (p.length() > 1 && p.startsWith("0")) {
          values[i] = Long.parseLong(p.substring(1), 8);
        } else {
          values[i] = Long.parseLong(p);
        }
      } catch (NumberFormatException e) {
        return null;
      }
    }
    long value = 0;
    int n = values.length;
    for (int i = 0; i < n - 1; i++) {
      if (values[i] > 255) {
        return null;
      }
      value |= values[i] << (8 * (3 - i));
    }
    long last = values[n - 1];
    if (last >= (1L << (8 * (5 - n)))) {
      return null;
    }
    value |= last;
    byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    try {
      return (Inet4Address) InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }
}
