package io.micronet.gateway;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.security.Access;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.TokenVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The SockJS event-bus bridge at {@code /eventbus} (SockJS WebSocket and XHR transports, and a raw WebSocket at
 * {@code /eventbus/websocket}). The permitted options name exact addresses ({@link BridgeGuard}); this hook decides
 * every frame again: rate and size, the address, the token of its {@code Authorization} header (verified on every
 * frame), the role; a send goes on with only the verified token and a fresh request id as headers. Every delivery
 * to a socket re-verifies the token its registration was made with, so an expired or revoked token (a role change)
 * stops a feed. Refusals reach the client as the bridge's {@code {"type":"err","body":"rejected"}}.
 */
final class EventBusBridge {

  private static final Logger LOG = LoggerFactory.getLogger(EventBusBridge.class);
  /** Commands one socket may have waiting for their reply (the bridge counts them with its registrations). */
  private static final int MAX_PENDING_REPLIES = 16;

  private final Vertx vertx;
  private final TokenVerifier verifier;
  private final OriginCheck origins;
  private final BridgeSettings settings;
  private final Map<SockJSSocket, BridgeSocket> sockets = new ConcurrentHashMap<>();

  EventBusBridge(Vertx vertx, TokenVerifier verifier, OriginCheck origins, BridgeSettings settings) {
    this.vertx = vertx;
    this.verifier = verifier;
    this.origins = origins;
    this.settings = settings;
  }

