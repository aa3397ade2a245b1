package io.micronet.gateway;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's page names its libraries by path (/webjars/chart.js/4.4.7/…, /vendor/…): every one of them must be
 * in the jar the gateway serves from, so that bumping a WebJar's version in the pom without the page (or the other
 * way round) fails here rather than in a browser. Also: the page carries no inline script or style, which the
 * Content-Security-Policy would refuse.
 */
class DashboardLibrariesTest {

  private static final Pattern SOURCES = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"");

  @Test
  void everyScriptAndStylesheetOfThePageIsServed() throws IOException {
    String page = resource("webroot/index.html");
    List<String> paths = new ArrayList<>();
    Matcher matcher = SOURCES.matcher(page);
    while (matcher.find()) {
      paths.add(matcher.group(1));
    }
    assertTrue(paths.stream().anyMatch(p -> p.startsWith("/webjars/chart.js/")), "chart.js is loaded: " + paths);
    assertTrue(paths.stream().anyMatch(p -> p.startsWith("/webjars/cytoscape/")), "cytoscape is loaded: " + paths);
    assertTrue(paths.stream().anyMatch(p -> p.startsWith("/webjars/sockjs-client/")), "sockjs is loaded: " + paths);
    assertTrue(paths.contains("/vendor/vertx-eventbus.js"), "the bridge client is loaded: " + paths);
    for (String path : paths) {
      if (path.equals("/docs") || path.equals("/status")) {
        continue;
      }
      String resource = path.startsWith("/webjars/") ? "META-INF/resources" + path : "webroot" + path;
      try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
        assertNotNull(in, path + " is on the classpath as " + resource);
      }
    }
  }

  @Test
  void thePageHasNoInlineScriptOrStyle() throws IOException {
    String page = resource("webroot/index.html");
    Matcher scripts = Pattern.compile("<script([^>]*)>").matcher(page);
    while (scripts.find()) {
      assertTrue(scripts.group(1).contains("src="), "every script is a file: <script" + scripts.group(1) + ">");
    }
    assertFalse(page.contains("style="), "no style attribute");
    assertFalse(page.contains("<style"), "no style element");
  }

  @Test
  void theVendoredClientKeepsItsLicence() throws IOException {
    assertTrue(resource("webroot/vendor/LICENSE").contains("Apache License"), "the Apache-2.0 text is next to it");
    assertTrue(resource("webroot/vendor/package-lock.json").contains("\"@vertx/eventbus-bridge-client.js\""), "pinned by the lock file");
    assertEquals(1, countOf(resource("webroot/vendor/package-lock.json"), "node_modules/@vertx/eventbus-bridge-client.js\""));
  }

  private static int countOf(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }

  private String resource(String name) throws IOException {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(name)) {
      assertNotNull(in, name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
