package io.micronet.shared.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** {@code postgresql://user:pass@host:port/db}, parsed once; the password never appears in {@link #toString()}. */
public record DbUrl(String host, int port, String database, String user, String password) {

  public static DbUrl parse(String url) {
    try {
      URI uri = new URI(url);
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
        throw new IllegalArgumentException("MICRONET_DB_URL must name a host and a database: postgresql://user:pass@host:port/db");
      }
      int port = uri.getPort() == -1 ? 5432 : uri.getPort();
      return new DbUrl(uri.getHost(), port, path.substring(1), user, password);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("MICRONET_DB_URL is not a valid URL (postgresql://user:pass@host:port/db)");
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "postgresql://" + (user == null ? "" : user + "@") + host + ":" + port + "/" + database;
  }
}
