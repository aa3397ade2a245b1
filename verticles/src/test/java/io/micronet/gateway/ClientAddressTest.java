package io.micronet.gateway;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which address a request comes from, with and without our own proxies in front. */
class ClientAddressTest {

  private static final ClientAddress NO_PROXIES = ClientAddress.trusting(List.of());
  private static final ClientAddress PROXIES = ClientAddress.trusting(List.of("10.0.0.0/8", "127.0.0.1", "fd00::/8"));

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() {
    assertEquals("203.0.113.9", NO_PROXIES.resolve("203.0.113.9", List.of("1.2.3.4")));
    assertEquals("127.0.0.1", NO_PROXIES.resolve("127.0.0.1", List.of("1.2.3.4")));
  }

  @Test
  void aSpoofedHeaderFromAnUntrustedPeerIsIgnored() {
    assertEquals("203.0.113.9", PROXIES.resolve("203.0.113.9", List.of("10.0.0.1")));
    assertEquals("203.0.113.9", PROXIES.resolve("203.0.113.9", List.of("1.2.3.4, 5.6.7.8")));
  }

  @Test
  void fromATrustedProxyTheRightMostUntrustedHopIsTheClient() {
    assertEquals("198.51.100.7", PROXIES.resolve("127.0.0.1", List.of("198.51.100.7")));
    // what the client wrote itself (left) is not believed: the hop our proxy saw is
    assertEquals("198.51.100.7", PROXIES.resolve("127.0.0.1", List.of("6.6.6.6, 198.51.100.7")));
    // a chain of our own proxies is skipped
    assertEquals("198.51.100.7", PROXIES.resolve("10.1.1.1", List.of("6.6.6.6, 198.51.100.7, 10.2.2.2, 127.0.0.1")));
    // several header lines are one list, in order
    assertEquals("198.51.100.7", PROXIES.resolve("10.1.1.1", List.of("6.6.6.6", "198.51.100.7, 10.2.2.2")));
    // a trusted proxy that forwards nothing: the proxy itself
    assertEquals("10.1.1.1", PROXIES.resolve("10.1.1.1", List.of()));
    // every hop is ours: the left-most (the first proxy) is as far as we can see
    assertEquals("10.3.3.3", PROXIES.resolve("10.1.1.1", List.of("10.3.3.3, 10.2.2.2")));
  }

  @Test
  void ipv6AddressesAndRangesWork() {
    assertEquals("2001:db8::1", PROXIES.resolve("fd12::5", List.of("2001:db8:0:0:0:0:0:1")));
    assertEquals("2001:db8::1", PROXIES.resolve("fd12::5", List.of("[2001:db8::1], fd34::1")));
    assertEquals("198.51.100.7", PROXIES.resolve("fd12::5", List.of("198.51.100.7")));
    // an IPv6 peer outside the range is not trusted; the canonical form is one bucket however it is written
    assertEquals("2001:db8::2", PROXIES.resolve("2001:db8:0:0:0:0:0:2", List.of("1.2.3.4")));
    assertEquals("::1", NO_PROXIES.resolve("0:0:0:0:0:0:0:1", List.of()));
    // an IPv4 peer as an IPv4-mapped IPv6 address is the IPv4 address
    assertEquals("198.51.100.7", PROXIES.resolve("::ffff:10.0.0.1", List.of("198.51.100.7")));
    assertTrue(ClientAddress.trusting(List.of("::1/128")).isTrusted("0:0:0:0:0:0:0:1"));
  }

  @Test
  void garbageEndsTheWalkAtTheLastTrustedHop() {
    assertEquals("127.0.0.1", PROXIES.resolve("127.0.0.1", List.of("evil.example")));
    assertEquals("10.2.2.2", PROXIES.resolve("127.0.0.1", List.of("1.2.3.4, not-an-ip, 10.2.2.2")));
    assertEquals("127.0.0.1", PROXIES.resolve("127.0.0.1", List.of("1.2.3.4,")));
    assertEquals("127.0.0.1", PROXIES.resolve("127.0.0.1", List.of("")));
    assertEquals("127.0.0.1", PROXIES.resolve("127.0.0.1", List.of("1.2.3.4:5678")));
    assertEquals("127.0.0.1", PROXIES.resolve("127.0.0.1", List.of("unknown")));
    assertEquals("127.0.0.1", PROXIES.resolve("127.0.0.1", List.of("1.2.3.4\u0000")));
    assertEquals("127.0.0.1", PROXIES.resolve("127.0.0.1", List.of("9".repeat(5000))));
    assertEquals("unknown", PROXIES.resolve(null, List.of("1.2.3.4")));
  }

  @Test
  void aProxyListThatIsNotAddressesStopsTheGateway() {
    for (String bad : List.of("proxy.example", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientAddress.trusting(List.of(bad)), bad);
      assertTrue(e.getMessage().contains("gateway.trustedProxies"), e.getMessage());
    }
    ClientAddress exact = ClientAddress.trusting(List.of("192.0.2.10", "0.0.0.0/0"));
    assertTrue(exact.isTrusted("8.8.8.8"), "/0 is everything (an operator's choice)");
    assertFalse(ClientAddress.trusting(List.of("192.0.2.10")).isTrusted("192.0.2.11"), "a bare address is /32");
  }

  @Test
  void limitsCountAnIpv6ClientByItsSlash64() {
    assertEquals("2001:db8:1:2::/64", ClientAddress.limitKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
    assertEquals("2001:db8:1:2::/64", ClientAddress.limitKey("2001:db8:1:2::1"), "another address of the same /64");
    assertEquals("2001:db8:1:3::/64", ClientAddress.limitKey("2001:db8:1:3::1"));
    assertEquals("203.0.113.9", ClientAddress.limitKey("203.0.113.9"), "IPv4 stays itself");
    assertEquals("unknown", ClientAddress.limitKey("unknown"));
  }
}
