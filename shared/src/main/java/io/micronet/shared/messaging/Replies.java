package io.micronet.shared.messaging;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * How every caller (the gateway, a service calling another) reads the outcome of an action call: an answer,
 * a refusal (the service said no: 4xx, another instance would say the same), or a failure. Only an instance's
 * own server errors count against its breaker: its 503/504 report trouble with what it depends on (or a caller
 * out of time), while the instance itself works.
 */
public final class Replies {

  private Replies() {
  }

  /** The failure is the service's own error answer (not a timeout or an undeliverable message). */
  public static boolean isAnswer(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE;
  }

  /** The service answered "no": another instance would answer the same, so nothing is retried. */
  public static boolean isRefusal(Throwable failure) {
    return failure instanceof ServiceException refused && refused.code().httpStatus() < 500;
  }

  /** An answered status that means the instance itself failed (it counts against its breaker). */
  public static boolean instanceFailed(int status) {
    return status >= 500 && status != ErrorCode.SERVICE_UNAVAILABLE.httpStatus() && status != ErrorCode.UPSTREAM_TIMEOUT.httpStatus();
  }
}
