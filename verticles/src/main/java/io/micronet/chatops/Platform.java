package io.micronet.chatops;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * The platform's own actions as ChatOps reaches them: every command runs through one of these, never through a second
 * implementation. A call fails with the called service's {@code ServiceException} (its code and message).
 */
interface Platform {

  /** {@code action} of {@code service} as the user of {@code invocation} (with that user's token). */
  Future<Object> call(Invocation invocation, String service, String action, JsonObject params, JsonObject query, Object body);

  /** {@code action} of {@code service} as the chatops service itself (a view anyone may see, such as /status's). */
  Future<Object> callAsService(Invocation invocation, String service, String action, JsonObject query);

  /** The service names the platform knows: its definitions and what discovery announces. */
  Future<Set<String>> serviceNames();

  /** Publishes {@code event} on a feed, fire-and-forget. */
  void publish(String address, JsonObject event);
}
