package io.micronet.tools.cli;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Tokens kept between runs, one file per gateway URL and user ({@code $XDG_CACHE_HOME/micronet/} or
 * {@code ~/.cache/micronet/}, the directory 0700, each file 0600, written whole and renamed into place), each
 * until shortly before the token expires. A file that cannot be read or does not match is ignored: the cache only
 * ever saves a login.
 */
final class TokenCache {

  /** A token is dropped this long before it expires, so that it does not run out during a command. */
  static final long MARGIN_SECONDS = 30;

  private final Path dir;
  private final Clock clock;

  TokenCache(Path dir, Clock clock) {
    this.dir = dir;
    this.clock = clock;
  }

  /** The cache directory the XDG base-directory convention names, from the given environment. */
  static Path dirFrom(Map<String, String> env) {
    String xdg = env.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "micronet");
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(home, ".cache", "micronet");
  }

  Path dir() {
    return dir;
  }

  /** What is kept of a login: the token, who it names (for messages) and when it stops being used. */
  record Entry(String token, String username, String role, long expiresAtEpochSecond) {
  }

  Optional<Entry> read(String url, String user) {
    try {
      JsonObject json = new JsonObject(Files.readString(file(url, user), StandardCharsets.UTF_8));
      Entry entry = new Entry(json.getString("token"), json.getString("username"), json.getString("role"),
        json.getLong("expiresAt"));
      boolean mine = url.equals(json.getString("url")) && user.equals(json.getString("user"));
      boolean fresh = entry.expiresAtEpochSecond() - MARGIN_SECONDS > clock.instant().getEpochSecond();
      return mine && fresh && entry.token() != null && !entry.token().isBlank() ? Optional.of(entry) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Keeps a token for {@code expiresInSeconds}; a cache that cannot be written is reported, never fatal. */
  void write(String url, String user, String token, String username, String role, long expiresInSeconds) throws IOException {
    JsonObject json = new JsonObject().put("url", url).put("user", user).put("username", username).put("role", role)
      .put("expiresAt", clock.instant().getEpochSecond() + expiresInSeconds).put("token", token);
    createPrivateDir();
    Path temp = Files.createTempFile(dir, ".token-", ".tmp", owner("rw-------"));
    try {
      Files.writeString(temp, json.encodePrettily(), StandardCharsets.UTF_8);
      Files.move(temp, file(url, user), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  void remove(String url, String user) {
    try {
      Files.deleteIfExists(file(url, user));
    } catch (IOException e) {
      // an unreadable file is ignored on read anyway
    }
  }

  Path file(String url, String user) {
    return dir.resolve("token-" + sha256(url + "\n" + user).substring(0, 32) + ".json");
  }

  private void createPrivateDir() throws IOException {
    try {
      Files.createDirectories(dir.getParent());
      Files.createDirectory(dir, owner("rwx------"));
    } catch (FileAlreadyExistsException e) {
      // kept as it is: the user may have chosen other modes for a directory of their own
    }
  }

  private FileAttribute<?>[] owner(String permissions) {
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))}
      : new FileAttribute<?>[0];
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
