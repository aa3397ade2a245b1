package io.micronet.shared.messaging;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * The one convention for every service action on the event bus, and the one place that builds it.
 * <p>
 * Request: headers {@link #ACTION}, {@link #AUTHORIZATION} (the caller's token: a user's own JWT, or a
 * service's; none for an anonymous call), {@link #REQUEST_ID}, {@link #IDEMPOTENCY_KEY}, {@link #CLIENT_ADDRESS},
 * {@link #TIME_BUDGET}; body {@code {"params":{…path…},"query":{…},"body":…}}. The receiving service decides who
 * calls from the token alone. Reply: the JSON result, with header {@link #STATUS} when it is not 200.
 * Failure: see {@link ServiceException}; how a caller reads replies: {@link Replies}.
 */
public final class Envelope {

  public static final String ACTION = "action";
  /** {@code Bearer <JWT>}: the only identity a service believes. */
  public static final String AUTHORIZATION = "authorization";
  public static final String REQUEST_ID = "x-request-id";
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

  private static final String BEARER = "Bearer ";

  private Envelope() {
  }

  /** The body of an action request. */
  public static JsonObject body(JsonObject params, JsonObject query, Object body) {
    return new JsonObject().put(PARAMS, params).put(QUERY, query).put(BODY, body);
  }

  /** The options of one attempt of an action call: the caller waits {@code budgetMs} for it. */
  public static DeliveryOptions options(String action, CallContext context, long budgetMs) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(budgetMs)
      .addHeader(ACTION, action)
      .addHeader(TIME_BUDGET, Long.toString(budgetMs));
    if (context.requestId() != null) {
      options.addHeader(REQUEST_ID, context.requestId());
    }
    if (context.token() != null) {
      options.addHeader(AUTHORIZATION, BEARER + context.token());
    }
    if (context.idempotencyKey() != null) {
      options.addHeader(IDEMPOTENCY_KEY, context.idempotencyKey());
    }
    if (context.clientAddress() != null) {
      options.addHeader(CLIENT_ADDRESS, context.clientAddress());
    }
    return options;
  }

  /** The token of an {@code Authorization: Bearer <token>} value; null when there is none, "" when malformed. */
  public static String bearerToken(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return null;
    }
    if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return "";
    }
    return authorization.substring(BEARER.length()).strip();
  }
}
