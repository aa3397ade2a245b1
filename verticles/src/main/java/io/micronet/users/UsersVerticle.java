package io.micronet.users;

import io.micronet.shared.config.TlsFiles;
import io.micronet.shared.idempotency.IdempotencyPurge;
import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.security.Revocations;
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

import static io.micronet.shared.security.Access.ANY_ROLE;
import static io.micronet.shared.security.Access.MANAGER;
import static io.micronet.shared.security.Access.PUBLIC;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Wiring only: the pool, the schema, the first manager account, the account action table (who may run what), and
 * the gRPC server on {@code grpc.port} (TLS when {@code grpc.tls} names PEM files). Every instance listens on that port: Vert.x shares one listening
 * socket between the instances of a node and spreads the connections over them.
 */
public class UsersVerticle extends ServiceVerticle {

  public static final String SERVICE = "users";
  private static final Logger LOG = LoggerFactory.getLogger(UsersVerticle.class);
  private static final long REVOCATION_RESYNC_MS = 60_000;

  private UsersGrpcService grpcService;
  private HttpServer grpcServer;
  private long revocationResync = -1;
  private PasswordHasher hasher;

  @Override
  protected String serviceName() {
    return SERVICE;
  }

  @Override
  protected Future<ActionDispatcher> createActions() {
    Pool pool = pool();
    UserRepository repository = new UserRepository(pool);
    JsonObject settings = micronetConfig.section("services").getJsonObject(SERVICE, new JsonObject());
    hasher = new PasswordHasher(vertx, settings.getInteger("hashingThreads", PasswordHasher.DEFAULT_THREADS),
      settings.getInteger("hashingQueue", PasswordHasher.DEFAULT_QUEUE));
    ManagerAccount manager = new ManagerAccount(repository, hasher, Clock.systemUTC());
    LoginThrottle throttle = new LoginThrottle(settings.getInteger("loginFailuresPerUser", 5),
      settings.getInteger("loginFailuresPerAddress", 50),
      Duration.ofSeconds(settings.getLong("loginFailureWindowSeconds", 900L)),
      Duration.ofSeconds(settings.getLong("loginMaxDelaySeconds", 900L)), Clock.systemUTC());
    IdempotentWrites writes = new IdempotentWrites(pool, SERVICE, micronetConfig.idempotencyTtl(), Clock.systemUTC());
    IdempotencyPurge expiredKeys = writes.purge();
    purgePeriodically(expiredKeys.what(), expiredKeys::run);
    TokenRevoker revoker = new TokenRevoker(pool, verifier().revocations(),
      Revocations.retentionMs(micronetConfig.tokenTtlSeconds(), micronetConfig.clockSkewSeconds()));
    // a revocation whose cluster-map write failed is carried out by the next resync
    revocationResync = vertx.setPeriodic(REVOCATION_RESYNC_MS, id -> revoker.resync()
      .onFailure(e -> LOG.warn("token revocation resync failed", kv("reason", String.valueOf(e.getMessage())))));
    return repository.migrate(vertx)
      .compose(v -> writes.migrate(vertx))
      .compose(v -> revoker.start(vertx))
      .compose(v -> manager.ensure(micronetConfig.adminPassword(), ManagerAccount::printToConsole))
      .map(created -> {
        UserService service = new UserService(repository, writes, hasher, verifier().tokens(), micronetConfig.tokenTtlSeconds(),
          throttle, Clock.systemUTC(), revoker);
        grpcService = new UsersGrpcService(service, verifier());
        // a user may read, change and delete itself: the service checks "self or manager"
        return actions()
          .on("register", PUBLIC, service::register)
          .on("login", PUBLIC, service::login)
          .on("me", ANY_ROLE, service::me)
          .on("list", MANAGER, service::list)
          .on("create", MANAGER, service::create)
          .on("get", ANY_ROLE, service::get)
          .on("update", ANY_ROLE, service::update)
          .on("delete", ANY_ROLE, service::delete);
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

  /** After the drain: the revocation resync, and this instance's hold on the hashing executor. */
  @Override
  protected Future<?> closeResources() {
    vertx.cancelTimer(revocationResync);
    return hasher == null ? Future.succeededFuture() : hasher.close();
  }
}
