package io.micronet.shared.messaging;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A failure with a contract code: thrown by service logic, carried over the event bus as a
 * {@link ReplyException} (failure code = HTTP status, message = the error JSON) and rebuilt on the other side.
 */
public class ServiceException extends RuntimeException {

  private final ErrorCode code;
  private final Object details;

  public ServiceException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public ServiceException(ErrorCode code, String message, Object details) {
    super(message, null, false, false);
    this.code = code;
    this.details = details;
  }

  public static ServiceException notFound(String what, String id) {
    return new ServiceException(ErrorCode.NOT_FOUND, what + " " + id + " does not exist");
  }

  public static ServiceException badRequest(String message) {
    return new ServiceException(ErrorCode.BAD_REQUEST, message);
  }

  /** 422 with {@code details} naming each invalid field. */
  public static ServiceException invalid(JsonObject fieldErrors) {
    return new ServiceException(ErrorCode.VALIDATION_FAILED, "some fields are invalid", fieldErrors);
  }

  public ErrorCode code() {
    return code;
  }

  public Object details() {
    return details;
  }

  /** The contract's error body: {@code {"error":{"code","message","details"}}}. */
  public JsonObject toJson() {
    JsonObject error = new JsonObject().put("code", code.name()).put("message", getMessage());
    if (details != null) {
      error.put("details", details);
    }
    return new JsonObject().put("error", error);
  }

  public ReplyException toReplyException() {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code.httpStatus(), toJson().encode());
  }

  /** Rebuilds the exception a service failed a message with; null when the failure is not one of ours. */
  public static ServiceException fromReply(ReplyException failure) {
    if (failure.failureType() != ReplyFailure.RECIPIENT_FAILURE || failure.getMessage() == null) {
      return null;
    }
    try {
      JsonObject error = new JsonObject(failure.getMessage()).getJsonObject("error");
      if (error == null) {
        return null;
      }
      ErrorCode code = ErrorCode.valueOf(error.getString("code"));
      return new ServiceException(code, error.getString("message"), error.getValue("details"));
    } catch (DecodeException | IllegalArgumentException | ClassCastException | NullPointerException e) {
      return null;
    }
  }
}
