package io.micronet.gateway;

import io.micronet.shared.security.Access;
import io.vertx.core.http.HttpMethod;

/** One REST operation of the public API, bound to a service action on the event bus. */
public record ApiRoute(HttpMethod method, String path, String service, String action, Access access) {
}
