package io.micronet.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A test client of the event-bus bridge, speaking the vertx-eventbus JSON frames ({@code send}, {@code register},
 * {@code ping} … in; {@code rec}, {@code err} out) over one of three transports: the raw WebSocket
 * ({@code /eventbus/websocket}, one frame per message), SockJS over WebSocket ({@code /eventbus/<server>/<session>/websocket},
 * SockJS framing {@code o}, {@code a[…]}, {@code h}, {@code c[…]}), or SockJS over XHR ({@code xhr} polling and
 * {@code xhr_send}). Frames received wait in a queue for the test thread; every wait is bounded.
 */
final class BridgeClient implements AutoCloseable {

  enum Transport { RAW_WEBSOCKET, SOCKJS_WEBSOCKET, SOCKJS_XHR }

  private final Vertx vertx;
  private final Transport transport;
  private final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
  private final String sessionPath = "/eventbus/" + (100 + (int) (Math.random() * 800)) + "/" + UUID.randomUUID().toString().replace("-", "");
  private final String origin;
  private final int port;
  private WebSocketClient wsClient;
  private volatile WebSocket ws;
  private WebClient http;
  private volatile boolean closed;
  private long pingTimer = -1;

  private BridgeClient(Vertx vertx, int port, Transport transport, String origin) {
    this.vertx = vertx;
    this.port = port;
    this.transport = transport;
    this.origin = origin;
  }

  /** Connects (bounded wait) and pings every second, as the browser client does, unless {@code ping} is false. */
  static BridgeClient connect(Vertx vertx, int port, Transport transport, String origin, boolean ping) {
    BridgeClient client = new BridgeClient(vertx, port, transport, origin);
    AllInOne.await(client.open());
    if (ping) {
      client.pingTimer = vertx.setPeriodic(1000, id -> client.write(new JsonObject().put("type", "ping")));
    }
    return client;
  }

  /** A client not yet connected: {@link #open()} connects it (without pings). */
  static BridgeClient unopened(Vertx vertx, int port, Transport transport, String origin) {
    return new BridgeClient(vertx, port, transport, origin);
  }

  static BridgeClient connect(Vertx vertx, int port, Transport transport) {
    return connect(vertx, port, transport, null, true);
  }

  /** Opens the transport only; a refused connection fails the future. */
  Future<Void> open() {
    switch (transport) {
      case RAW_WEBSOCKET -> {
        return websocket("/eventbus/websocket", socket -> socket.handler(buffer -> received.add(new JsonObject(buffer)))).mapEmpty();
      }
      case SOCKJS_WEBSOCKET -> {
        Promise<Void> opened = Promise.promise();
        return websocket(sessionPath + "/websocket", socket -> socket.textMessageHandler(text -> {
          if (text.startsWith("o")) {
            opened.tryComplete();
          } else {
            sockJs(text);
          }
        })).compose(socket -> opened.future());
      }
      default -> {
        // no keep-alive: Vert.x ends each XHR poll by closing its connection (without "Connection: close"), and a
        // pooled connection reused at that moment fails the request (a browser retries it)
        http = WebClient.create(vertx, new WebClientOptions().setDefaultHost(AllInOne.HOST).setDefaultPort(port).setKeepAlive(false));
        return xhr("/xhr", null).compose(open -> {
          if (open.statusCode() != 200 || !open.bodyAsString().startsWith("o")) {
            return Future.failedFuture(new IllegalStateException("xhr open: " + open.statusCode() + " " + open.bodyAsString()));
          }
          poll();
          return Future.succeededFuture();
        });
      }
    }
  }

  /**
   * Connects with the handlers set before the upgrade: a future's callbacks added from the test thread may come after
   * the socket was resumed, and the SockJS open frame, sent right after the upgrade, would reach no handler.
   */
  private Future<WebSocket> websocket(String uri, Consumer<ClientWebSocket> handlers) {
    wsClient = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(AllInOne.HOST).setPort(port).setURI(uri);
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    ClientWebSocket socket = wsClient.webSocket();
    handlers.accept(socket);
    socket.closeHandler(v -> closed = true);
    return socket.connect(options).onSuccess(connected -> ws = socket);
  }

