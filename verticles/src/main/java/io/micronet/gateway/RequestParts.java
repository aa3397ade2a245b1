package io.micronet.gateway;

import io.micronet.shared.messaging.CallContext;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.util.Map;

/**
 * Reads a request into the parts a service call takes: path parameters, query, JSON body, and what travels with
 * the call; refuses what no service could take, with the contract's error.
 */
final class RequestParts {

  private RequestParts() {
  }

  /** What travels with the call: the caller's own token goes on, so that the service verifies it itself. */
  static CallContext callContext(RoutingContext ctx) {
    return new CallContext(ctx.get(RequestLog.REQUEST_ID), Envelope.bearerToken(ctx.request().getHeader("Authorization")),
      ctx.request().getHeader("Idempotency-Key"), ClientAddress.limitKey(ctx));
  }

  /** The path parameters; 404 for one holding U+0000 (nothing is named so, and PostgreSQL cannot even compare it). */
  static JsonObject pathParams(RoutingContext ctx) {
    JsonObject params = new JsonObject();
    ctx.pathParams().forEach((name, value) -> {
      if (value.indexOf('\0') >= 0) {
        throw new ServiceException(ErrorCode.NOT_FOUND, "no such resource: " + ctx.request().path());
      }
      params.put(name, value);
    });
    return params;
  }

  /**
   * The query parameters (the first of each name); 400 for a query string that cannot be decoded, and 422
   * naming the parameters whose value holds U+0000 (no service could search for it: PostgreSQL refuses it).
   */
  static JsonObject query(RoutingContext ctx) {
    MultiMap params;
    try {
      params = ctx.queryParams();
    } catch (HttpException | IllegalArgumentException e) {
      throw new ServiceException(ErrorCode.BAD_REQUEST, "the query string is malformed");
    }
    JsonObject query = new JsonObject();
    JsonObject errors = new JsonObject();
    for (Map.Entry<String, String> entry : params) {
      if (entry.getValue().indexOf('\0') >= 0) {
        errors.put(entry.getKey(), "must not contain U+0000");
      } else if (!query.containsKey(entry.getKey())) {
        query.put(entry.getKey(), entry.getValue());
      }
    }
    if (!errors.isEmpty()) {
      throw ServiceException.invalidQuery(errors);
    }
    return query;
  }

  /**
   * The JSON body, or null when there is none; 415 for another media type, 400 for malformed JSON, 422 for a
   * number outside the strict grammar ({@link JsonBodies}).
   */
  static Object jsonBody(RoutingContext ctx) {
    Buffer buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      return null;
    }
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && !type.toLowerCase().contains("json")) {
      throw new ServiceException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the request body must be application/json");
    }
    return JsonBodies.decode(buffer);
  }
}
