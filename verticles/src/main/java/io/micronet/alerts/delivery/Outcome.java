package io.micronet.alerts.delivery;

/**
 * How one attempt ended. Transient: worth trying again (connection refused or reset, timeout, 5xx, 408, 429);
 * permanent: the same request will fail the same way (other 4xx, a redirect, a refused target, a bad channel).
 * {@code error} is for operators: it never contains the URL.
 */
record Outcome(Kind kind, String error, long retryAfterMs) {

  enum Kind { DELIVERED, TRANSIENT, PERMANENT }

  static Outcome delivered() {
    return new Outcome(Kind.DELIVERED, null, 0);
  }

  static Outcome transientFailure(String error) {
    return new Outcome(Kind.TRANSIENT, error, 0);
  }

  static Outcome transientFailure(String error, long retryAfterMs) {
    return new Outcome(Kind.TRANSIENT, error, retryAfterMs);
  }

  static Outcome permanent(String error) {
    return new Outcome(Kind.PERMANENT, error, 0);
  }
}
