package io.micronet.gateway;

import io.micronet.shared.events.Feeds;
import io.micronet.shared.health.HealthView;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.security.Access;
import io.micronet.shared.security.Caller;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;

import java.util.Map;

/**
 * What the event-bus bridge lets through, as plain decisions on a frame (no network, no socket): deny by default.
 * Inbound a client may only {@code send} to {@value #CHATOPS} and {@code register}/{@code unregister} on the public
 * feeds of CONTRACT.md, each feed with its role rule; nothing is ever published. Every frame carries
 * {@code Authorization: Bearer <JWT>} in its headers; what a send forwards carries no header the client wrote.
 */
final class BridgeGuard {

  /** The public ChatOps address (CONTRACT.md): the only one a client may send to. */
  static final String CHATOPS = Feeds.CHATOPS;

  /** The feeds a client may listen to, and who may. */
  static final Map<String, Access> FEEDS = Map.of(
    Feeds.HEALTH, Access.ANY_ROLE,
    Feeds.BROADCAST, Access.ANY_ROLE,
    Feeds.METRICS, Access.MANAGER,
    Feeds.ACTIVITY, Access.MANAGER,
    Feeds.ALERTS, Access.MANAGER);

  private BridgeGuard() {
  }

  /** Why an inbound frame is refused whatever its token (null: its token decides). */
  static String refusal(BridgeEventType type, JsonObject frame) {
    String address = frame.getValue("address") instanceof String text ? text : null;
    Object replyAddress = frame.getValue("replyAddress");
    return switch (type) {
      case SEND -> !CHATOPS.equals(address) ? "sending is permitted only to " + CHATOPS
        : replyAddress != null && (!(replyAddress instanceof String reply) || FEEDS.containsKey(reply)) ? "bad reply address" : null;
      case PUBLISH -> "publishing is not permitted";
      case REGISTER, UNREGISTER -> FEEDS.containsKey(address) ? null : "not a feed a client may listen to";
      default -> "not a client frame";
    };
  }

  /**
   * The token of a frame's {@code Authorization: Bearer} header (the name in any case); null when there is none, it is
   * malformed, or the frame names two (which one would be meant is no guess to make).
   */
  static String token(JsonObject frame) {
    if (!(frame.getValue("headers") instanceof JsonObject headers)) {
      return null;
    }
    String token = null;
    for (String name : headers.fieldNames()) {
      if (Envelope.AUTHORIZATION.equalsIgnoreCase(name)) {
        String value = headers.getValue(name) instanceof String text ? Envelope.bearerToken(text) : null;
        if (token != null || value == null || value.isEmpty()) {
          return null;
        }
        token = value;
      }
    }
    return token;
  }

  /** Who may listen to {@code address}; null when it is no feed. */
  static Access listeners(String address) {
    return address == null ? null : FEEDS.get(address);
  }

  /** Whether the verified caller may do what the frame asks: listen to a feed by its rule, anything else as any user. */
  static boolean admits(BridgeEventType type, String address, Caller caller) {
    Access access = type == BridgeEventType.REGISTER ? FEEDS.get(address) : Access.ANY_ROLE;
    return access != null && access.admits(caller);
  }

  /**
   * The send as it goes on the bus: its body and reply address as the client wrote them, its headers replaced by
   * the verified token and a fresh request id (a header such as {@code x-client-address} or another user's
   * {@code authorization} never reaches the service).
   */
  static JsonObject forwarded(JsonObject frame, String token, String requestId) {
    JsonObject forwarded = new JsonObject().put("type", frame.getValue("type")).put("address", frame.getValue("address"))
      .put("body", frame.getValue("body"))
      .put("headers", new JsonObject().put(Envelope.AUTHORIZATION, "Bearer " + token).put(Envelope.REQUEST_ID, requestId));
    if (frame.getValue("replyAddress") != null) {
      forwarded.put("replyAddress", frame.getValue("replyAddress"));
    }
    return forwarded;
  }

  /** A message as a client receives it: address and body only, no internal header and no reply address of the bus. */
  static JsonObject delivered(JsonObject envelope) {
    return new JsonObject().put("type", envelope.getValue("type")).put("address", envelope.getValue("address"))
      .put("body", envelope.getValue("body"));
  }

  /**
   * A feed message as {@code caller} receives it: a health snapshot names nodes, instances and the monitor's leader,
   * which are a manager's to know (as on {@code /status}); anyone else gets each service's status, counts and reasons.
   */
  static JsonObject deliveredTo(JsonObject envelope, Caller caller) {
    JsonObject delivered = delivered(envelope);
    if (Feeds.HEALTH.equals(envelope.getValue("address")) && !caller.isManager() && delivered.getValue("body") instanceof JsonObject body
      && "snapshot".equals(body.getValue("type"))) {
      JsonObject services = HealthView.fromSnapshot(body).map(view -> view.toStatusJson("monitor").getJsonObject("services"))
        .orElse(new JsonObject());
      delivered.put("body", new JsonObject().put("type", "snapshot").put("time", body.getValue("time")).put("status", body.getValue("status"))
        .put("everySeconds", body.getValue("everySeconds")).put("services", services));
    }
    return delivered;
  }
}