  /** Mounts the bridge under {@code /eventbus}: origin check, body limit (XHR sends), then SockJS. */
  void mount(Router router) {
    // EventSource, htmlfile and JSONP are not needed by the clients we serve (WebSocket, XHR): less to defend
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions().setInsertJSESSIONID(false)
      .addDisabledTransport(Transport.EVENT_SOURCE.name()).addDisabledTransport(Transport.HTML_FILE.name())
      .addDisabledTransport(Transport.JSON_P.name());
    SockJSBridgeOptions options = new SockJSBridgeOptions()
      .addInboundPermitted(new PermittedOptions().setAddress(BridgeGuard.CHATOPS))
      .setPingTimeout(settings.pingTimeoutMs())
      .setMaxHandlersPerSocket(BridgeGuard.FEEDS.size() + MAX_PENDING_REPLIES);
    BridgeGuard.FEEDS.keySet().forEach(feed -> options.addOutboundPermitted(new PermittedOptions().setAddress(feed)));
    router.route("/eventbus/*").handler(origins::handle);
    router.route("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(settings.maxFrameBytes()))
      .failureHandler(ctx -> HttpErrors.write(ctx, ctx.statusCode() == 413 ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.BAD_REQUEST,
        ctx.statusCode() == 413 ? "a bridge request is at most " + settings.maxFrameBytes() + " bytes" : "malformed bridge request"));
    // the bridge itself, over sockets that count every message first (CountedSocket: also the ones the bridge cannot read)
    EventBusBridgeImpl bridge = new EventBusBridgeImpl(vertx, null, options, this::handle);
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, sockJs)
      .socketHandler(socket -> bridge.handle(new CountedSocket(vertx, socket, new FrameRate(settings)))));
  }

  /** The bridge's hook: called for every socket event, every inbound frame and every delivery. */
  void handle(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    switch (event.type()) {
      case SOCKET_CREATED -> {
        BridgeSocket state = new BridgeSocket(new FrameRate(settings), MAX_PENDING_REPLIES);
        sockets.put(socket, state);
        // a socket that never shows a valid token is closed: without it, anyone could hold sockets open with pings
        vertx.setTimer(settings.pingTimeoutMs(), id -> {
          if (!state.admittedOnce() && sockets.containsKey(socket)) {
            LOG.debug("bridge closed a socket that showed no valid token", kv("client", remote(socket)));
            socket.close();
          }
        });
        event.complete(true);
      }
      case SOCKET_CLOSED -> {
        sockets.remove(socket);
        event.complete(true);
      }
      case SEND, PUBLISH, REGISTER, UNREGISTER -> inbound(event, sockets.get(socket));
      case RECEIVE -> outbound(event, sockets.get(socket));
      case SOCKET_PING -> {
        // a ping is harmless, but a flood of them is still a flood
        BridgeSocket state = sockets.get(socket);
        event.complete(state == null || state.rate.count() != FrameRate.Verdict.CLOSE || close(socket));
      }
      default -> event.complete(true);
    }
  }

  private void inbound(BridgeEvent event, BridgeSocket state) {
    JsonObject frame = event.getRawMessage();
    if (state == null) {
      refuse(event, "the socket is closed");
      return;
    }
    FrameRate.Verdict rate = state.rate.count();
    if (rate == FrameRate.Verdict.CLOSE) {
      refuse(event, "far too many frames: socket closed");
      close(event.socket());
      return;
    }
    String refusal = rate == FrameRate.Verdict.REFUSE ? "too many frames"
      : frame.toBuffer().length() > settings.maxFrameBytes() ? "frame too large" : BridgeGuard.refusal(event.type(), frame);
    String token = BridgeGuard.token(frame);
    if (refusal == null && token == null) {
      refusal = "no bearer token in the frame's headers";
    }
    if (refusal != null) {
      refuse(event, refusal);
      return;
    }
    String address = frame.getString("address");
    verifier.verify(token).onComplete(verified -> {
      if (verified.failed()) {
        refuse(event, "token refused: " + verified.cause().getMessage());
      } else if (!BridgeGuard.admits(event.type(), address, verified.result())) {
        refuse(event, "role " + verified.result().role() + " may not");
      } else {
        admit(event, state, frame, token);
      }
    });
  }

  private void admit(BridgeEvent event, BridgeSocket state, JsonObject frame, String token) {
    state.admitted();
    String address = frame.getString("address");
    switch (event.type()) {
      case SEND -> {
        state.expectReply(frame.getString("replyAddress"));
        event.setRawMessage(BridgeGuard.forwarded(frame, token, UUID.randomUUID().toString()));
      }
      case REGISTER -> state.listen(address, token);
      case UNREGISTER -> state.stopListening(address);
      default -> {
      }
    }
    event.complete(true);
  }

  /** A delivery: a feed only with the registration's token still valid and admitted, a reply only to its own command. */
  private void outbound(BridgeEvent event, BridgeSocket state) {
    JsonObject envelope = event.getRawMessage();
    String address = envelope.getValue("address") instanceof String text ? text : null;
    Access access = BridgeGuard.listeners(address);
    if (state == null) {
      event.complete(false);
      return;
    }
    if (access == null) {
      deliverIf(event, state.takeReply(address) ? BridgeGuard.delivered(envelope) : null, envelope);
      return;
    }
    String token = state.listenerToken(address);
    if (token == null) {
      deliverIf(event, null, envelope);
      return;
    }
    verifier.verify(token).onComplete(verified -> {
      Caller caller = verified.succeeded() ? verified.result() : null;
      deliverIf(event, caller != null && access.admits(caller) ? BridgeGuard.deliveredTo(envelope, caller) : null, envelope);
    });
  }

  /** Delivers {@code delivered} (what this client may see of the message); null: nothing. */
  private void deliverIf(BridgeEvent event, JsonObject delivered, JsonObject envelope) {
    boolean allowed = delivered != null;
    if (allowed) {
      event.setRawMessage(delivered);
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("bridge withheld a delivery", kv("client", remote(event.socket())), kv("address", envelope.getValue("address")));
    }
    event.complete(allowed);
  }

  private void refuse(BridgeEvent event, String reason) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("bridge refused a frame", kv("client", remote(event.socket())), kv("type", event.type().name()),
        kv("address", event.getRawMessage() == null ? null : event.getRawMessage().getValue("address")), kv("reason", reason));
    }
    event.complete(false);
  }

  private static boolean close(SockJSSocket socket) {
    socket.close();
    return false;
  }

  private static String remote(SockJSSocket socket) {
    return socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().toString();
  }
}
