package io.micronet.gateway;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * The ChatOps WebSocket's side of the protocol, as plain functions: reading a frame's command, and turning what
 * the chatops service answered (or what went wrong on the way) into the one reply shape
 * {@code {"ok","text","data"}} with the contract's {@code "error"} when ok is false.
 */
final class ChatReplies {

  private static final Logger LOG = LoggerFactory.getLogger(ChatReplies.class);

  private ChatReplies() {
  }

  /** The command of a text frame {@code {"command":"…"}}; a {@link ServiceException} (400/413) for anything else. */
  static String command(String frame, int maxFrameBytes) {
    if (frame.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes) {
      throw new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "a frame is at most " + maxFrameBytes + " bytes");
    }
    JsonObject json;
    try {
      json = new JsonObject(frame);
    } catch (DecodeException | ClassCastException e) {
      throw new ServiceException(ErrorCode.BAD_REQUEST, "a frame is one JSON object: {\"command\":\"…\"}");
    }
    if (!(json.getValue("command") instanceof String command)) {
      throw new ServiceException(ErrorCode.BAD_REQUEST, "the frame needs \"command\": a string, such as {\"command\":\"help\"}");
    }
    return command;
  }

  /** What the chatops service answered (any status): its reply as it is, or the contract error it sent made a reply. */
  static JsonObject of(UpstreamReply reply) {
    JsonObject body;
    try {
      body = new JsonObject(reply.body());
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      return failure(new ServiceException(ErrorCode.BAD_GATEWAY, "the chatops service gave an answer that is not JSON"));
    }
    if (body.containsKey("ok")) {
      return body;
    }
    JsonObject error = body.getJsonObject("error");
    if (error == null) {
      return new JsonObject().put("ok", reply.status() < 400).put("text", "").put("data", body);
    }
    return new JsonObject().put("ok", false).put("text", error.getString("message", "failed")).putNull("data").put("error", error);
  }

  /** A failure on the way (no instance, timeout, a refusal here) as a reply. */
  static JsonObject failure(Throwable failure) {
    if (failure instanceof UpstreamFailure upstream) {
      return of(upstream.reply());
    }
    ServiceException known = failure instanceof ServiceException e ? e : null;
    if (known == null) {
      LOG.error("chatops socket failure", failure);
      known = new ServiceException(ErrorCode.INTERNAL_ERROR, "the gateway failed to handle the command");
    }
    return new JsonObject().put("ok", false).put("text", known.getMessage()).putNull("data")
      .put("error", known.toJson().getJsonObject("error"));
  }

  static boolean unauthorized(JsonObject reply) {
    JsonObject error = reply.getValue("error") instanceof JsonObject e ? e : null;
    return error != null && ErrorCode.UNAUTHORIZED.name().equals(error.getString("code"));
  }
}
