package io.micronet.alerts.delivery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbound address classifier and the channel URL's checks, without a network (literals only, no DNS). */
class AddressPolicyTest {

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "127.0.0.1", "127.255.255.254", "0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255",
    "192.168.1.1", "169.254.0.1", "169.254.169.254", "100.64.0.1", "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1",
    "::1", "::", "fe80::1", "febf::1", "fc00::1", "fd12:3456::1", "fd00:ec2::254", "ff02::1", "fec0::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:0.0.0.0", "::127.0.0.1", "64:ff9b::7f00:1",
    "2002:7f00:1::1", "2002:a9fe:a9fe::1", "::ffff:0:7f00:1", "::ffff:0:a9fe:a9fe", "::ffff:0:a00:1"})
  void refusesEveryLocalPrivateAndSpecialAddress(String literal) throws Exception {
    assertNotNull(AddressPolicy.forbidden(ip(literal)), literal);
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.15.255.255", "172.32.0.1", "192.169.0.1", "169.253.1.1", "100.63.0.1",
    "100.128.0.1", "11.0.0.1", "2606:4700:4700::1111", "2001:db8::1", "::ffff:8.8.8.8", "2002:0808:0808::1"})
  void letsPublicAddressesThrough(String literal) throws Exception {
    assertNull(AddressPolicy.forbidden(ip(literal)), literal);
  }

  @Test
  void namesTheReason() throws Exception {
    assertEquals("a cloud metadata address", AddressPolicy.forbidden(ip("169.254.169.254")));
    assertEquals("a cloud metadata address", AddressPolicy.forbidden(ip("fd00:ec2::254")));
    assertEquals("a loopback address", AddressPolicy.forbidden(ip("::ffff:127.0.0.1")));
    assertEquals("a link-local address", AddressPolicy.forbidden(ip("fe80::1")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2130706433", "0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "127.1", "127.0.1", "017700000001", "0"})
  void numbersOtherThanFourDecimalPartsAreAmbiguous(String host) {
    assertTrue(AddressPolicy.ambiguousNumber(host), host);
  }

  @Test
  void readsTheLegacyFormsAsTheCLibraryDoes() {
    assertEquals("127.0.0.1", AddressPolicy.legacyIpv4("2130706433").getHostAddress());
    assertEquals("127.0.0.1", AddressPolicy.legacyIpv4("0177.0.0.1").getHostAddress());
    assertEquals("127.0.0.1", AddressPolicy.legacyIpv4("0x7f.0.0.1").getHostAddress());
    assertEquals("127.0.0.1", AddressPolicy.legacyIpv4("127.1").getHostAddress());
    assertEquals("10.0.0.5", AddressPolicy.legacyIpv4("10.5").getHostAddress());
    assertNull(AddressPolicy.legacyIpv4("256.1.1.1.1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "http://127.0.0.1/hook", "http://127.0.0.1:8080/hook", "https://10.1.2.3/x", "http://169.254.169.254/latest/meta-data",
    "http://[::1]:9000/", "http://[::ffff:127.0.0.1]/", "http://[fd00:ec2::254]/", "http://[fe80::1]/", "http://0.0.0.0:80/",
    "http://localhost:8080/", "http://api.localhost/", "http://LOCALHOST./", "http://metadata.google.internal/computeMetadata/v1/",
    "http://2130706433/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://192.168.0.1/", "http://[ff02::1]/",
    "ftp://example.com/", "file:///etc/passwd", "gopher://example.com/", "javascript:alert(1)", "http://user:pass@example.com/hook",
    "https://token@example.com/", "http:///nohost", "example.com/hook", "", "http://exa mple.com/", "https://example.com/#frag",
    "http://[fe80::1%25eth0]/", "http://[::1%25lo]:9000/", "http://[::1%251]/", "http://[::ffff:0:7f00:1]/"})
  void refusesBadOrForbiddenUrlsWhenPrivateTargetsAreOff(String url) {
    assertThrows(TargetUrl.Invalid.class, () -> TargetUrl.parse(url, false), url);
  }

  @Test
  void privateTargetsOnLetsLoopbackThroughButNeverCredentialsOrOtherSchemes() throws Exception {
    assertEquals("127.0.0.1", TargetUrl.parse("http://127.0.0.1:8080/hook", true).host());
    assertEquals("localhost", TargetUrl.parse("http://localhost:8080/hook", true).host());
    assertThrows(TargetUrl.Invalid.class, () -> TargetUrl.parse("http://user:pass@127.0.0.1/", true));
    assertThrows(TargetUrl.Invalid.class, () -> TargetUrl.parse("ftp://127.0.0.1/", true));
    assertThrows(TargetUrl.Invalid.class, () -> TargetUrl.parse("http://2130706433/", true), "ambiguous even when allowed");
  }

  @Test
  void showsOnlySchemeAndHost() throws Exception {
    TargetUrl url = TargetUrl.parse("https://hooks.example.com:8443/services/T000/B000/XXXSECRET?token=abc", false);
    assertEquals("https://hooks.example.com/…", url.redacted());
    assertEquals(url.redacted(), url.toString());
    assertEquals("/services/T000/B000/XXXSECRET?token=abc", url.pathAndQuery());
    assertEquals(8443, url.port());
    assertTrue(url.https());
    assertEquals(80, TargetUrl.parse("http://example.com", false).port());
    assertEquals("/", TargetUrl.parse("http://example.com", false).pathAndQuery());
  }

  @Test
  void theRefusalNamesWhatTheNumberMeans() {
    TargetUrl.Invalid refused = assertThrows(TargetUrl.Invalid.class, () -> TargetUrl.parse("http://0177.0.0.1/", false));
    assertTrue(refused.getMessage().contains("127.0.0.1"), refused.getMessage());
    TargetUrl.Invalid metadata = assertThrows(TargetUrl.Invalid.class, () -> TargetUrl.parse("http://169.254.169.254/", false));
    assertTrue(metadata.getMessage().contains("metadata"), metadata.getMessage());
  }
}
