package io.micronet.node;

import com.hazelcast.config.Config;
import io.micronet.node.ClusterTransport.Kind;
import io.micronet.shared.config.ClusterTlsFiles;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a clustered node's event bus does, from its TLS files, the insecure override and the cluster host. */
class ClusterTransportTest {

  private static final Optional<ClusterTlsFiles> TLS = Optional.of(new ClusterTlsFiles("/c/node.key", "/c/node.crt", "/c/ca.crt"));

  @Test
  void loopbackHostsAreRecognisedFromTheTextAlone() {
    for (String host : List.of("127.0.0.1", "127.1.2.3", "127.255.255.255", "localhost", "LOCALHOST", "::1", "[::1]", "0:0:0:0:0:0:0:1")) {
      assertTrue(ClusterTransport.isLoopback(host), host);
    }
    for (String host : List.of("10.0.0.5", "192.0.2.2", "0.0.0.0", "128.0.0.1", "127.0.0.256", "127.0.0", "127.0.0.1.example.com",
      "localhost.example.com", "fd00::2", "::", "")) {
      assertFalse(ClusterTransport.isLoopback(host), host);
    }
    assertFalse(ClusterTransport.isLoopback(null), "no host: Vert.x picks a network interface");
  }

  @Test
  void tlsFilesMeanTlsWhateverTheHost() {
    for (String host : new String[] {"127.0.0.1", "10.0.0.5", null}) {
      for (boolean insecure : new boolean[] {false, true}) {
        ClusterTransport transport = ClusterTransport.decide(TLS, insecure, host);
        assertEquals(Kind.TLS, transport.kind(), host + " insecure=" + insecure);
        assertEquals(TLS.get(), transport.tls());
      }
    }
  }

  @Test
  void withoutTlsLoopbackIsPlainAndTheNetworkIsRefusedUnlessInsecure() {
    assertEquals(Kind.PLAIN_LOOPBACK, ClusterTransport.decide(Optional.empty(), false, "127.0.0.1").kind());
    assertEquals(Kind.PLAIN_LOOPBACK, ClusterTransport.decide(Optional.empty(), true, "localhost").kind());

    ClusterTransport refused = ClusterTransport.decide(Optional.empty(), false, "10.0.0.5");
    assertEquals(Kind.REFUSED, refused.kind());
    for (String variable : List.of("MICRONET_CLUSTER_TLS_KEY", "MICRONET_CLUSTER_TLS_CERT", "MICRONET_CLUSTER_TLS_CA", "MICRONET_CLUSTER_INSECURE=true", "10.0.0.5")) {
      assertTrue(refused.message().contains(variable), refused.message());
    }
    assertFalse(refused.message().contains("\n"), "one line");
    assertEquals(Kind.REFUSED, ClusterTransport.decide(Optional.empty(), false, null).kind());
    assertEquals(Kind.REFUSED, ClusterTransport.decide(Optional.empty(), false, "0.0.0.0").kind());

    ClusterTransport insecure = ClusterTransport.decide(Optional.empty(), true, "10.0.0.5");
    assertEquals(Kind.PLAIN_INSECURE, insecure.kind());
    assertTrue(insecure.message().contains("WITHOUT TLS") && insecure.message().contains("10.0.0.5"), insecure.message());
  }

  @Test
  void tlsSetsPemFilesRequiredClientCertificatesAndNoTrustAll() {
    EventBusOptions eventBus = new EventBusOptions();
    assertTrue(eventBus.isTrustAll(), "Vert.x's default, which this class must turn off");
    ClusterTransport.decide(TLS, false, "10.0.0.5").applyTo(eventBus);
    assertTls(eventBus);
    // the clustered event bus rebuilds its options from JSON: what is set must survive it
    assertTls(new EventBusOptions(eventBus.toJson()));
  }

  @Test
  void plainTransportsLeaveTheEventBusAlone() {
    EventBusOptions eventBus = new EventBusOptions();
    ClusterTransport.decide(Optional.empty(), true, "10.0.0.5").applyTo(eventBus);
    ClusterTransport.decide(Optional.empty(), false, "127.0.0.1").applyTo(eventBus);
    assertFalse(eventBus.isSsl());
    assertNull(eventBus.getKeyCertOptions());
  }

  @Test
  void theEventBusPortComesFromConfigUnlessTheFlagSetOne() {
    EventBusOptions none = new EventBusOptions();
    ClusterSettings.eventBusPort(none, 0);
    assertEquals(0, none.getPort(), "0: random");
    EventBusOptions configured = new EventBusOptions();
    ClusterSettings.eventBusPort(configured, 17001);
    assertEquals(17001, configured.getPort());
    EventBusOptions flag = new EventBusOptions().setPort(17500);
    ClusterSettings.eventBusPort(flag, 17001);
    assertEquals(17500, flag.getPort(), "-cluster-port wins");
  }

  @Test
  void hazelcastBindsTheClusterHostOnly() {
    Config hazelcast = new Config();
    ClusterSettings.bindTo(hazelcast, "10.0.0.5", null);
    assertEquals("false", hazelcast.getProperty("hazelcast.socket.bind.any"));
    assertEquals("10.0.0.5", hazelcast.getProperty("hazelcast.local.localAddress"));

    Config noHost = new Config();
    ClusterSettings.bindTo(noHost, null, null);
    assertEquals("false", noHost.getProperty("hazelcast.socket.bind.any"), "the one address Hazelcast picks, not 0.0.0.0");
    assertNull(noHost.getProperty("hazelcast.local.localAddress"));
  }

  @Test
  void theClusterFlagIsReadFromTheArguments() {
    assertTrue(MicronetLauncher.clustered(List.of("-cluster", "-cluster-host", "10.0.0.5")));
    assertTrue(MicronetLauncher.clustered(List.of("-conf", "x.json", "--cluster")));
    assertTrue(MicronetLauncher.clustered(List.of("-c")));
    assertFalse(MicronetLauncher.clustered(List.of("-conf", "conf/default.json")));
    assertFalse(MicronetLauncher.clustered(List.of("-cluster-host", "10.0.0.5")), "-cluster-host alone does not cluster");
  }

  private static void assertTls(EventBusOptions eventBus) {
    assertTrue(eventBus.isSsl());
    assertFalse(eventBus.isTrustAll(), "a node must not trust every TLS peer");
    assertEquals(ClientAuth.REQUIRED, eventBus.getClientAuth());
    PemKeyCertOptions key = assertInstanceOf(PemKeyCertOptions.class, eventBus.getKeyCertOptions());
    assertEquals(List.of("/c/node.key"), key.getKeyPaths());
    assertEquals(List.of("/c/node.crt"), key.getCertPaths());
    PemTrustOptions trust = assertInstanceOf(PemTrustOptions.class, eventBus.getTrustOptions());
    assertEquals(List.of("/c/ca.crt"), trust.getCertPaths());
  }
}
