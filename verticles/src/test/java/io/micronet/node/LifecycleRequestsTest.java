package io.micronet.node;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.config.ServiceDefinitions;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad lifecycle requests are refused with the contract's error before anything changes; good ones become commands. */
class LifecycleRequestsTest {

  private static final ServiceDefinitions DEFINITIONS = MicronetConfig.load(new JsonObject(), Map.of()).definitions();
  private static final List<NodeState> NODES = List.of(
    new NodeState("id-a", "a", "10.0.0.1", Set.of("gateway", "users", "products", "orders"), Map.of()),
    new NodeState("id-b", "b", "10.0.0.2", Set.of("products"), Map.of()));
  private final LifecycleRequests checks = new LifecycleRequests(DEFINITIONS, NODES);

  private static ServiceException refused(ErrorCode code, Executable call) {
    ServiceException error = assertThrows(ServiceException.class, call);
    assertEquals(code, error.code(), error.getMessage());
    return error;
  }

  @Test
  void scaleTakesAWholeNumberFrom0To64() {
    assertEquals(3, checks.scale("products", new JsonObject().put("instances", 3), "mona").instances());
    assertEquals(0, checks.scale("products", new JsonObject().put("instances", 0), "mona").instances());
    assertEquals(64, checks.scale("products", new JsonObject().put("instances", 64), "mona").instances());
    for (Object bad : new Object[] {-1, 65, 1_000_000_000_000L, 2.5, "3", "three", true, null, new JsonArray(), new JsonObject()}) {
      ServiceException error = refused(ErrorCode.VALIDATION_FAILED,
        () -> checks.scale("products", new JsonObject().put("instances", bad), "mona"));
      assertTrue(((JsonObject) error.details()).containsKey("instances"), "details name the field for " + bad);
    }
    refused(ErrorCode.VALIDATION_FAILED, () -> checks.scale("products", null, "mona"));
    ServiceException extra = refused(ErrorCode.VALIDATION_FAILED,
      () -> checks.scale("products", new JsonObject().put("instances", 2).put("replicas", 2), "mona"));
    assertTrue(((JsonObject) extra.details()).containsKey("replicas"));
    refused(ErrorCode.BAD_REQUEST, () -> checks.scale("products", new JsonArray().add(3), "mona"));
    refused(ErrorCode.BAD_REQUEST, () -> checks.scale("products", 3, "mona"));
  }

  @Test
  void anUnknownServiceIsA404NamingTheKnownOnes() {
    ServiceException error = refused(ErrorCode.NOT_FOUND, () -> checks.scale("nope", new JsonObject().put("instances", 1), "mona"));
    assertTrue(error.getMessage().contains("products"), error.getMessage());
    refused(ErrorCode.NOT_FOUND, () -> checks.startOrStop(LifecycleCommand.Kind.START, "node", null, "mona"));
    refused(ErrorCode.NOT_FOUND, () -> checks.startOrStop(LifecycleCommand.Kind.STOP, null, null, "mona"));
    refused(ErrorCode.NOT_FOUND, () -> checks.known("../products"));
  }

  @Test
  void aNodeScopeServiceIsNotScaled() {
    ServiceException error = refused(ErrorCode.CONFLICT, () -> checks.scale("gateway", new JsonObject().put("instances", 2), "mona"));
    assertTrue(error.getMessage().contains("scope node"), error.getMessage());
    refused(ErrorCode.CONFLICT, () -> checks.startOrStop(LifecycleCommand.Kind.START, "gateway", null, "mona"));
  }

  @Test
  void startAndStopTakeAnOptionalNodeByNameOrId() {
    LifecycleCommand anywhere = checks.startOrStop(LifecycleCommand.Kind.START, "products", null, "mona");
    assertNull(anywhere.nodeId());
    assertEquals("mona", anywhere.actor());
    assertEquals("id-b", checks.startOrStop(LifecycleCommand.Kind.START, "products", new JsonObject().put("node", "b"), "mona").nodeId());
    assertEquals("id-b", checks.startOrStop(LifecycleCommand.Kind.STOP, "products", new JsonObject().put("node", "id-b"), "mona").nodeId());
    ServiceException unknown = refused(ErrorCode.NOT_FOUND,
      () -> checks.startOrStop(LifecycleCommand.Kind.START, "products", new JsonObject().put("node", "zz"), "mona"));
    assertTrue(unknown.getMessage().contains("a") && unknown.getMessage().contains("b"), unknown.getMessage());
    ServiceException notAllowed = refused(ErrorCode.CONFLICT,
      () -> checks.startOrStop(LifecycleCommand.Kind.START, "users", new JsonObject().put("node", "b"), "mona"));
    assertTrue(notAllowed.getMessage().contains("may not run users"), notAllowed.getMessage());
    for (Object bad : new Object[] {"", " ", 7, new JsonObject(), "x".repeat(201)}) {
      refused(ErrorCode.VALIDATION_FAILED,
        () -> checks.startOrStop(LifecycleCommand.Kind.START, "products", new JsonObject().put("node", bad), "mona"));
    }
    refused(ErrorCode.VALIDATION_FAILED,
      () -> checks.startOrStop(LifecycleCommand.Kind.STOP, "products", new JsonObject().put("instances", 2), "mona"));
    refused(ErrorCode.BAD_REQUEST, () -> checks.startOrStop(LifecycleCommand.Kind.STOP, "products", "b", "mona"));
  }

  @Test
  void aCommandTravelsToTheReconcilerUnchanged() {
    LifecycleCommand command = new LifecycleCommand(LifecycleCommand.Kind.SCALE, "products", null, 3, "mona");
    assertEquals(command, LifecycleCommand.fromJson(command.toJson()));
    assertNull(LifecycleCommand.fromJson(new JsonObject().put("kind", "EXPLODE")));
  }

  @Test
  void nodeStatesReadOnlyWhatTheyWrote() {
    NodeState state = new NodeState("id-a", "a", "h", Set.of("products"), Map.of("products", List.of("p1", "p2")));
    assertEquals(state, NodeState.fromJson(state.toJson()));
    assertNull(NodeState.fromJson(new JsonObject().put("id", 1)));
    assertNull(NodeState.fromJson(new JsonObject().put("id", "x").put("name", "y").put("instances", new JsonArray().add("junk"))));
  }

  /** The reconciler takes a command only as the agents write it: a count beyond the bound, or no service, is no command. */
  @Test
  void theReconcilerReadsOnlyBoundedCommands() {
    LifecycleCommand scale = new LifecycleCommand(LifecycleCommand.Kind.SCALE, "products", null, 3, "mona");
    assertEquals(scale, LifecycleCommand.fromJson(scale.toJson()));
    assertNull(LifecycleCommand.fromJson(scale.toJson().put("instances", 1_000_000)), "far beyond the most instances");
    assertNull(LifecycleCommand.fromJson(scale.toJson().put("instances", LifecycleRequests.MAX_INSTANCES + 1)));
    assertNull(LifecycleCommand.fromJson(scale.toJson().put("instances", -5)), "negative");
    assertNull(LifecycleCommand.fromJson(scale.toJson().putNull("service")), "no service");
    assertNull(LifecycleCommand.fromJson(scale.toJson().put("kind", "DEPLOY")));
  }
}
