package io.micronet.users;

import io.micronet.grpc.user.v1.AuthenticateResponse;
import io.micronet.grpc.user.v1.CreateUserRequest;
import io.micronet.grpc.user.v1.ListUsersRequest;
import io.micronet.grpc.user.v1.ListUsersResponse;
import io.micronet.grpc.user.v1.User;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.security.Caller;
import io.micronet.tools.GrpcCallException;
import io.micronet.tools.UserServiceCaller;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gRPC user service end to end: a users verticle in this JVM (embedded storage in a temp dir, a known
 * manager password, a free gRPC port) called with vertx-grpc-client, as {@code scripts/grpc-client} calls it.
 */
class UsersGrpcTest {

  private static final String ADMIN_PASSWORD = "grpc-admin-" + UUID.randomUUID();
  private static final long HANG_GUARD_SECONDS = 30;

  @TempDir
  static Path dataDir;

  private static Vertx vertx;
  private static GrpcClient client;
  private static UserServiceCaller anonymous;
  private static UserServiceCaller manager;

  @BeforeAll
  static void start() throws IOException {
    vertx = Vertx.vertx();
    int port = freePort();
    JsonObject config = MicronetConfig.load(new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1"))
      .put("grpc", new JsonObject().put("port", port))
      .put("storage", new JsonObject().put("dataDir", dataDir.toString()).putNull("dbUrl"))
      .put("security", new JsonObject().put("jwtSecret", "a-grpc-test-secret-of-more-than-thirty-two-chars")
        .put("adminPassword", ADMIN_PASSWORD))
      .put("node", new JsonObject().put("shutdownGraceSeconds", 2)), Map.of()).json();
    await(vertx.deployVerticle(new UsersVerticle(), new DeploymentOptions().setConfig(config)));
    client = GrpcClient.client(vertx);
    anonymous = new UserServiceCaller(client, SocketAddress.inetSocketAddress(port, "127.0.0.1"), null);
    manager = anonymous.withToken(await(anonymous.authenticate("manager", ADMIN_PASSWORD)).getToken());
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      await(client.close());
      await(vertx.close());
    }
  }

  @Test
  void authenticateAnswersATokenAndTheWholeAccount() {
    AuthenticateResponse answer = await(anonymous.authenticate("manager", ADMIN_PASSWORD));
    assertFalse(answer.getToken().isEmpty());
    assertEquals("manager", answer.getUser().getUsername());
    assertEquals(Caller.MANAGER, answer.getUser().getRole());
    assertFalse(answer.getUser().getId().isEmpty());
    assertFalse(answer.getUser().getCreatedAt().isEmpty());
  }

  @Test
  void aManagerCreatesReadsAndListsUsers() {
    User created = await(manager.createUser(newUser("grace", "client")));
    assertFalse(created.getId().isEmpty());
    assertEquals("grace", created.getUsername());
    assertEquals("grace@example.org", created.getEmail());
    assertEquals("Grace Hopper", created.getName());
    assertEquals(Caller.CLIENT, created.getRole());
    assertTrue(created.getCreatedAt().endsWith("Z"), "ISO-8601 UTC: " + created.getCreatedAt());

    assertEquals(created, await(manager.getUser(created.getId())));

    ListUsersResponse found = await(manager.listUsers(ListUsersRequest.newBuilder().setQuery("grace").build()));
    assertEquals(1, found.getTotal());
    assertEquals(created, found.getUsers(0));
    ListUsersResponse all = await(manager.listUsers(ListUsersRequest.newBuilder().setSize(1).build()));
    assertTrue(all.getTotal() >= 2, "the manager and grace at least: " + all.getTotal());
    assertEquals(1, all.getUsersCount(), "one per page");
  }

  @Test
  void aClientReadsItselfOnly() {
    User client = await(manager.createUser(newUser("carla", "")));
    UserServiceCaller carla = anonymous.withToken(await(anonymous.authenticate("carla", "carla-password-1")).getToken());
    assertEquals(client, await(carla.getUser(client.getId())));
    String managerId = await(anonymous.authenticate("manager", ADMIN_PASSWORD)).getUser().getId();
    assertStatus(GrpcStatus.PERMISSION_DENIED, carla.getUser(managerId));
    assertStatus(GrpcStatus.PERMISSION_DENIED, carla.listUsers(ListUsersRequest.getDefaultInstance()));
    assertStatus(GrpcStatus.PERMISSION_DENIED, carla.createUser(newUser("mallory", "manager")));
  }

  @Test
  void everyCallButAuthenticateNeedsAValidToken() {
    assertStatus(GrpcStatus.UNAUTHENTICATED, anonymous.listUsers(ListUsersRequest.getDefaultInstance()));
    assertStatus(GrpcStatus.UNAUTHENTICATED, anonymous.getUser("anything"));
    assertStatus(GrpcStatus.UNAUTHENTICATED, anonymous.createUser(newUser("nobody", "")));
    assertStatus(GrpcStatus.UNAUTHENTICATED, anonymous.withToken("not.a.jwt").listUsers(ListUsersRequest.getDefaultInstance()));
    assertStatus(GrpcStatus.UNAUTHENTICATED, anonymous.authenticate("manager", "wrong-password"));
  }

  @Test
  void anUnknownIdIsNotFound() {
    assertStatus(GrpcStatus.NOT_FOUND, manager.getUser(UUID.randomUUID().toString()));
  }

  @Test
  void aTakenUsernameAlreadyExists() {
    await(manager.createUser(newUser("dupont", "")));
    assertStatus(GrpcStatus.ALREADY_EXISTS, manager.createUser(newUser("dupont", "")));
  }

  @Test
  void badInputIsAnInvalidArgumentThatNamesTheField() {
    GrpcCallException invalid = assertStatus(GrpcStatus.INVALID_ARGUMENT, manager.createUser(CreateUserRequest.newBuilder()
      .setUsername("eve").setEmail("not-an-email").setPassword("eve-password-1").build()));
    assertTrue(invalid.getMessage().contains("email"), invalid.getMessage());
    assertStatus(GrpcStatus.INVALID_ARGUMENT, manager.createUser(newUser("frank", "emperor")));
    assertStatus(GrpcStatus.INVALID_ARGUMENT, manager.listUsers(ListUsersRequest.newBuilder().setSize(1000).build()));
    assertStatus(GrpcStatus.INVALID_ARGUMENT, manager.listUsers(ListUsersRequest.newBuilder().setPage(-1).build()));
  }

  private static CreateUserRequest newUser(String username, String role) {
    return CreateUserRequest.newBuilder().setUsername(username).setEmail(username + "@example.org")
      .setPassword(username + "-password-1").setName(username.equals("grace") ? "Grace Hopper" : "").setRole(role).build();
  }

  /** The call fails with this status, and its message is a sentence, never a stack trace. */
  private static GrpcCallException assertStatus(GrpcStatus expected, Future<?> call) {
    ExecutionException failed = assertThrows(ExecutionException.class,
      () -> call.toCompletionStage().toCompletableFuture().get(HANG_GUARD_SECONDS, TimeUnit.SECONDS));
    GrpcCallException error = assertInstanceOf(GrpcCallException.class, failed.getCause());
    assertEquals(expected, error.status(), error.getMessage());
    assertNotNull(error.getMessage());
    assertFalse(error.getMessage().contains("\tat ") || error.getMessage().contains("Exception"), error.getMessage());
    return error;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the call failed: " + e.getMessage(), e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
