package io.micronet.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * Opens the other nodes' event-bus connections to a node that has just joined, while it is still starting. Vert.x
 * connects to a node on the first message sent to it, and a new node's first incoming message is otherwise the
 * reconciler's {@code describe} (once its agent is up) and then the gateway's first request: both waited for a TCP and
 * a TLS handshake with a JVM still warming up (measured 1-5 s on a loaded 2-core machine, see README "Benchmark:
 * partitions and restarts"). Here the new node publishes a hello as soon as its node verticle starts, and every other
 * node answers with a message to an address only the new node listens on: the connection is made in parallel with
 * the new node's agent start. The messages carry nothing but the node id and are dropped on arrival.
 */
final class ConnectionWarmup {

  static final String HELLO = "micronet.node.hello";
  static final String WELCOME_PREFIX = "micronet.node.welcome.";

  private final MessageConsumer<String> hello;
  private final MessageConsumer<Object> welcome;

  private ConnectionWarmup(MessageConsumer<String> hello, MessageConsumer<Object> welcome) {
    this.hello = hello;
    this.welcome = welcome;
  }

  /** Listens for other nodes' hellos and for welcomes; says hello once both are known cluster-wide (not awaited). */
  static ConnectionWarmup start(Vertx vertx, String ownNodeId) {
    MessageConsumer<Object> welcome = vertx.eventBus().consumer(WELCOME_PREFIX + ownNodeId, message -> { });
    MessageConsumer<String> hello = vertx.eventBus().consumer(HELLO, message -> {
      String joined = message.body();
      if (joined != null && !joined.equals(ownNodeId)) {
        vertx.eventBus().send(WELCOME_PREFIX + joined, null);
      }
    });
    Future.all(welcome.completion(), hello.completion()).onSuccess(v -> vertx.eventBus().publish(HELLO, ownNodeId));
    return new ConnectionWarmup(hello, welcome);
  }

  Future<Void> stop() {
    return Future.join(hello.unregister(), welcome.unregister()).mapEmpty();
  }
}
