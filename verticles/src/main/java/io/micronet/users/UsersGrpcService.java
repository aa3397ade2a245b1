package io.micronet.users;

import io.micronet.grpc.user.v1.AuthenticateRequest;
import io.micronet.grpc.user.v1.AuthenticateResponse;
import io.micronet.grpc.user.v1.CreateUserRequest;
import io.micronet.grpc.user.v1.GetUserRequest;
import io.micronet.grpc.user.v1.ListUsersRequest;
import io.micronet.grpc.user.v1.ListUsersResponse;
import io.micronet.grpc.user.v1.User;
import io.micronet.grpc.user.v1.UserServiceGrpcService;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Access;
import io.micronet.shared.security.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The gRPC face of the accounts ({@code micronet.user.v1.UserService}): each call becomes the same
 * {@link UserService} action the gateway would send, with the caller taken from the metadata
 * {@code authorization: Bearer <JWT>} (every call but Authenticate needs it), so the REST role rules apply
 * unchanged. Contract errors become gRPC statuses; anything unexpected is logged and answered UNAVAILABLE,
 * never with its stack trace.
 */
final class UsersGrpcService {

  private static final Logger LOG = LoggerFactory.getLogger(UsersGrpcService.class);
  private static final String BEARER = "bearer ";

  private final UserService users;
  private final TokenVerifier verifier;

  UsersGrpcService(UserService users, TokenVerifier verifier) {
    this.users = users;
    this.verifier = verifier;
  }

  /** The service to add to a {@code GrpcServer}. */
  Service service() {
    return Service.service(UserServiceGrpcService.SERVICE_NAME, UserServiceGrpcService.SERVICE_DESCRIPTOR)
      .bind(UserServiceGrpcService.GetUser, authenticated(this::getUser))
      .bind(UserServiceGrpcService.ListUsers, authenticated(this::listUsers))
      .bind(UserServiceGrpcService.CreateUser, authenticated(this::createUser))
      .bind(UserServiceGrpcService.Authenticate, unary(this::authenticate))
      .build();
  }

  private Future<User> getUser(GetUserRequest message, Call call) {
    return users.get(call.request("get", new JsonObject().put("id", message.getId()), new JsonObject(), null))
      .map(UsersGrpcService::user);
  }

  private Future<ListUsersResponse> listUsers(ListUsersRequest message, Call call) {
    JsonObject query = new JsonObject();
    putIfGiven(query, "q", message.getQuery());
    putIfGiven(query, "role", message.getRole());
    if (message.getPage() != 0) {
      query.put("page", message.getPage());
    }
    if (message.getSize() != 0) {
      query.put("size", message.getSize());
    }
    return users.list(call.request("list", new JsonObject(), query, null)).map(response -> {
      JsonObject page = json(response);
      ListUsersResponse.Builder answer = ListUsersResponse.newBuilder().setTotal(page.getLong("total", 0L));
      page.getJsonArray("items").forEach(item -> answer.addUsers(user((JsonObject) item)));
      return answer.build();
    });
  }

  private Future<User> createUser(CreateUserRequest message, Call call) {
    JsonObject body = new JsonObject().put("username", message.getUsername()).put("email", message.getEmail())
      .put("password", message.getPassword());
    putIfGiven(body, "name", message.getName());
    putIfGiven(body, "role", message.getRole());
    return users.create(call.request("create", new JsonObject(), new JsonObject(), body)).map(UsersGrpcService::user);
  }

  /** Login, then the whole account as its owner sees it. */
  private Future<AuthenticateResponse> authenticate(AuthenticateRequest message, Call call) {
    JsonObject credentials = new JsonObject().put("username", message.getUsername()).put("password", message.getPassword());
    return users.login(call.request("login", new JsonObject(), new JsonObject(), credentials)).compose(login -> {
      JsonObject summary = json(login).getJsonObject("user");
      Call owner = call.as(new Caller(summary.getString("id"), summary.getString("username"), summary.getString("role")));
      return users.get(owner.request("get", new JsonObject().put("id", summary.getString("id")), new JsonObject(), null))
        .map(account -> AuthenticateResponse.newBuilder().setToken(json(login).getString("token")).setUser(user(account)).build());
    });
  }

