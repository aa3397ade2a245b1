package io.micronet.gateway;

import io.micronet.shared.security.Access;
import io.vertx.core.http.HttpMethod;

import java.util.List;

import static io.micronet.shared.security.Access.ANY_ROLE;
import static io.micronet.shared.security.Access.MANAGER;
import static io.micronet.shared.security.Access.PUBLIC;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

/**
 * The REST surface the gateway owns (CONTRACT.md), one line per operation: the services themselves
 * only see actions. Paths use Vert.x Web's {@code :param} syntax.
 */
public final class ApiRoutes {

  public static final List<ApiRoute> ALL = List.of(
    route(POST, "/api/auth/register", "users", "register", PUBLIC),
    route(POST, "/api/auth/login", "users", "login", PUBLIC),
    route(GET, "/api/users/me", "users", "me", ANY_ROLE),
    route(GET, "/api/users", "users", "list", MANAGER),
    route(POST, "/api/users", "users", "create", MANAGER),
    // a user may read, change and delete itself: the users service checks "self or manager"
    route(GET, "/api/users/:id", "users", "get", ANY_ROLE),
    route(PUT, "/api/users/:id", "users", "update", ANY_ROLE),
    route(DELETE, "/api/users/:id", "users", "delete", ANY_ROLE),
    route(GET, "/api/products", "products", "list", PUBLIC),
    route(POST, "/api/products", "products", "create", MANAGER),
    route(GET, "/api/products/:id", "products", "get", PUBLIC),
    route(PUT, "/api/products/:id", "products", "update", MANAGER),
    route(DELETE, "/api/products/:id", "products", "delete", MANAGER),
    route(POST, "/api/products/:id/stock", "products", "adjustStock", MANAGER),
    // owner or manager: the orders service checks ownership (a client's list is its own)
    route(POST, "/api/orders", "orders", "place", ANY_ROLE),
    route(GET, "/api/orders", "orders", "list", ANY_ROLE),
    route(GET, "/api/orders/:id", "orders", "get", ANY_ROLE),
    route(POST, "/api/orders/:id/cancel", "orders", "cancel", ANY_ROLE),
    // operations: the health monitor's architecture graph
    route(GET, "/api/graph", "monitor", "graph", MANAGER),
    // operations: the node agents (any one answers; lifecycle changes go on to the elected reconciler)
    route(GET, "/api/nodes", "node", "nodes", MANAGER),
    route(POST, "/api/services/:name/start", "node", "start", MANAGER),
    route(POST, "/api/services/:name/stop", "node", "stop", MANAGER),
    route(POST, "/api/services/:name/scale", "node", "scale", MANAGER),
    route(POST, "/api/services/:name/failures", "node", "injectFailure", MANAGER),
    route(DELETE, "/api/services/:name/failures", "node", "recoverFailure", MANAGER),
    // operations: live metrics and their history, the activity feed's store
    route(GET, "/api/metrics", "metrics", "latest", MANAGER),
    route(GET, "/api/metrics/history", "metrics", "history", MANAGER),
    route(GET, "/api/activity", "activity", "list", MANAGER),
    // alerts: the alerts, their rules and silences (issue 11)
    route(GET, "/api/alerts", "alerts", "list", MANAGER),
    // alerts: notification delivery (its dead-letter queue and channels). Before any /api/alerts/:id route, so that
    // "dlq" and "channels" are not taken for an alert's id
    route(GET, "/api/alerts/dlq", "alerts", "dlq.list", MANAGER),
    route(POST, "/api/alerts/dlq/replay", "alerts", "dlq.replay", MANAGER),
    route(GET, "/api/alerts/channels", "alerts", "channels.list", MANAGER),
    route(POST, "/api/alerts/channels", "alerts", "channels.create", MANAGER),
    route(PUT, "/api/alerts/channels/:id", "alerts", "channels.update", MANAGER),
    route(DELETE, "/api/alerts/channels/:id", "alerts", "channels.delete", MANAGER),
    route(GET, "/api/alerts/:id", "alerts", "get", MANAGER),
    route(POST, "/api/alerts/:id/ack", "alerts", "ack", MANAGER),
    route(GET, "/api/rules", "alerts", "rules.list", MANAGER),
    route(POST, "/api/rules", "alerts", "rules.create", MANAGER),
    route(GET, "/api/rules/:id", "alerts", "rules.get", MANAGER),
    route(PUT, "/api/rules/:id", "alerts", "rules.update", MANAGER),
    route(DELETE, "/api/rules/:id", "alerts", "rules.delete", MANAGER),
    route(GET, "/api/silences", "alerts", "silences.list", MANAGER),
    route(POST, "/api/silences", "alerts", "silence", MANAGER),
    route(DELETE, "/api/silences/:id", "alerts", "silences.delete", MANAGER),
    // ChatOps: any signed-in user; each command's own role is checked by the chatops service when it runs
    route(POST, "/api/chatops", "chatops", "command", ANY_ROLE),
    route(GET, "/api/chatops/history", "chatops", "history", ANY_ROLE)
  );

  private ApiRoutes() {
  }

  public static List<String> services() {
    return ALL.stream().map(ApiRoute::service).distinct().sorted().toList();
  }

  private static ApiRoute route(HttpMethod method, String path, String service, String action, Access access) {
    return new ApiRoute(method, path, service, action, access);
  }
}
