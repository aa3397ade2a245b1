package io.micronet.tools;

import io.micronet.grpc.user.v1.CreateUserRequest;
import io.micronet.grpc.user.v1.ListUsersRequest;
import io.micronet.grpc.user.v1.ListUsersResponse;
import io.micronet.grpc.user.v1.User;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/grpc-client}: a command-line test client of the gRPC user service. The token comes from
 * {@code MICRONET_TOKEN}; results are printed as JSON, a failed call as its gRPC status on stderr (exit 1).
 */
public final class GrpcUserClient {

  static final String USAGE = """
    usage: scripts/grpc-client [--host HOST] [--port PORT] [--tls [--ca CA.pem]] COMMAND
      authenticate USER PASS          prints the token (export MICRONET_TOKEN=... for the other commands)
      list [QUERY]                    users matching QUERY (manager)
      get ID                          one user
      create USER EMAIL PASS [ROLE]   a new user, role client unless given (manager)
    defaults: --host 127.0.0.1 --port $MICRONET_GRPC_PORT, else 50051
    --tls: HTTP/2 over TLS, the server's certificate checked against CA.pem (else the JVM's trusted CAs)
           and its name against HOST""";
  private static final long CALL_TIMEOUT_SECONDS = 30;

  private GrpcUserClient() {
  }

  public static void main(String[] args) {
    List<String> words = new ArrayList<>();
    String host = "127.0.0.1";
    boolean tls = false;
    String ca = null;
    int port;
    try {
      // the same variable the server reads, so that a shell set up for a node talks to it
      port = Integer.parseInt(System.getenv().getOrDefault("MICRONET_GRPC_PORT", "50051").strip());
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--host" -> host = args[++i];
          case "--port" -> port = Integer.parseInt(args[++i]);
          case "--tls" -> tls = true;
          case "--ca" -> ca = args[++i];
          case "-h", "--help" -> usage(0);
          default -> words.add(args[i]);
        }
      }
    } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
      usage(2);
      return;
    }
    if (words.isEmpty() || ca != null && !tls) {
      usage(2);
    }
    Vertx vertx = Vertx.vertx();
    GrpcClient client = client(vertx, tls, ca);
    int exit;
    try {
      UserServiceCaller caller = new UserServiceCaller(client, SocketAddress.inetSocketAddress(port, host),
        System.getenv("MICRONET_TOKEN"));
      System.out.println(run(caller, words).toCompletionStage().toCompletableFuture()
        .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS));
      exit = 0;
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      System.err.println("grpc-client: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
      exit = 1;
    } finally {
      client.close();
      vertx.close();
    }
    System.exit(exit);
  }

  /** A gRPC client: HTTP/2 cleartext, or with {@code tls} HTTP/2 over TLS trusting {@code caPem} (null: the JVM's CAs). */
  public static GrpcClient client(Vertx vertx, boolean tls, String caPem) {
    if (!tls) {
      return GrpcClient.client(vertx);
    }
    HttpClientOptions options = new HttpClientOptions().setSsl(true).setUseAlpn(true);
    if (caPem != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(caPem));
    }
    return GrpcClient.client(vertx, options);
  }

  private static Future<String> run(UserServiceCaller caller, List<String> words) {
    String command = words.get(0);
    int arguments = words.size() - 1;
    return switch (command) {
      case "authenticate" -> expect(arguments == 2)
        .compose(v -> caller.authenticate(words.get(1), words.get(2))).map(answer -> answer.getToken());
      case "get" -> expect(arguments == 1).compose(v -> caller.getUser(words.get(1))).map(user -> json(user).encodePrettily());
      case "list" -> expect(arguments <= 1)
        .compose(v -> caller.listUsers(ListUsersRequest.newBuilder().setQuery(arguments == 1 ? words.get(1) : "").build()))
        .map(GrpcUserClient::json);
      case "create" -> expect(arguments == 3 || arguments == 4)
        .compose(v -> caller.createUser(CreateUserRequest.newBuilder().setUsername(words.get(1)).setEmail(words.get(2))
          .setPassword(words.get(3)).setRole(arguments == 4 ? words.get(4) : "").build()))
        .map(user -> json(user).encodePrettily());
      default -> Future.failedFuture(new IllegalArgumentException("unknown command '" + command + "'\n" + USAGE));
    };
  }

  private static Future<Void> expect(boolean argumentsFit) {
    return argumentsFit ? Future.succeededFuture() : Future.failedFuture(new IllegalArgumentException("wrong arguments\n" + USAGE));
  }

  private static String json(ListUsersResponse page) {
    JsonArray users = new JsonArray();
    page.getUsersList().forEach(user -> users.add(json(user)));
    return new JsonObject().put("users", users).put("total", page.getTotal()).encodePrettily();
  }

  static JsonObject json(User user) {
    return new JsonObject().put("id", user.getId()).put("username", user.getUsername()).put("email", user.getEmail())
      .put("name", user.getName()).put("role", user.getRole()).put("createdAt", user.getCreatedAt())
      .put("updatedAt", user.getUpdatedAt());
  }

  private static void usage(int exit) {
    (exit == 0 ? System.out : System.err).println(USAGE);
    System.exit(exit);
  }
}
