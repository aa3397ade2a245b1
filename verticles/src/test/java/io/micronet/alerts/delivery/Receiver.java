package io.micronet.alerts.delivery;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

import static io.micronet.storage.TestDatabases.await;

/**
 * A webhook receiver for the tests: a real HTTP server on loopback that records every request (headers, exact body
 * bytes, when) and answers with {@code behaviour(n)} for the n-th request (1-based): a status, or 0 to never answer.
 */
final class Receiver implements AutoCloseable {

  record Received(Map<String, String> headers, Buffer body, long atMillis, String path) {
  }

  private final HttpServer server;
  private final List<Received> requests = new CopyOnWriteArrayList<>();
  private volatile IntFunction<Integer> behaviour;

  Receiver(Vertx vertx, IntFunction<Integer> behaviour) {
    this.behaviour = behaviour;
    this.server = await(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      request.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
      requests.add(new Received(headers, body, System.currentTimeMillis(), request.uri()));
      int status = behaviour.apply(requests.size());
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

  void behave(IntFunction<Integer> next) {
    this.behaviour = next;
  }

  int port() {
    return server.actualPort();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  List<Received> requests() {
    return requests;
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
