package io.micronet.gateway;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.impl.SockJSSocketBase;

/**
 * A bridge socket that counts every message its client sends, before the bridge reads it. The bridge answers a
 * message it cannot read (not JSON, no type, no address, an unknown type) with an error frame of its own, without
 * calling the bridge hook: counted there only, such messages would pass any rate, and a client that sends them
 * without reading the answers makes the gateway hold every answer in memory. Here a flood closes the socket whatever
 * its messages are, and so does a client that has left the answers to its messages unread until the write queue is
 * full. Everything else is the transport's socket as it is. (A {@link SockJSSocketBase} because the bridge closes an
 * idle socket through that class.)
 */
final class CountedSocket extends SockJSSocketBase {

  private final SockJSSocket socket;
  private final FrameRate rate;
  private boolean closed;

  CountedSocket(Vertx vertx, SockJSSocket socket, FrameRate rate) {
    super(vertx, socket.routingContext(), new SockJSHandlerOptions().setRegisterWriteHandler(false));
    this.socket = socket;
    this.rate = rate;
  }

  @Override
  public SockJSSocket handler(Handler<Buffer> handler) {
    socket.handler(handler == null ? null : message -> {
      if (closed) {
        return;
      }
      if (rate.count() == FrameRate.Verdict.CLOSE || socket.writeQueueFull()) {
        closed = true;
        socket.close();
        return;
      }
      handler.handle(message);
    });
    return this;
  }

  @Override
  public void closeAfterSessionExpired() {
    if (socket instanceof SockJSSocketBase base) {
      base.closeAfterSessionExpired();
    } else {
      socket.close();
    }
  }

  // ---- the transport's socket, as it is ----

  @Override
  public SockJSSocket exceptionHandler(Handler<Throwable> handler) {
    socket.exceptionHandler(handler);
    return this;
  }

  @Override
  public SockJSSocket pause() {
    socket.pause();
    return this;
  }

  @Override
  public SockJSSocket resume() {
    socket.resume();
    return this;
  }

  @Override
  public SockJSSocket fetch(long amount) {
    socket.fetch(amount);
    return this;
  }

  @Override
  public SockJSSocket endHandler(Handler<Void> endHandler) {
    socket.endHandler(endHandler);
    return this;
  }

  @Override
  public SockJSSocket closeHandler(Handler<Void> closeHandler) {
    socket.closeHandler(closeHandler);
    return this;
  }

  @Override
  public Future<Void> write(Buffer data) {
    return socket.write(data);
  }

  @Override
  public Future<Void> write(String data) {
    return socket.write(data);
  }

  @Override
  public SockJSSocket setWriteQueueMaxSize(int maxSize) {
    socket.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public SockJSSocket drainHandler(Handler<Void> handler) {
    socket.drainHandler(handler);
    return this;
  }

  @Override
  public String writeHandlerID() {
    return socket.writeHandlerID();
  }

  @Override
  public Future<Void> end() {
    return socket.end();
  }

  @Override
  public void close() {
    socket.close();
  }

  @Override
  public void close(int statusCode, String reason) {
    socket.close(statusCode, reason);
  }

  @Override
  public SocketAddress remoteAddress() {
    return socket.remoteAddress();
  }

  @Override
  public SocketAddress localAddress() {
    return socket.localAddress();
  }

  @Override
  public MultiMap headers() {
    return socket.headers();
  }

  @Override
  public String uri() {
    return socket.uri();
  }

  @Override
  public RoutingContext routingContext() {
    return socket.routingContext();
  }

  @Override
  public Session webSession() {
    return socket.webSession();
  }

  @Override
  public User webUser() {
    return socket.webUser();
  }
}
