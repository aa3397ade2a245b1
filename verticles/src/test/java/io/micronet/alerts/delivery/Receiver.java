package io.micronet.alerts.delivery;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

import static io.micronet.storage.TestDatabases.await;

/**
 * A webhook receiver for the tests: a real HTTP server on loopback that records every request (headers, exact body
 * bytes, when, the status it answered) and answers with {@code behaviour(n)} for the n-th request (1-based): a status,
 * or 0 to never answer. Used by the delivery tests, the alerts all-in-one and the multi-JVM take-over test.
 */
public final class Receiver implements AutoCloseable {

  public record Received(Map<String, String> headers, Buffer body, long atMillis, String path, int status) {

    public JsonObject json() {
      return new JsonObject(body);
    }

    /** Signed with {@code secret} as a receiver checks it: its own HMAC-SHA256 over the exact bytes received. */
    public boolean signedWith(String secret) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return ("sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes()))).equals(headers.get("X-MicroNet-Signature"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private final HttpServer server;
  private final List<Received> requests = new CopyOnWriteArrayList<>();
  private volatile IntFunction<Integer> behaviour;

  /** A receiver that takes everything (200). */
  public Receiver(Vertx vertx) {
    this(vertx, n -> 200);
  }

  public Receiver(Vertx vertx, IntFunction<Integer> behaviour) {
    this.behaviour = behaviour;
    this.server = await(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      request.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
      int status = behaviour.apply(requests.size() + 1);
      requests.add(new Received(headers, body, System.currentTimeMillis(), request.uri(), status));
      if (status == 0) {
        return;
      }
      if (status >= 300 && status < 400) {
        request.response().putHeader("Location", "http://127.0.0.1:" + port() + "/elsewhere");
      }
      if (status == 429) {
        request.response().putHeader("Retry-After", "0");
      }
      request.response().setStatusCode(status).end("answer body that delivery does not read");
    });
  }

  public void behave(IntFunction<Integer> next) {
    this.behaviour = next;
  }

  int port() {
    return server.actualPort();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  public List<Received> requests() {
    return requests;
  }

  /** The bodies it answered 2xx, in order. */
  public List<JsonObject> delivered() {
    return requests.stream().filter(r -> r.status() >= 200 && r.status() < 300).map(Received::json).toList();
  }

  /** Requests answered 2xx by the current behaviour's count (the test's "received it"). */
  long count(String notificationId) {
    return requests.stream().filter(r -> notificationId.equals(r.headers().get(Payloads.ID_HEADER))).count();
  }

  @Override
  public void close() {
    await(server.close());
  }
}
