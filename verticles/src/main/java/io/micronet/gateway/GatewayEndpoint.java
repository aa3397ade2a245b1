package io.micronet.gateway;

import io.micronet.shared.security.Access;
import io.vertx.core.http.HttpMethod;

/**
 * The gateway's own endpoints, answered by the gateway itself rather than forwarded to a service.
 * {@link GatewayRoutes} mounts them from here, and the test of {@code openapi.json} checks the document
 * against this list and {@link ApiRoutes}.
 */
enum GatewayEndpoint {
  HEALTH(HttpMethod.GET, "/health", Access.PUBLIC),
  /** this node's stateful services reach their databases ({@link ReadinessCheck}) */
  READY(HttpMethod.GET, "/health/ready", Access.PUBLIC),
  STATUS(HttpMethod.GET, "/status", Access.PUBLIC),
  /** no token needed from a loopback caller not behind a proxy, else a manager's ({@link MetricsAccess}) */
  METRICS(HttpMethod.GET, "/metrics", Access.PUBLIC),
  SERVICES(HttpMethod.GET, "/api/services", Access.MANAGER),
  OPENAPI(HttpMethod.GET, "/openapi.json", Access.PUBLIC),
  DOCS(HttpMethod.GET, "/docs", Access.PUBLIC);

  private final HttpMethod method;
  private final String path;
  private final Access access;

  GatewayEndpoint(HttpMethod method, String path, Access access) {
    this.method = method;
    this.path = path;
    this.access = access;
  }

  HttpMethod method() {
    return method;
  }

  String path() {
    return path;
  }

  Access access() {
    return access;
  }
}
