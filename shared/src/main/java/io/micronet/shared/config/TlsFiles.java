package io.micronet.shared.config;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A server's TLS identity from PEM files: the certificate (chain) and its private key (PKCS#8 or PKCS#1).
 * Configured as both paths or neither; the files are checked when the configuration is loaded, so a typo
 * stops the node at start rather than at the first handshake.
 */
public record TlsFiles(String certPath, String keyPath) {

  /** The pair under {@code section.tls}, or null when neither path is set; {@code name} prefixes the messages. */
  static TlsFiles from(JsonObject section, String name) {
    JsonObject tls = section.getJsonObject("tls");
    String cert = tls == null ? null : blankToNull(tls.getString("certPath"));
    String key = tls == null ? null : blankToNull(tls.getString("keyPath"));
    if (cert == null && key == null) {
      return null;
    }
    if (cert == null || key == null) {
      throw new IllegalArgumentException(name + ".tls.certPath and " + name + ".tls.keyPath must be set together (PEM files), "
        + "got only the " + (cert == null ? "key" : "certificate"));
    }
    return new TlsFiles(cert, key);
  }

  /** Both files exist and are readable (called where the configuration is first loaded, off any event loop). */
  void check(String name) {
    requireReadable(name + ".tls.certPath", certPath);
    requireReadable(name + ".tls.keyPath", keyPath);
  }

  /** TLS on {@code options} with these files; {@code tls} null leaves them plain. */
  public static HttpServerOptions apply(HttpServerOptions options, TlsFiles tls) {
    if (tls == null) {
      return options;
    }
    return options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()));
  }

  private static void requireReadable(String key, String path) {
    Path file = Path.of(path);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(key + " must name a readable PEM file, got '" + path + "'");
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
