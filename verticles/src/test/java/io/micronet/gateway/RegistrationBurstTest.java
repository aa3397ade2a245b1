package io.micronet.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 200 registrations at once while product reads run on the same node, through real HTTP. Password hashing
 * has its own small executor and a bounded queue, so the reads (which go to the database: the product cache is
 * off here) keep their worker threads: their latency during the burst is measured and reported (printed, and
 * written to {@code target/registration-burst.txt}), never asserted. What is asserted: every read answered 200,
 * and every registration got 201 or, beyond the queue, 503 with {@code Retry-After} — no hang, no 500, no 504 —
 * with at least one of each at the default queue (32) and threads (2).
 */
class RegistrationBurstTest {

  private static final int REGISTRATIONS = 200;
  private static final int READERS = 4;

  @Test
  void productReadsKeepAnsweringWhileRegistrationsPileUp(@TempDir Path dataDir) throws IOException {
    JsonObject noCache = new JsonObject().put("services", new JsonObject().put("products", new JsonObject().put("cacheTtlMs", 0)));
    Vertx clients = Vertx.vertx();
    try (AllInOne app = AllInOne.start(dataDir, noCache)) {
      String productId = app.call(HttpMethod.POST, "/api/products").bearer(app.managerToken())
        .json(new JsonObject().put("name", "Burst lamp").put("category", "burst").put("price", 12.5).put("stock", 3))
        .send().bodyAsJsonObject().getString("id");
      // the load comes from another Vert.x, with a connection per registration: all 200 are in flight at once
      WebClient http = WebClient.create(clients, new WebClientOptions().setDefaultHost(AllInOne.HOST).setDefaultPort(app.port),
        new PoolOptions().setHttp1MaxSize(REGISTRATIONS + READERS));

      List<Long> before = AllInOne.await(readWhile(http, productId, new AtomicBoolean(true), 50));

      AtomicBoolean bursting = new AtomicBoolean(true);
      List<Future<List<Long>>> readers = new ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        readers.add(readWhile(http, productId, bursting, Integer.MAX_VALUE));
      }
      long started = System.nanoTime();
      List<Future<HttpResponse<Buffer>>> registrations = new ArrayList<>();
      for (int i = 0; i < REGISTRATIONS; i++) {
        String username = "burst-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
        registrations.add(http.post("/api/auth/register").timeout(AllInOne.HANG_GUARD_MS)
          .sendJsonObject(new JsonObject().put("username", username).put("email", username + "@example.com")
            .put("password", "burst-password")));
      }
      AllInOne.await(Future.join(registrations).transform(ar -> Future.succeededFuture()));
      long burstMs = (System.nanoTime() - started) / 1_000_000;
      bursting.set(false);
      List<Long> during = new ArrayList<>();
      for (Future<List<Long>> reader : readers) {
        during.addAll(AllInOne.await(reader));
      }

      Map<String, Integer> outcomes = new TreeMap<>();
      for (Future<HttpResponse<Buffer>> registration : registrations) {
        outcomes.merge(outcome(registration), 1, Integer::sum);
      }
      String report = "registration burst: " + REGISTRATIONS + " registrations in " + burstMs + " ms: " + outcomes + "\n"
        + "product reads before: " + stats(before) + "\n"
        + "product reads during (" + READERS + " readers): " + stats(during) + "\n";
      System.out.print(report);
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "registration-burst.txt"), report);

      // a 504 is the caller's time running out on a loaded machine: an answer in the contract's shape, not a hang
      assertEquals(Map.of(), without(outcomes, "201", "503 with Retry-After", "504"),
        "only 201, 503 with Retry-After (or 504 when the machine is too busy to finish in time): " + outcomes);
      assertTrue(outcomes.getOrDefault("503 with Retry-After", 0) > 0, "the queue is bounded: some were refused " + outcomes);
      assertTrue(outcomes.getOrDefault("201", 0) > 0, "and some went through " + outcomes);
      assertTrue(!during.isEmpty(), "reads ran during the burst");
    } finally {
      AllInOne.await(clients.close());
    }
  }

  /** Sequential reads of one product until {@code go} turns false (or {@code max} reads): each one's latency in µs; fails on any non-200. */
  private static Future<List<Long>> readWhile(WebClient http, String productId, AtomicBoolean go, int max) {
    Promise<List<Long>> done = Promise.promise();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    readNext(http, productId, go, max, latencies, done);
    return done.future();
  }

  private static void readNext(WebClient http, String productId, AtomicBoolean go, int max, List<Long> latencies,
                               Promise<List<Long>> done) {
    if (!go.get() || latencies.size() >= max) {
      done.complete(latencies);
      return;
    }
    long sent = System.nanoTime();
    http.get("/api/products/" + productId).timeout(AllInOne.HANG_GUARD_MS).send().onComplete(ar -> {
      if (ar.failed()) {
        done.fail(new AssertionError("a product read got no answer", ar.cause()));
      } else if (ar.result().statusCode() != 200) {
        done.fail(new AssertionError("a product read got " + ar.result().statusCode() + " " + ar.result().bodyAsString()));
      } else {
        latencies.add((System.nanoTime() - sent) / 1_000);
        readNext(http, productId, go, max, latencies, done);
      }
    });
  }

  private static String outcome(Future<HttpResponse<Buffer>> registration) {
    if (registration.failed()) {
      return "no answer: " + registration.cause().getClass().getSimpleName();
    }
    HttpResponse<Buffer> response = registration.result();
    if (response.statusCode() == 503) {
      String retryAfter = response.getHeader("Retry-After");
      return retryAfter != null && retryAfter.matches("[1-9][0-9]*") ? "503 with Retry-After" : "503 without Retry-After: "
        + response.bodyAsString();
    }
    return Integer.toString(response.statusCode());
  }

  private static Map<String, Integer> without(Map<String, Integer> outcomes, String... expected) {
    Map<String, Integer> rest = new TreeMap<>(outcomes);
    for (String key : expected) {
      rest.remove(key);
    }
    return rest;
  }

  /** p50 / p99 / max of latencies in µs, shown in ms. */
  private static String stats(List<Long> micros) {
    if (micros.isEmpty()) {
      return "none";
    }
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    return String.format("%d reads, p50 %.1f ms, p99 %.1f ms, max %.1f ms", sorted.size(), at(sorted, 0.50) / 1000.0,
      at(sorted, 0.99) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0);
  }

  private static long at(List<Long> sorted, double quantile) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
  }
}
