package io.micronet.tools;

import io.micronet.grpc.user.v1.AuthenticateRequest;
import io.micronet.grpc.user.v1.AuthenticateResponse;
import io.micronet.grpc.user.v1.CreateUserRequest;
import io.micronet.grpc.user.v1.GetUserRequest;
import io.micronet.grpc.user.v1.ListUsersRequest;
import io.micronet.grpc.user.v1.ListUsersResponse;
import io.micronet.grpc.user.v1.User;
import io.micronet.grpc.user.v1.UserServiceGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;

/**
 * Calls {@code micronet.user.v1.UserService} with vertx-grpc-client, sending {@code authorization: Bearer <token>}
 * when it has a token. A call answered with another status than OK fails with a {@link GrpcCallException}.
 */
public final class UserServiceCaller {

  private final GrpcClient client;
  private final SocketAddress server;
  private final String token;

  public UserServiceCaller(GrpcClient client, SocketAddress server, String token) {
    this.client = client;
    this.server = server;
    this.token = token;
  }

  /** The same server, with another token (null: none). */
  public UserServiceCaller withToken(String other) {
    return new UserServiceCaller(client, server, other);
  }

  public Future<AuthenticateResponse> authenticate(String username, String password) {
    return call(UserServiceGrpcClient.Authenticate,
      AuthenticateRequest.newBuilder().setUsername(username).setPassword(password).build());
  }

  public Future<User> getUser(String id) {
    return call(UserServiceGrpcClient.GetUser, GetUserRequest.newBuilder().setId(id).build());
  }

  public Future<ListUsersResponse> listUsers(ListUsersRequest request) {
    return call(UserServiceGrpcClient.ListUsers, request);
  }

  public Future<User> createUser(CreateUserRequest request) {
    return call(UserServiceGrpcClient.CreateUser, request);
  }

  private <Req, Resp> Future<Resp> call(ServiceMethod<Resp, Req> method, Req message) {
    return client.request(server, method).compose(request -> {
      if (token != null && !token.isBlank()) {
        request.headers().set("authorization", "Bearer " + token);
      }
      return request.end(message).compose(v -> request.response()).compose(response -> response.last()
        .recover(e -> response.status() != null && response.status() != GrpcStatus.OK
          ? Future.failedFuture(new GrpcCallException(response.status(), response.statusMessage()))
          : Future.failedFuture(e)));
    });
  }
}
