package io.micronet.tools.cli;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One WebSocket to the gateway's {@code /ws/chatops} ({@link java.net.http.WebSocket}, blocking: a prompt waits for its
 * answer): the token on the upgrade request, one text frame per command, one text frame back. What goes wrong is one
 * of three: the upgrade refused ({@link Refused}, with its HTTP status), the socket closed ({@link Closed}, with its
 * close code: 4401 is an expired or revoked token), or no gateway at all ({@link CliFailure} UNREACHABLE).
 */
final class ChatConnection implements AutoCloseable {

  /** The close code of a token that expired or was revoked mid-session. */
  static final int TOKEN_EXPIRED = 4401;
  static final String PATH = "/ws/chatops";

  /** The upgrade was answered with an HTTP status instead (401 without a valid token, 404 on an older gateway). */
  static final class Refused extends Exception {
    private final int status;

    Refused(int status) {
      super("HTTP " + status, null, false, false);
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  /**
   * The socket closed: by the server (its code and reason) or under us (code -1); {@code afterSending} when the
   * command had gone out (it may have run), else it certainly did not.
   */
  static final class Closed extends Exception {
    private final int code;
    private final boolean afterSending;

    Closed(int code, String reason, boolean afterSending) {
      super(code < 0 ? (reason == null || reason.isBlank() ? "lost" : reason)
        : reason == null || reason.isBlank() ? "code " + code : reason + ", code " + code, null, false, false);
      this.code = code;
      this.afterSending = afterSending;
    }

    int code() {
      return code;
    }

    boolean afterSending() {
      return afterSending;
    }
  }

  private sealed interface Event permits Text, Gone {
  }

  private record Text(String frame) implements Event {
  }

  private record Gone(int code, String reason) implements Event {
  }

  private final WebSocket socket;
  private final BlockingQueue<Event> events;
  private volatile Gone gone;

  private ChatConnection(WebSocket socket, BlockingQueue<Event> events) {
    this.socket = socket;
    this.events = events;
  }

  /** {@code http(s)://host:port[/path]} of the gateway → {@code ws(s)://host:port[/path]/ws/chatops}. */
  static URI uri(String gatewayBase) {
    String ws = gatewayBase.startsWith("https://") ? "wss://" + gatewayBase.substring(8)
      : "ws://" + gatewayBase.substring(gatewayBase.indexOf("://") + 3);
    return URI.create(ws + PATH);
  }

  static ChatConnection open(URI uri, String token, Duration timeout) throws Refused {
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    CompletableFuture<WebSocket> connecting = http.newWebSocketBuilder().connectTimeout(timeout)
      .header("Authorization", "Bearer " + token).header("User-Agent", "micronet-cli")
      .buildAsync(uri, new Listener(events));
    String where = "no gateway at " + uri + ": ";
    try {
      WebSocket socket = connecting.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      return new ChatConnection(socket, events);
    } catch (ExecutionException e) {
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof WebSocketHandshakeException handshake) {
          throw new Refused(handshake.getResponse().statusCode());
        }
      }
      Throwable cause = e.getCause();
      throw new CliFailure(ExitCodes.UNREACHABLE, where + (cause instanceof IOException io ? Gateway.reason(io)
        : cause == null ? "failed" : cause.getClass().getSimpleName() + " " + cause.getMessage()));
    } catch (TimeoutException e) {
      connecting.cancel(true);
      throw new CliFailure(ExitCodes.UNREACHABLE, where + "no answer within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCodes.UNREACHABLE, "interrupted");
    }
  }

  boolean isOpen() {
    return gone == null && events.stream().noneMatch(Gone.class::isInstance) && !socket.isInputClosed()
      && !socket.isOutputClosed();
  }

  /** Sends one command and waits for its reply frame. */
  String ask(String command, Duration timeout) throws Closed {
    if (!isOpen()) {
      throw closed(false);
    }
    events.removeIf(Text.class::isInstance); // a late reply to an earlier command that timed out is not this one's
    try {
      socket.sendText(new JsonObject().put("command", command).encode(), true)
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (event instanceof Text text) {
        return text.frame();
      }
      if (event instanceof Gone g) {
        gone = g;
        throw closed(true);
      }
      throw new CliFailure(ExitCodes.UNREACHABLE, "no reply within " + timeout.toSeconds() + " s (the command may still run)");
    } catch (ExecutionException e) {
      gone = new Gone(-1, e.getCause() instanceof ClosedChannelException || e.getCause() instanceof IOException
        ? "the connection was lost" : String.valueOf(e.getCause()));
      throw closed(false);
    } catch (TimeoutException e) {
      throw new CliFailure(ExitCodes.UNREACHABLE, "the gateway took no command within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCodes.UNREACHABLE, "interrupted");
    }
  }

  private Closed closed(boolean afterSending) {
    Gone why = gone;
    if (why == null) {
      why = events.stream().filter(Gone.class::isInstance).map(Gone.class::cast).findFirst().orElse(null);
      gone = why;
    }
    return why == null ? new Closed(-1, "the connection was closed", afterSending)
      : new Closed(why.code(), why.reason(), afterSending);
  }

  /** Says goodbye (1000) and lets go without waiting for the server's echo. */
  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      try {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(1, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // gone already: nothing to say goodbye to
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    socket.abort();
  }

  /** Collects whole text frames (they may come in parts) and the close, in order. */
  private static final class Listener implements WebSocket.Listener {
    private final BlockingQueue<Event> events;
    private final StringBuilder partial = new StringBuilder();

    Listener(BlockingQueue<Event> events) {
      this.events = events;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        events.add(new Text(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      events.add(new Gone(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      events.add(new Gone(-1, error instanceof IOException io ? Gateway.reason(io) : String.valueOf(error)));
    }
  }
}
