package io.micronet.users;

import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Revocations;
import io.micronet.shared.security.Tokens;
import io.micronet.shared.validation.Inputs;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The accounts' rules: registration, login (slow hash off the event loop, one answer for every failure,
 * failed attempts limited), and who may read or change which account: a manager any, a user itself,
 * never its own role. The caller is the one verified from the request's token; ownership is checked here.
 * Deleting a user, or changing its password or role, revokes the tokens it was issued before.
 */
class UserService {

  /** Time kept, after a hash, for the write that follows it within the caller's budget. */
  static final long WRITE_MARGIN_MS = 250;

  private final UserRepository repository;
  private final IdempotentWrites writes;
  private final PasswordHasher hasher;
  private final Tokens tokens;
  private final long tokenTtlSeconds;
  private final LoginThrottle throttle;
  private final Clock clock;
  private final TokenRevoker revoker;

  UserService(UserRepository repository, IdempotentWrites writes, PasswordHasher hasher, Tokens tokens,
              long tokenTtlSeconds, LoginThrottle throttle, Clock clock, TokenRevoker revoker) {
    this.repository = repository;
    this.writes = writes;
    this.hasher = hasher;
    this.tokens = tokens;
    this.tokenTtlSeconds = tokenTtlSeconds;
    this.throttle = throttle;
    this.clock = clock;
    this.revoker = revoker;
  }

  Future<ServiceResponse> register(ServiceRequest request) {
    UserFields fields = UserValidator.forRegister(request.bodyObject());
    return insert(request, fields, Caller.CLIENT);
  }

  Future<ServiceResponse> create(ServiceRequest request) {
    requireManager(request);
    UserFields fields = UserValidator.forCreate(request.bodyObject());
    return insert(request, fields, fields.role() == null ? Caller.CLIENT : fields.role());
  }

  Future<ServiceResponse> login(ServiceRequest request) {
    Credentials credentials = UserValidator.forLogin(request.bodyObject());
    return authenticate(request, credentials.username(), credentials.password(), () -> repository.findByUsername(credentials.username()))
      .map(user -> ServiceResponse.ok(loginAnswer(user.orElseThrow(
        () -> new ServiceException(ErrorCode.UNAUTHORIZED, "wrong username or password")))));
  }

  Future<ServiceResponse> me(ServiceRequest request) {
    return find(request.requireCaller());
  }

  Future<ServiceResponse> get(ServiceRequest request) {
    String id = Inputs.idParam(request, "user");
    requireSelfOrManager(request, id);
    return find(id);
  }

  Future<ServiceResponse> list(ServiceRequest request) {
    requireManager(request);
    return repository.list(UserQuery.from(request)).map(page -> ServiceResponse.ok(page.toJson(User::toJson)));
  }

  /**
   * Changes the given fields. A user changing its own password must also send the current one
   * ({@code currentPassword}; missing or wrong: 403, and a wrong one counts as a failed login); a manager
   * changing another account's password does not.
   */
  Future<ServiceResponse> update(ServiceRequest request) {
    String id = Inputs.idParam(request, "user");
    requireSelfOrManager(request, id);
    UserFields fields = UserValidator.forUpdate(request.bodyObject());
    boolean self = id.equals(request.callerId());
    if (fields.role() != null && self) {
      throw new ServiceException(ErrorCode.FORBIDDEN, "you cannot change your own role");
    }
    if (fields.currentPassword() != null && !self) {
      throw ServiceException.invalid(new JsonObject().put("currentPassword", "is only for changing your own password"));
    }
    if (fields.password() != null && self && fields.currentPassword() == null) {
      throw new ServiceException(ErrorCode.FORBIDDEN, "to change your own password, send your current one as currentPassword");
    }
    Future<Void> allowed = fields.password() == null || !self ? Future.succeededFuture() : repository.find(id)
      .compose(found -> authenticate(request, orNotFound(found, id).username(), fields.currentPassword(), () -> Future.succeededFuture(found)))
      .map(user -> {
        if (user.isEmpty()) {
          throw new ServiceException(ErrorCode.FORBIDDEN, "currentPassword is not your current password");
        }
        return null;
      });
    boolean revokes = fields.password() != null || fields.role() != null;
    AtomicLong committedVersion = new AtomicLong(-1);
    return allowed
      .compose(v -> fields.password() == null ? Future.<String>succeededFuture() : hasher.hash(fields.password(), hashBudget(request)))
      .compose(hash -> writes.run(request, withoutPasswords(request), conn ->
        repository.update(conn, id, fields, hash, clock.millis()).map(found -> {
          User changed = orNotFound(found, id);
          committedVersion.set(changed.tokenVersion());
          return ServiceResponse.ok(changed.toJson());
        })))
      // a new password or role raised the token version with the change: the earlier tokens end on every node (a
      // replayed keyed request ran nothing, and its first run revoked already)
      .compose(response -> revokes && committedVersion.get() >= 0 ? revoker.revoke(id, committedVersion.get()).map(response)
        : Future.succeededFuture(response));
  }

