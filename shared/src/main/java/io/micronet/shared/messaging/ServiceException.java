package io.micronet.shared.messaging;

import io.vertx.core.json.JsonObject;

/**
 * A failure with a contract code: thrown by service logic, carried over the event bus as a failed reply
 * (failure code = HTTP status, message = the error JSON, see {@link ActionDispatcher}).
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

  /**
   * A failure another service answered (event-bus failure code = status, message = the error JSON), as the
   * same contract error; a message that is not one becomes a plain error of that status.
   */
  public static ServiceException fromReply(int status, String message) {
    try {
      JsonObject error = new JsonObject(message).getJsonObject("error");
      return new ServiceException(ErrorCode.valueOf(error.getString("code")), error.getString("message"), error.getValue("details"));
    } catch (RuntimeException notContractShaped) {
      return new ServiceException(ErrorCode.forStatus(status), "the service failed with status " + status);
    }
  }

  /** 422 with {@code details} naming each query parameter whose value is invalid. */
  public static ServiceException invalidQuery(JsonObject parameterErrors) {
    return new ServiceException(ErrorCode.VALIDATION_FAILED, "some query parameters are invalid", parameterErrors);
  }

  public ErrorCode code() {
    return code;
  }

  public Object details() {
    return details;
  }

  /** The contract's error body: {@code {"error":{"code","message","details"}}}, details null when there are none. */
  public JsonObject toJson() {
    // details always present (null when there are none): clients can read error.details without a check
    JsonObject error = new JsonObject().put("code", code.name()).put("message", getMessage()).put("details", details);
    return new JsonObject().put("error", error);
  }
}
