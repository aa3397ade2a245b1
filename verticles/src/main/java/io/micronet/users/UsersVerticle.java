package io.micronet.users;

import io.micronet.shared.config.TlsFiles;
import io.micronet.shared.idempotency.IdempotencyPurge;
import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.security.Tokens;
import io.micronet.shared.service.ServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Wiring only: the pool, the schema, the first manager account, the token key, the account actions, and
 * the gRPC server on {@code grpc.port} (TLS when {@code grpc.tls} names PEM files). Every instance listens on that port: Vert.x shares one listening
 * socket between the instances of a node and spreads the connections over them.
 */
public class UsersVerticle extends ServiceVerticle {

  public static final String SERVICE = "users";
  private static final Logger LOG = LoggerFactory.getLogger(UsersVerticle.class);

  private UsersGrpcService grpcService;
  private HttpServer grpcServer;

  @Override
  protected String serviceName() {
    return SERVICE;
  }

  @Override
  protected Future<ActionDispatcher> createActions() {
    Pool pool = pool();
    UserRepository repository = new UserRepository(pool);
    PasswordHasher hasher = new PasswordHasher(vertx);
    ManagerAccount manager = new ManagerAccount(repository, hasher, Clock.systemUTC());
    JsonObject settings = micronetConfig.section("services").getJsonObject(SERVICE, new JsonObject());
    LoginThrottle throttle = new LoginThrottle(settings.getInteger("loginFailuresPerUser", 5),
      settings.getInteger("loginFailuresPerAddress", 50),
      Duration.ofSeconds(settings.getLong("loginFailureWindowSeconds", 900L)), Clock.systemUTC());
    IdempotentWrites writes = new IdempotentWrites(pool, SERVICE, micronetConfig.idempotencyTtl(), Clock.systemUTC());
    IdempotencyPurge expiredKeys = writes.purge();
    purgePeriodically(expiredKeys.what(), expiredKeys::run);
    return repository.migrate(vertx)
      .compose(v -> writes.migrate(vertx))
      .compose(v -> manager.ensure(micronetConfig.adminPassword(), ManagerAccount::printToConsole))
      .compose(created -> Tokens.load(vertx, micronetConfig))
      .map(tokens -> {
        UserService service = new UserService(repository, writes, hasher, tokens, micronetConfig.tokenTtlSeconds(), throttle,
          Clock.systemUTC());
        grpcService = new UsersGrpcService(service, tokens);
        return new ActionDispatcher(SERVICE)
          .on("register", service::register)
          .on("login", service::login)
          .on("me", service::me)
          .on("list", service::list)
          .on("create", service::create)
          .on("get", service::get)
          .on("update", service::update)
          .on("delete", service::delete);
      });
  }

  @Override
  public Future<?> start() {
    return super.start().compose(v -> {
      GrpcServer grpc = GrpcServer.server(vertx).addService(grpcService.service());
      TlsFiles tls = micronetConfig.grpcTls();
      // a client that holds a connection without a call for this long loses it (slow or idle clients hold no socket for ever)
      HttpServerOptions options = TlsFiles.apply(new HttpServerOptions().setHost(micronetConfig.httpHost())
        .setIdleTimeout(micronetConfig.grpcIdleTimeoutSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS), tls)
        // HTTP/2 over TLS is chosen in the handshake (ALPN); without TLS, HTTP/2 cleartext as before
        .setUseAlpn(tls != null);
      return vertx.createHttpServer(options)
        .requestHandler(grpc)
        .listen(micronetConfig.grpcPort())
        .onSuccess(server -> {
          grpcServer = server;
          LOG.info("gRPC user service listening", kv("port", server.actualPort()), kv("tls", tls != null));
        })
        // a port taken by someone else: withdraw the instance again and fail the deployment
        .recover(e -> super.stop().transform(ar -> Future.failedFuture(e)));
    });
  }

  /** The gRPC port first (calls under way finish within the grace period), then the event-bus side. */
  @Override
  public Future<?> stop() {
    Future<Void> grpcClosed = grpcServer == null ? Future.succeededFuture()
      : grpcServer.shutdown(micronetConfig.shutdownGraceMillis(), TimeUnit.MILLISECONDS);
    return grpcClosed.eventually(super::stop);
  }
}
