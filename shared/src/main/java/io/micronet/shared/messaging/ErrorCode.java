package io.micronet.shared.messaging;

/**
 * The failure codes of the contract's error model. A service fails an event-bus message with one of
 * these; the gateway turns it into the HTTP status, and gRPC and ChatOps map the same codes.
 */
public enum ErrorCode {
  BAD_REQUEST(400),
  UNAUTHORIZED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  CONFLICT(409),
  OUT_OF_STOCK(409),
  PAYLOAD_TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  VALIDATION_FAILED(422),
  RATE_LIMITED(429),
  INTERNAL_ERROR(500),
  BAD_GATEWAY(502),
  SERVICE_UNAVAILABLE(503),
  UPSTREAM_TIMEOUT(504);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The code of an HTTP status that carries no contract body: its first code, else 502 for 5xx and 400 for the rest. */
  public static ErrorCode forStatus(int status) {
    for (ErrorCode code : values()) {
      if (code.httpStatus == status) {
        return code;
      }
    }
    return status >= 500 ? BAD_GATEWAY : BAD_REQUEST;
  }
}
