package io.micronet.node;

import io.micronet.shared.config.ServiceDefinition;
import io.micronet.shared.config.ServiceDefinitions;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.validation.Numbers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

/**
 * Checks an operator's lifecycle request before anything changes, against the definitions and the nodes the agents
 * announce: unknown service 404 (naming the known ones), a node-scope service 409 (it is not scaled), unknown node
 * 404, a node that may not run the service 409, a bad count or field 422 naming it, a body that is no object 400.
 */
final class LifecycleRequests {

  /** The most instances of one service (as many as a caller's discovery view keeps). */
  static final int MAX_INSTANCES = 64;

  private final ServiceDefinitions definitions;
  private final List<NodeState> nodes;

  LifecycleRequests(ServiceDefinitions definitions, List<NodeState> nodes) {
    this.definitions = definitions;
    this.nodes = nodes;
  }

  /** {@code start} / {@code stop}: optional body {@code {node}} (a node's name or id). */
  LifecycleCommand startOrStop(LifecycleCommand.Kind kind, String service, Object body, String actor) {
    ServiceDefinition definition = scalable(service);
    JsonObject fields = object(body);
    JsonObject errors = new JsonObject();
    unknownFields(fields, List.of("node"), errors);
    Object node = fields.getValue("node");
    if (node != null && (!(node instanceof String name) || name.isBlank() || name.length() > 200)) {
      errors.put("node", "must be the name or id of a node (GET /api/nodes)");
    }
    if (!errors.isEmpty()) {
      throw ServiceException.invalid(errors);
    }
    String nodeId = null;
    if (node != null) {
      NodeState target = node((String) node);
      if (kind == LifecycleCommand.Kind.START && !target.mayRun().contains(definition.name())) {
        throw new ServiceException(ErrorCode.CONFLICT, "node " + target.name() + " may not run " + definition.name()
          + " (it may run " + target.mayRun().stream().sorted().toList() + ")",
          new JsonObject().put("node", target.name()).put("mayRun", new JsonArray(target.mayRun().stream().sorted().toList())));
      }
      nodeId = target.id();
    }
    return new LifecycleCommand(kind, definition.name(), nodeId, 0, actor);
  }

  /** {@code scale}: body {@code {instances}}, a whole number from 0 to {@value #MAX_INSTANCES}. */
  LifecycleCommand scale(String service, Object body, String actor) {
    ServiceDefinition definition = scalable(service);
    JsonObject fields = object(body);
    JsonObject errors = new JsonObject();
    unknownFields(fields, List.of("instances"), errors);
    Long count = Numbers.whole(fields.getValue("instances"));
    if (count == null || count < 0 || count > MAX_INSTANCES) {
      errors.put("instances", "must be a whole number from 0 to " + MAX_INSTANCES);
    }
    if (!errors.isEmpty()) {
      throw ServiceException.invalid(errors);
    }
    return new LifecycleCommand(LifecycleCommand.Kind.SCALE, definition.name(), null, count.intValue(), actor);
  }

  /** A defined service (404 naming the known ones otherwise). */
  ServiceDefinition known(String service) {
    Optional<ServiceDefinition> definition = definitions.find(service);
    if (definition.isEmpty()) {
      throw new ServiceException(ErrorCode.NOT_FOUND, "no service is named '" + service + "'; the services are "
        + definitions.names(), new JsonObject().put("services", new JsonArray(List.copyOf(definitions.names()))));
    }
    return definition.get();
  }

  /** A node by name or cluster node id (404 naming the known ones otherwise). */
  NodeState node(String nameOrId) {
    return nodes.stream().filter(n -> n.id().equals(nameOrId)).findFirst()
      .or(() -> nodes.stream().filter(n -> n.name().equals(nameOrId)).findFirst())
      .orElseThrow(() -> new ServiceException(ErrorCode.NOT_FOUND, "no node is named '" + nameOrId + "'; the nodes are "
        + nodes.stream().map(NodeState::name).sorted().toList(),
        new JsonObject().put("nodes", new JsonArray(nodes.stream().map(NodeState::name).sorted().toList()))));
  }

  private ServiceDefinition scalable(String service) {
    ServiceDefinition definition = known(service);
    if (definition.scope() == ServiceDefinition.Scope.NODE) {
      throw new ServiceException(ErrorCode.CONFLICT, definition.name() + " runs on every node that lists it (scope node): "
        + "its count is set per node (services." + definition.name() + ".instances), not started, stopped or scaled here",
        new JsonObject().put("scope", "node"));
    }
    return definition;
  }

  private static JsonObject object(Object body) {
    if (body == null) {
      return new JsonObject();
    }
    if (body instanceof JsonObject json) {
      return json;
    }
    throw ServiceException.badRequest("the request body must be a JSON object");
  }

  private static void unknownFields(JsonObject fields, List<String> known, JsonObject errors) {
    for (String field : fields.fieldNames()) {
      if (!known.contains(field)) {
        errors.put(field, "is not a field of this request (fields: " + String.join(", ", known) + ")");
      }
    }
  }
}
