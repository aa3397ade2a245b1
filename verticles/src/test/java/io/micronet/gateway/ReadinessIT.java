package io.micronet.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.micronet.gateway.AllInOne.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code GET /health/ready} through a database outage: the all-in-one on a PostgreSQL of its own
 * ({@code scripts/test-postgres} on a private port and directory, so no other test loses its database), ready;
 * PostgreSQL stopped → 503 naming users, products and orders; PostgreSQL back → ready again (polled; the time
 * it took is printed, not asserted). Skipped, saying so, where PostgreSQL is not installed.
 */
class ReadinessIT {

  private static final Path SCRIPT = Path.of("..", "scripts", "test-postgres").toAbsolutePath().normalize();

  @TempDir
  Path dataDir;

  @Test
  void readinessFollowsTheDatabaseDownAndBackUp() throws Exception {
    assumeTrue(postgresInstalled(), "PostgreSQL binaries are missing (/usr/lib/postgresql/*/bin): "
      + "ReadinessIT needs them to stop and restart a database; install Debian's postgresql to run it");
    String port = Integer.toString(AllInOne.freePort());
    String dir = "/tmp/micronet-readiness-pg-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      String url = postgres("start", port, dir).strip();
      try (AllInOne app = AllInOne.start(dataDir, new JsonObject()
        .put("storage", new JsonObject().put("dbUrl", url).put("poolSize", 2))
        .put("http", new JsonObject().put("readinessTimeoutMs", 1000)))) {
        HttpResponse<Buffer> ready = app.call(HttpMethod.GET, "/health/ready").send();
        assertEquals(200, ready.statusCode(), ready.bodyAsString());

        postgres("pause", port, dir);
        long stoppedAt = System.nanoTime();
        HttpResponse<Buffer> notReady = AllInOne.poll(() -> app.call(HttpMethod.GET, "/health/ready").send(),
          response -> response.statusCode() != 200 && allDown(response));
        System.out.printf("[readiness-it] PostgreSQL stopped → 503 for all three after %d ms: %s%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt), notReady.bodyAsString());
        JsonObject error = assertError(notReady, 503, "SERVICE_UNAVAILABLE");
        for (String service : List.of("users", "products", "orders")) {
          assertTrue(error.getString("message").contains(service), error.encode());
          assertTrue(error.getJsonObject("details").getJsonObject("checks").getString(service).startsWith("DOWN: "),
            error.encode());
        }
        assertEquals(200, app.call(HttpMethod.GET, "/health").send().statusCode(), "liveness is not readiness");

        postgres("start", port, dir);
        long startedAt = System.nanoTime();
        HttpResponse<Buffer> back = AllInOne.poll(() -> app.call(HttpMethod.GET, "/health/ready").send(),
          response -> response.statusCode() == 200);
        System.out.printf("[readiness-it] PostgreSQL started → 200 after %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
        assertEquals("UP", back.bodyAsJson(JsonObject.class).getString("status"));
      }
    } finally {
      postgres("stop", port, dir);
    }
  }

  private static boolean allDown(HttpResponse<Buffer> response) {
    JsonObject checks = new JsonObject(response.bodyAsString()).getJsonObject("error").getJsonObject("details")
      .getJsonObject("checks");
    return checks.fieldNames().stream().noneMatch(service -> "UP".equals(checks.getString(service)));
  }

  private static boolean postgresInstalled() {
    File[] versions = new File("/usr/lib/postgresql").listFiles();
    if (versions == null) {
      return false;
    }
    for (File version : versions) {
      if (new File(version, "bin/pg_ctl").canExecute()) {
        return true;
      }
    }
    return false;
  }

  /** Runs {@code scripts/test-postgres COMMAND} on the private port and directory; its standard output. */
  private static String postgres(String command, String port, String dir) throws IOException, InterruptedException {
    Path log = Files.createTempFile("test-postgres", ".log");
    ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString(), command).redirectError(log.toFile());
    builder.environment().put("MICRONET_TEST_PG_PORT", port);
    builder.environment().put("MICRONET_TEST_PG_DIR", dir);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("scripts/test-postgres " + command + " did not finish in 120 s");
    }
    String errors = Files.readString(log);
    Files.deleteIfExists(log);
    assertEquals(0, process.exitValue(), () -> "scripts/test-postgres " + command + " failed: " + errors);
    return out;
  }
}
