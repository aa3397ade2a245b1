package io.micronet.users;

import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.security.Tokens;
import io.micronet.shared.service.ServiceVerticle;
import io.micronet.shared.storage.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.time.Duration;

/** Wiring only: the pool, the schema, the first manager account, the token key, and the account actions. */
public class UsersVerticle extends ServiceVerticle {

  public static final String SERVICE = "users";
  static final int LOGIN_FAILURES_ALLOWED = 5;
  static final Duration LOGIN_FAILURE_WINDOW = Duration.ofMinutes(15);

  private Pool pool;

  @Override
  protected String serviceName() {
    return SERVICE;
  }

  @Override
  protected Future<ActionDispatcher> createActions() {
    pool = Database.pool(vertx, micronetConfig);
    UserRepository repository = new UserRepository(pool);
    PasswordHasher hasher = new PasswordHasher(vertx);
    ManagerAccount manager = new ManagerAccount(repository, hasher, Clock.systemUTC());
    LoginThrottle throttle = new LoginThrottle(LOGIN_FAILURES_ALLOWED, LOGIN_FAILURE_WINDOW, Clock.systemUTC());
    IdempotentWrites writes = new IdempotentWrites(pool, SERVICE);
    return repository.migrate(vertx)
      .compose(v -> writes.migrate(vertx))
      .compose(v -> manager.ensure(micronetConfig.adminPassword(), ManagerAccount::printToConsole))
      .compose(created -> Tokens.load(vertx, micronetConfig))
      .map(tokens -> {
        UserService service = new UserService(repository, writes, hasher, tokens, micronetConfig.tokenTtlSeconds(), throttle,
          Clock.systemUTC());
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
  protected Future<?> closeResources() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