  /** XHR long polling: the next poll as soon as the last one answered, until the session closes. */
  private void poll() {
    if (closed) {
      return;
    }
    Future<HttpResponse<Buffer>> polled;
    try {
      polled = xhr("/xhr", null);
    } catch (IllegalStateException clientClosed) {
      closed = true;
      return;
    }
    polled.onComplete(answer -> {
      if (answer.failed() || answer.result().statusCode() != 200) {
        closed = true;
        return;
      }
      for (String line : answer.result().bodyAsString().split("\n")) {
        sockJs(line);
      }
      poll();
    });
  }

  private Future<HttpResponse<Buffer>> xhr(String suffix, Buffer body) {
    var request = http.request(HttpMethod.POST, sessionPath + suffix).timeout(AllInOne.HANG_GUARD_MS * 2);
    if (origin != null) {
      request.putHeader("Origin", origin);
    }
    return body == null ? request.send() : request.putHeader("Content-Type", "text/plain").sendBuffer(body);
  }

  /** One SockJS frame: {@code a[...]} carries messages, {@code c[...]} closes, {@code h} is a heartbeat. */
  private void sockJs(String text) {
    if (text.startsWith("a")) {
      new JsonArray(text.substring(1)).forEach(message -> received.add(new JsonObject((String) message)));
    } else if (text.startsWith("c")) {
      closed = true;
    }
  }

  /** Sends one bridge frame as it is. */
  Future<?> write(JsonObject frame) {
    return writeText(frame.encode());
  }

  /** Sends text as one message of the transport (SockJS transports wrap it in their array). */
  Future<?> writeText(String text) {
    return switch (transport) {
      case RAW_WEBSOCKET -> ws.writeTextMessage(text);
      case SOCKJS_WEBSOCKET -> ws.writeTextMessage(new JsonArray().add(text).encode());
      case SOCKJS_XHR -> xhr("/xhr_send", new JsonArray().add(text).toBuffer());
    };
  }

  /** The status of an {@code xhr_send} of this text (XHR transport only): 204 taken, 413 too large … */
  int xhrSendStatus(String text) {
    assertEquals(Transport.SOCKJS_XHR, transport);
    return AllInOne.await(xhr("/xhr_send", new JsonArray().add(text).toBuffer())).statusCode();
  }

  void send(String address, String token, Object body, String replyAddress) {
    write(frame("send", address, token, body, replyAddress));
  }

  void register(String address, String token) {
    write(frame("register", address, token, null, null));
  }

  static JsonObject frame(String type, String address, String token, Object body, String replyAddress) {
    JsonObject frame = new JsonObject().put("type", type).put("address", address);
    if (token != null) {
      frame.put("headers", new JsonObject().put("Authorization", "Bearer " + token));
    }
    if (body != null) {
      frame.put("body", body);
    }
    if (replyAddress != null) {
      frame.put("replyAddress", replyAddress);
    }
    return frame;
  }

  /** The next frame received (bounded wait: fails rather than hangs). */
  JsonObject next() {
    try {
      JsonObject frame = received.poll(AllInOne.HANG_GUARD_MS, TimeUnit.MILLISECONDS);
      if (frame == null) {
        fail(transport + ": no frame within the guard");
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Frames up to and including the first that {@code last} accepts, in order. */
  List<JsonObject> until(Predicate<JsonObject> last) {
    List<JsonObject> frames = new ArrayList<>();
    JsonObject frame;
    do {
      frame = next();
      frames.add(frame);
    } while (!last.test(frame));
    return frames;
  }

  /** Whatever arrived so far, without waiting. */
  List<JsonObject> drain() {
    List<JsonObject> frames = new ArrayList<>();
    received.drainTo(frames);
    return frames;
  }

  boolean isClosed() {
    return closed;
  }

  /** Waits (bounded) until the server closed the connection; false if it did not. */
  boolean awaitClosed() {
    for (int i = 0; i < AllInOne.HANG_GUARD_MS / 100 && !closed; i++) {
      AllInOne.sleep(100);
    }
    return closed;
  }

  Transport transport() {
    return transport;
  }

  @Override
  public void close() {
    vertx.cancelTimer(pingTimer);
    closed = true;
    if (ws != null) {
      ws.close();
    }
    if (wsClient != null) {
      wsClient.close();
    }
    if (http != null) {
      http.close();
    }
  }
}