  Future<ServiceResponse> delete(ServiceRequest request) {
    String id = Inputs.idParam(request, "user");
    requireSelfOrManager(request, id);
    return writes.run(request, conn -> repository.delete(conn, id)
        .compose(deleted -> {
          if (!deleted) {
            throw ServiceException.notFound("user", id);
          }
          return revoker.recordDeletion(conn, id);
        })
        .map(ServiceResponse.noContent()))
      // none of its tokens counts any more, on every node
      .compose(response -> revoker.revoke(id, Revocations.DELETED).map(response));
  }

  private Future<ServiceResponse> find(String id) {
    return repository.find(id).map(found -> ServiceResponse.ok(orNotFound(found, id).toJson()));
  }

  /** The slow hash first, outside any transaction; then the keyed insert. */
  private Future<ServiceResponse> insert(ServiceRequest request, UserFields fields, String role) {
    long now = clock.millis();
    return hasher.hash(fields.password(), hashBudget(request))
      .compose(hash -> writes.run(request, withoutPasswords(request), conn -> repository.insert(conn, new User(
          UUID.randomUUID().toString(), fields.username(), fields.email(), fields.name() == null ? "" : fields.name(),
          role, hash, now, now, 0))
        .map(user -> ServiceResponse.created(user.toJson()))));
  }

  /**
   * The account {@code lookup} finds if {@code password} is its password, else empty (no such account costs the
   * same hashing time), as a login attempt of {@code username} from the request's address: 429 when that address
   * must wait (before any lookup), and counted as a failure before the hash is computed — given back when the
   * password matches, or when the check never ran (hasher busy, database failed).
   */
  private Future<Optional<User>> authenticate(ServiceRequest request, String username, String password,
                                              Supplier<Future<Optional<User>>> lookup) {
    long wait = throttle.retryAfterSeconds(username, request.clientAddress());
    if (wait > 0) {
      return Future.failedFuture(new ServiceException(ErrorCode.RATE_LIMITED, "too many failed logins; retry in " + wait + " s",
        new JsonObject().put("retryAfterSeconds", wait)));
    }
    LoginThrottle.Attempt attempt = throttle.reserve(username, request.clientAddress());
    return lookup.get()
      .compose(found -> hasher.verify(password, found.map(User::passwordHash).orElse(null), hashBudget(request))
        .map(matches -> matches ? found : Optional.<User>empty()))
      .onSuccess(user -> {
        if (user.isPresent()) {
          throttle.succeeded(attempt);
        }
      })
      .onFailure(e -> throttle.giveBack(attempt));
  }

  /**
   * How long a hash may take to start and finish for this request: the caller's remaining time less a margin
   * for the write after it (0 = no limit, for a caller that set no deadline).
   */
  private static long hashBudget(ServiceRequest request) {
    long remaining = request.remainingMillis(Long.MAX_VALUE);
    return remaining == Long.MAX_VALUE ? 0 : Math.max(1, remaining - WRITE_MARGIN_MS);
  }

  /** What tells two keyed requests apart, minus the passwords: no hash of them is kept with the key. */
  private static JsonObject withoutPasswords(ServiceRequest request) {
    JsonObject body = request.bodyObject().copy();
    body.remove("password");
    body.remove("currentPassword");
    return body;
  }

  private JsonObject loginAnswer(User user) {
    // the version read with the role: a change committed meanwhile raised it, and its revocation refuses this token
    String token = tokens.issue(new Caller(user.id(), user.username(), user.role()), user.tokenVersion(), tokenTtlSeconds);
    return new JsonObject().put("token", token).put("tokenType", "Bearer").put("expiresIn", tokenTtlSeconds)
      .put("user", user.summary());
  }

  private static void requireManager(ServiceRequest request) {
    request.requireCaller();
    if (!request.callerIsManager()) {
      throw new ServiceException(ErrorCode.FORBIDDEN, "only a manager may do this");
    }
  }

  /** A manager may act on any account, anyone else on its own only (a guessed id gets 403, never a hint). */
  private static void requireSelfOrManager(ServiceRequest request, String id) {
    if (!request.requireCaller().equals(id) && !request.callerIsManager()) {
      throw new ServiceException(ErrorCode.FORBIDDEN, "you may only see or change your own account");
    }
  }

  private static User orNotFound(Optional<User> found, String id) {
    return found.orElseThrow(() -> ServiceException.notFound("user", id));
  }
}
