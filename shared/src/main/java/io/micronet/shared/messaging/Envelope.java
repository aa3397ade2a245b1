package io.micronet.shared.messaging;

/**
 * The one convention for every service action on the event bus.
 * <p>
 * Request: headers {@link #ACTION}, {@link #REQUEST_ID}, {@link #CALLER_ID}, {@link #CALLER_ROLE},
 * {@link #IDEMPOTENCY_KEY}, {@link #CLIENT_ADDRESS}, {@link #TIME_BUDGET}; body {@code {"params":{…path…},"query":{…},"body":…}}.
 * Reply: the JSON result, with header {@link #STATUS} when it is not 200. Failure: see {@link ServiceException}.
 */
public final class Envelope {

  public static final String ACTION = "action";
  public static final String REQUEST_ID = "x-request-id";
  public static final String CALLER_ID = "x-caller-id";
  public static final String CALLER_ROLE = "x-caller-role";
  public static final String IDEMPOTENCY_KEY = "idempotency-key";
  /** The HTTP client's address as the gateway sees it (for per-client limits such as failed logins). */
  public static final String CLIENT_ADDRESS = "x-client-address";
  public static final String STATUS = "status";
  /**
   * How long, in ms from sending, the caller will wait for the answer. A service does not start (or, for
   * a multi-step write, finish) work whose caller has stopped waiting; relative, so node clocks need not agree.
   */
  public static final String TIME_BUDGET = "x-time-budget-ms";

  public static final String PARAMS = "params";
  public static final String QUERY = "query";
  public static final String BODY = "body";

  private Envelope() {
  }
}
