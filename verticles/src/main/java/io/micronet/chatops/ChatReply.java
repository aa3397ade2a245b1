package io.micronet.chatops;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.json.JsonObject;

/**
 * What a command answers (CONTRACT.md): {@code ok}, {@code text} for people, {@code data} for programs. A failed one
 * also carries the contract's error ({@code error: {code, message, details}}) and, over REST, that error's status.
 */
record ChatReply(boolean ok, String text, Object data, ServiceException error) {

  static ChatReply ok(String text, Object data) {
    return new ChatReply(true, text, data, null);
  }

  static ChatReply failed(ServiceException error) {
    return new ChatReply(false, error.getMessage(), null, error);
  }

  static ChatReply failed(ErrorCode code, String message) {
    return failed(new ServiceException(code, message));
  }

  static ChatReply failed(ErrorCode code, String message, JsonObject details) {
    return failed(new ServiceException(code, message, details));
  }

  /** The HTTP status of this reply: 200, or its error's (a 5xx of a service called is reported as 502, not as ours). */
  int status() {
    if (ok) {
      return 200;
    }
    int status = error.code().httpStatus();
    return status >= 500 && status != 503 && status != 504 ? 502 : status;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("ok", ok).put("text", text).put("data", data);
    if (error != null) {
      json.mergeIn(error.toJson());
    }
    return json;
  }
}
