package io.micronet.tools.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token cache: private files, one per URL and user, nothing after (or just before) the token expires. */
class TokenCacheTest {

  @TempDir
  Path home;

  private static final String URL = "http://localhost:8000";

  @Test
  void keepsATokenPrivatelyForItsLifetime() throws IOException {
    Instant now = Instant.parse("2025-06-01T12:00:00Z");
    TokenCache cache = new TokenCache(home.resolve("micronet"), Clock.fixed(now, ZoneOffset.UTC));
    cache.write(URL, "manager", "t0k3n", "manager", "manager", 3600);
    TokenCache.Entry entry = cache.read(URL, "manager").orElseThrow();
    assertEquals("t0k3n", entry.token());
    assertEquals("manager", entry.role());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.file(URL, "manager"))));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.dir())));
    try (var files = Files.list(cache.dir())) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }

    TokenCache later = new TokenCache(cache.dir(), Clock.fixed(now.plusSeconds(3600 - TokenCache.MARGIN_SECONDS), ZoneOffset.UTC));
    assertTrue(later.read(URL, "manager").isEmpty(), "dropped shortly before it expires");
    TokenCache before = new TokenCache(cache.dir(), Clock.fixed(now.plusSeconds(3600 - TokenCache.MARGIN_SECONDS - 1), ZoneOffset.UTC));
    assertTrue(before.read(URL, "manager").isPresent());
  }

  @Test
  void oneEntryPerUrlAndUser() throws IOException {
    TokenCache cache = new TokenCache(home.resolve("micronet"), Clock.systemUTC());
    cache.write(URL, "manager", "a", "manager", "manager", 600);
    assertTrue(cache.read(URL, "alice").isEmpty());
    assertTrue(cache.read("http://other:8000", "manager").isEmpty());
    assertNotEquals(cache.file(URL, "manager"), cache.file(URL, "alice"));
    cache.write(URL, "alice", "b", "alice", "client", 600);
    assertEquals("a", cache.read(URL, "manager").orElseThrow().token());
    assertEquals("b", cache.read(URL, "alice").orElseThrow().token());
    cache.remove(URL, "manager");
    assertTrue(cache.read(URL, "manager").isEmpty());
  }

  @Test
  void aDamagedFileIsIgnored() throws IOException {
    TokenCache cache = new TokenCache(home.resolve("micronet"), Clock.systemUTC());
    cache.write(URL, "manager", "a", "manager", "manager", 600);
    Files.writeString(cache.file(URL, "manager"), "{not json");
    assertTrue(cache.read(URL, "manager").isEmpty());
  }

  @Test
  void theDirectoryFollowsXdg() {
    assertEquals(Path.of("/x/cache/micronet"), TokenCache.dirFrom(Map.of("XDG_CACHE_HOME", "/x/cache", "HOME", "/home/a")));
    assertEquals(Path.of("/home/a/.cache/micronet"), TokenCache.dirFrom(Map.of("HOME", "/home/a")));
    assertEquals(Path.of("/home/a/.cache/micronet"), TokenCache.dirFrom(Map.of("XDG_CACHE_HOME", "relative", "HOME", "/home/a")),
      "XDG: a relative path is ignored");
  }
}