  /**
   * A call that first verifies the bearer token of the metadata, as every service entry point does (signature,
   * audience, expiry, revocation), and admits signed-in users only; the service then checks role and ownership.
   */
  private <Req, Resp> Handler<GrpcServerRequest<Req, Resp>> authenticated(Action<Req, Resp> action) {
    return unary((message, call) -> verifier.verify(bearer(call.metadata()))
      .compose(caller -> Access.ANY_ROLE.admits(caller) ? action.apply(message, call.as(caller))
        : Future.failedFuture(Access.ANY_ROLE.refusal(caller))));
  }

  private <Req, Resp> Handler<GrpcServerRequest<Req, Resp>> unary(Action<Req, Resp> action) {
    return request -> request.handler(message -> {
      Call call = new Call(request.headers(), clientAddress(request), null);
      Future.succeededFuture()
        .compose(v -> action.apply(message, call))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            request.response().end(ar.result());
          } else {
            fail(request.response(), request.fullMethodName(), call.requestId(), ar.cause());
          }
        });
    });
  }

  private static void fail(GrpcServerResponse<?, ?> response, String method, String requestId, Throwable cause) {
    GrpcStatus status;
    String message;
    if (cause instanceof ServiceException known) {
      status = status(known.code());
      message = known.details() == null ? known.getMessage() : known.getMessage() + ": " + known.details();
    } else {
      LOG.error("gRPC call failed", kv("method", method), kv("requestId", requestId), cause);
      status = GrpcStatus.UNAVAILABLE;
      message = "the users service failed to handle the request";
    }
    response.status(status).statusMessage(message).end();
  }

  /** The contract's error codes as gRPC statuses. */
  static GrpcStatus status(ErrorCode code) {
    return switch (code.httpStatus()) {
      case 400, 422 -> GrpcStatus.INVALID_ARGUMENT;
      case 401 -> GrpcStatus.UNAUTHENTICATED;
      case 403 -> GrpcStatus.PERMISSION_DENIED;
      case 404 -> GrpcStatus.NOT_FOUND;
      case 409 -> GrpcStatus.ALREADY_EXISTS;
      case 429 -> GrpcStatus.RESOURCE_EXHAUSTED;
      default -> GrpcStatus.UNAVAILABLE;
    };
  }

  private static String bearer(MultiMap metadata) {
    String value = metadata.get("authorization");
    if (value == null || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    return value.substring(BEARER.length()).trim();
  }

  private static String clientAddress(GrpcServerRequest<?, ?> request) {
    SocketAddress remote = request.connection().remoteAddress();
    return remote == null ? null : remote.hostAddress();
  }

  private static JsonObject json(ServiceResponse response) {
    return (JsonObject) response.body();
  }

  private static User user(ServiceResponse response) {
    return user(json(response));
  }

  private static User user(JsonObject json) {
    return User.newBuilder()
      .setId(json.getString("id", ""))
      .setUsername(json.getString("username", ""))
      .setEmail(json.getString("email", ""))
      .setName(json.getString("name", ""))
      .setRole(json.getString("role", ""))
      .setCreatedAt(json.getString("createdAt", ""))
      .setUpdatedAt(json.getString("updatedAt", ""))
      .build();
  }

  private static void putIfGiven(JsonObject json, String key, String value) {
    if (!value.isEmpty()) {
      json.put(key, value);
    }
  }

  @FunctionalInterface
  private interface Action<Req, Resp> {
    Future<Resp> apply(Req message, Call call);
  }

  /** One call's context: its metadata, the peer's address and, once verified, the caller. */
  private record Call(MultiMap metadata, String clientAddress, Caller caller, String requestId) {

    Call(MultiMap metadata, String clientAddress, Caller caller) {
      this(metadata, clientAddress, caller, requestIdOf(metadata));
    }

    Call as(Caller verified) {
      return new Call(metadata, clientAddress, verified, requestId);
    }

    ServiceRequest request(String action, JsonObject params, JsonObject query, JsonObject body) {
      return new ServiceRequest(action, requestId, caller == null ? null : caller.id(), caller == null ? null : caller.role(),
        null, params, query, body, clientAddress);
    }

    private static String requestIdOf(MultiMap metadata) {
      String given = metadata.get("x-request-id");
      return given == null || given.isBlank() ? UUID.randomUUID().toString() : given;
    }
  }
}
