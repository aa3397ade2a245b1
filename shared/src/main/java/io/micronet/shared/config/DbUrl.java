package io.micronet.shared.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code postgresql://user:pass@host:port/db[?sslmode=…&sslrootcert=…]}, parsed once; the password never
 * appears in {@link #toString()}. {@code sslmode} takes libpq's values ({@link #SSL_MODES}, default
 * {@code disable}); {@code verify-ca} and {@code verify-full} need {@code sslrootcert}, the PEM file of the CA
 * that signed the server's certificate. Anything else in the query is refused, so a misspelt parameter cannot
 * silently leave a connection in clear text.
 */
public record DbUrl(String host, int port, String database, String user, String password, String sslMode, String sslRootCert) {

  /** libpq's sslmode values, weakest first. */
  public static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
  private static final String FORM = "postgresql://user:pass@host:port/db[?sslmode=…&sslrootcert=…]";

  public static DbUrl parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("MICRONET_DB_URL is not a valid URL (" + FORM + ")");
    }
    String scheme = uri.getScheme();
    if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
      throw new IllegalArgumentException("MICRONET_DB_URL must start with postgresql://");
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    String path = uri.getPath();
    if (uri.getHost() == null || path == null || path.length() < 2) {
      throw new IllegalArgumentException("MICRONET_DB_URL must name a host and a database: " + FORM);
    }
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    String sslMode = "disable";
    String sslRootCert = null;
    if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
      for (String pair : uri.getRawQuery().split("&")) {
        String[] kv = pair.split("=", 2);
        String name = decode(kv[0]);
        String value = kv.length > 1 ? decode(kv[1]) : "";
        switch (name) {
          case "sslmode" -> sslMode = value;
          case "sslrootcert" -> sslRootCert = value.isBlank() ? null : value;
          default -> throw new IllegalArgumentException("MICRONET_DB_URL: unknown parameter '" + name
            + "' (supported: sslmode, sslrootcert)");
        }
      }
    }
    if (!SSL_MODES.contains(sslMode)) {
      throw new IllegalArgumentException("MICRONET_DB_URL: sslmode must be one of " + String.join(", ", SSL_MODES)
        + ", got '" + sslMode + "'");
    }
    if (sslMode.startsWith("verify-") && sslRootCert == null) {
      throw new IllegalArgumentException("MICRONET_DB_URL: sslmode=" + sslMode
        + " needs sslrootcert=<path of the CA certificate (PEM)> to verify the server with");
    }
    return new DbUrl(uri.getHost(), port, path.substring(1), user, password, sslMode, sslRootCert);
  }

  /** The CA file, if one is named, exists (checked where the configuration is first loaded). */
  void checkFiles() {
    if (sslRootCert != null && !(Files.isRegularFile(Path.of(sslRootCert)) && Files.isReadable(Path.of(sslRootCert)))) {
      throw new IllegalArgumentException("MICRONET_DB_URL: sslrootcert must name a readable PEM file, got '" + sslRootCert + "'");
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "postgresql://" + (user == null ? "" : user + "@") + host + ":" + port + "/" + database
      + ("disable".equals(sslMode) ? "" : "?sslmode=" + sslMode);
  }
}
