package io.micronet.shared.config;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The PEM files of the clustered event bus's TLS ({@code cluster.tls}): this node's PKCS#8 private key, its
 * certificate, and the cluster CA that every node's certificate must come from. All three or none: a node with
 * only some of them would start without TLS while its operator believes otherwise.
 */
public record ClusterTlsFiles(String keyPath, String certPath, String caPath) {

  static final String KEY = "cluster.tls.keyPath / MICRONET_CLUSTER_TLS_KEY";
  static final String CERT = "cluster.tls.certPath / MICRONET_CLUSTER_TLS_CERT";
  static final String CA = "cluster.tls.caPath / MICRONET_CLUSTER_TLS_CA";

  /** The files named by the {@code cluster.tls} section, or empty when it names none. */
  static Optional<ClusterTlsFiles> from(JsonObject tls) {
    String key = path(tls, "keyPath");
    String cert = path(tls, "certPath");
    String ca = path(tls, "caPath");
    if (key == null && cert == null && ca == null) {
      return Optional.empty();
    }
    List<String> missing = new ArrayList<>();
    if (key == null) {
      missing.add(KEY);
    }
    if (cert == null) {
      missing.add(CERT);
    }
    if (ca == null) {
      missing.add(CA);
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("cluster TLS needs all three of the key, certificate and CA files (or none); missing: "
        + String.join(", ", missing));
    }
    return Optional.of(new ClusterTlsFiles(key, cert, ca));
  }

  /**
   * Checks that the three files exist and are readable PEM files, so that a wrong path stops the node at start
   * with the key's name instead of a cluster that never forms. Reads the files: call it at start, off the event loop.
   */
  public void requireReadable() {
    requirePemFile(KEY, keyPath);
    requirePemFile(CERT, certPath);
    requirePemFile(CA, caPath);
  }

  private static String path(JsonObject tls, String name) {
    Object value = tls == null ? null : tls.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException("cluster.tls." + name + " must be a file path, got " + value);
    }
    return s.isBlank() ? null : s.trim();
  }

  private static void requirePemFile(String key, String path) {
    Path file = Path.of(path);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(key + ": " + path + " does not exist or is not a readable file");
    }
    try {
      // a PEM file starts with a "-----BEGIN …-----" line; a DER or empty file would fail deep inside the TLS setup
      if (!new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains("-----BEGIN ")) {
        throw new IllegalArgumentException(key + ": " + path + " is not a PEM file (no -----BEGIN line)");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(key + ": cannot read " + path + " (" + e.getMessage() + ")");
    }
  }
}
