package io.micronet.gateway;

import io.micronet.shared.messaging.CallContext;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.function.Supplier;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The plain ChatOps WebSocket at {@code /ws/chatops} for terminal tools: the token comes with the upgrade request
 * ({@code Authorization: Bearer}; without a valid one a 401 and no socket), then one JSON command per text frame,
 * one text frame back with the chatops {@code command} action's reply, called through the {@link ServiceRouter}
 * as {@code POST /api/chatops} is. The token is verified again for every frame: once expired or revoked, the reply
 * says UNAUTHORIZED and the socket closes with code {@value #TOKEN_ENDED}. Commands run one after the other, so
 * replies come in the order of the frames.
 */
final class ChatSocket {

  static final String PATH = "/ws/chatops";
  static final short TOKEN_ENDED = 4401;
  /** Commands one socket may have queued; beyond, a frame is answered 429 at once. */
  private static final int MAX_QUEUED = 8;
  private static final Logger LOG = LoggerFactory.getLogger(ChatSocket.class);

  private final ServiceRouter router;
  private final TokenVerifier verifier;
  private final OriginCheck origins;
  private final BridgeSettings settings;

  ChatSocket(ServiceRouter router, TokenVerifier verifier, OriginCheck origins, BridgeSettings settings) {
    this.router = router;
    this.verifier = verifier;
    this.origins = origins;
    this.settings = settings;
  }

  void mount(Router routes) {
    routes.get(PATH).handler(origins::handle).handler(this::upgrade);
  }

  private void upgrade(RoutingContext ctx) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      HttpErrors.write(ctx, ErrorCode.BAD_REQUEST, PATH + " is a WebSocket: send an upgrade request");
      return;
    }
    String token = Envelope.bearerToken(ctx.request().getHeader("Authorization"));
    if (token == null || token.isEmpty()) {
      HttpErrors.write(ctx, ErrorCode.UNAUTHORIZED, "connect with the header 'Authorization: Bearer <token>'");
      return;
    }
    String client = ClientAddress.limitKey(ctx);
    verifier.verify(token)
      .onFailure(e -> HttpErrors.write(ctx, e instanceof ServiceException known ? known
        : new ServiceException(ErrorCode.UNAUTHORIZED, "the token is invalid")))
      .onSuccess(caller -> ctx.request().toWebSocket()
        .onSuccess(ws -> new Session(ws, token, client).start())
        .onFailure(e -> LOG.debug("chatops upgrade failed", kv("client", client), kv("reason", e.getMessage()))));
  }

  /** One connected terminal. */
  private final class Session {
    private final ServerWebSocket ws;
    private final String token;
    private final String client;
    private final FrameRate rate = new FrameRate(settings);
    private Future<?> queue = Future.succeededFuture();
    private int queued;

    Session(ServerWebSocket ws, String token, String client) {
      this.ws = ws;
      this.token = token;
      this.client = client;
    }

    void start() {
      ws.textMessageHandler(this::onCommand);
      ws.binaryMessageHandler(binary -> onFrame(() -> Future.succeededFuture(ChatReplies.failure(
        new ServiceException(ErrorCode.BAD_REQUEST, "frames are text: one JSON object {\"command\":\"…\"}")))));
      // an oversize message or a broken connection: the socket is closed, nothing waits on it
      ws.exceptionHandler(e -> {
        LOG.debug("chatops socket failed", kv("client", client), kv("reason", String.valueOf(e.getMessage())));
        ws.close();
      });
    }

    private void onCommand(String frame) {
      onFrame(() -> {
        String command = ChatReplies.command(frame, settings.maxFrameBytes());
        return verifier.verify(token).compose(caller -> router.route(request(caller, command)))
          .map(ChatReplies::of);
      });
    }

    /** Counts the frame, then queues its answer behind the ones before it. */
    private void onFrame(Supplier<Future<JsonObject>> answer) {
      FrameRate.Verdict verdict = rate.count();
      if (verdict == FrameRate.Verdict.CLOSE) {
        LOG.debug("chatops socket closed: frame flood", kv("client", client));
        ws.close((short) 1008, "too many frames");
        return;
      }
      if (verdict == FrameRate.Verdict.REFUSE || queued >= MAX_QUEUED) {
        write(ChatReplies.failure(new ServiceException(ErrorCode.RATE_LIMITED,
          verdict == FrameRate.Verdict.REFUSE ? "too many frames: at most " + settings.framesPerSecond() + " a second"
            : "too many commands waiting: wait for their replies")));
        return;
      }
      queued++;
      queue = queue.transform(previous -> safely(answer).recover(e -> Future.succeededFuture(ChatReplies.failure(e))))
        .compose(reply -> {
          queued--;
          return write(reply);
        });
    }

    private Future<JsonObject> safely(Supplier<Future<JsonObject>> answer) {
      try {
        return answer.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }

    private Future<Void> write(JsonObject reply) {
      if (ws.isClosed()) {
        return Future.succeededFuture();
      }
      Future<Void> written = ws.writeTextMessage(reply.encode());
      if (ChatReplies.unauthorized(reply)) {
        return written.eventually(() -> ws.close(TOKEN_ENDED, "the token expired or was revoked: log in again"));
      }
      return written;
    }

    private GatewayRequest request(Caller caller, String command) {
      return new GatewayRequest(HttpMethod.POST, "chatops", "command", null, new JsonObject(), new JsonObject(),
        new JsonObject().put("command", command), null, null, caller,
        new CallContext(UUID.randomUUID().toString(), token, null, client));
    }
  }
}
