package io.micronet.node;

import io.vertx.core.json.JsonObject;

/**
 * A lifecycle change an operator asked for, validated by the agent that received it and carried out by the elected
 * reconciler: {@code start} (one instance more, on {@code nodeId} when given), {@code stop} (one less, from {@code nodeId}
 * when given) or {@code scale} to {@code instances}. {@code actor} is who asked (a manager's username). A {@code preview}
 * changes nothing: the reconciler answers what the command would do (an operator confirms before a destructive change).
 */
record LifecycleCommand(Kind kind, String service, String nodeId, int instances, String actor, boolean preview) {

  enum Kind { START, STOP, SCALE }

  LifecycleCommand(Kind kind, String service, String nodeId, int instances, String actor) {
    this(kind, service, nodeId, instances, actor, false);
  }

  LifecycleCommand asPreview() {
    return new LifecycleCommand(kind, service, nodeId, instances, actor, true);
  }

  JsonObject toJson() {
    return new JsonObject().put("kind", kind.name()).put("service", service).put("nodeId", nodeId).put("instances", instances)
      .put("actor", actor).put("preview", preview);
  }

  /**
   * Reads {@link #toJson()} (from another agent, whose service token the reconciler verified); null when it is not one.
   * The bounds an agent checks hold here too: any service token reaches the reconciler, and a count it takes is placed.
   */
  static LifecycleCommand fromJson(JsonObject json) {
    try {
      LifecycleCommand command = new LifecycleCommand(Kind.valueOf(json.getString("kind")), json.getString("service"),
        json.getString("nodeId"), json.getInteger("instances", 0), json.getString("actor"), json.getBoolean("preview", false));
      boolean bounded = command.instances() >= 0 && command.instances() <= LifecycleRequests.MAX_INSTANCES;
      return command.service() != null && bounded ? command : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
