package io.micronet.node;

import io.micronet.shared.config.ClusterTlsFiles;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a clustered node's event bus talks to the other nodes, decided from its configuration and the host it
 * binds ({@code -cluster-host}): over TLS with client certificates from the cluster CA when the TLS files are
 * configured; in plain text on loopback (every peer is on this machine); in plain text elsewhere only when the
 * operator said so ({@code cluster.insecure}); otherwise the node must not start, because any process that reaches
 * the event-bus port could read and send every message.
 */
record ClusterTransport(Kind kind, ClusterTlsFiles tls, String message) {

  enum Kind {
    /** Event-bus TLS, client certificates required both ways. */
    TLS,
    /** Plain text on a loopback address: only processes of this machine can reach it. */
    PLAIN_LOOPBACK,
    /** Plain text on a network address because {@code cluster.insecure} says so: started with a warning. */
    PLAIN_INSECURE,
    /** Plain text on a network address without the override: the node refuses to start. */
    REFUSED
  }

  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

  static ClusterTransport decide(Optional<ClusterTlsFiles> tls, boolean insecure, String host) {
    if (tls.isPresent()) {
      return new ClusterTransport(Kind.TLS, tls.get(), "cluster event bus over TLS, client certificates from the cluster CA required");
    }
    if (isLoopback(host)) {
      return new ClusterTransport(Kind.PLAIN_LOOPBACK, null, "cluster event bus without TLS on loopback " + host);
    }
    String where = host == null || host.isBlank() ? "without -cluster-host (Vert.x picks a network interface)" : "on " + host + " (not loopback)";
    if (insecure) {
      return new ClusterTransport(Kind.PLAIN_INSECURE, null, "MICRONET_CLUSTER_INSECURE=true: cluster event bus WITHOUT TLS " + where
        + ": any process that reaches the cluster ports can read and send every message");
    }
    return new ClusterTransport(Kind.REFUSED, null, "refusing to start a clustered node " + where + " without event-bus TLS: set "
      + "MICRONET_CLUSTER_TLS_KEY, MICRONET_CLUSTER_TLS_CERT and MICRONET_CLUSTER_TLS_CA (make them with scripts/micronet certs), "
      + "or MICRONET_CLUSTER_INSECURE=true to run it unprotected");
  }

  /**
   * 127.0.0.0/8, ::1 or localhost, read from the text alone (no name lookup: what a name resolves to can change).
   * No host at all is not loopback: Vert.x then picks a network interface.
   */
  static boolean isLoopback(String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    String h = host.trim().toLowerCase();
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if ("localhost".equals(h) || "::1".equals(h) || "0:0:0:0:0:0:0:1".equals(h)) {
      return true;
    }
    if (!IPV4_LOOPBACK.matcher(h).matches()) {
      return false;
    }
    for (String part : h.split("\\.")) {
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /**
   * Sets the event bus's TLS (only for {@link Kind#TLS}). PEM options, because the clustered event bus rebuilds its
   * options from JSON and drops the generic KeyStoreOptions. {@code setTrustAll(false)} matters: EventBusOptions
   * trusts every server by default, and REQUIRED client auth guards only the receiving side, so without it a node
   * would deliver requests to any TLS peer, a stranger with a self-signed certificate included.
   */
  void applyTo(EventBusOptions eventBus) {
    if (kind != Kind.TLS) {
      return;
    }
    eventBus.setSsl(true)
      .setKeyCertOptions(new PemKeyCertOptions().setKeyPath(tls.keyPath()).setCertPath(tls.certPath()))
      .setTrustOptions(new PemTrustOptions().addCertPath(tls.caPath()))
      .setClientAuth(ClientAuth.REQUIRED)
      .setTrustAll(false);
  }
}
