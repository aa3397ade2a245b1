package io.micronet.users;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Revocations;
import io.micronet.shared.security.Tokens;
import io.micronet.shared.storage.Database;
import io.micronet.storage.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The accounts' logic on the embedded database, without a network: roles, ownership, login, limits, first manager. */
@ExtendWith(VertxExtension.class)
class UserServiceTest {

  private static final String SECRET = "a-test-secret-of-more-than-thirty-two-characters";
  private static final long TTL = 900;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private UserRepository repository;
  private PasswordHasher hasher;
  private Tokens tokens;
  private Revocations revocations;
  private Pool pool;
  private UserService service;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path dataDir) {
    pool = Database.pool(vertx, MicronetConfig.load(new JsonObject()
      .put("storage", new JsonObject().put("dataDir", dataDir.toString())), Map.of()));
    repository = new UserRepository(pool);
    IdempotentWrites writes = new IdempotentWrites(pool, "users");
    repository.migrate(vertx).compose(v -> writes.migrate(vertx)).await();
    hasher = new PasswordHasher(vertx);
    tokens = Tokens.withSecret(vertx, SECRET);
    revocations = new Revocations(vertx, tokens, TTL * 1000);
    TokenRevoker revoker = new TokenRevoker(pool, revocations, TTL * 1000);
    revoker.start(vertx).await();
    service = new UserService(repository, writes, hasher, tokens, TTL, new LoginThrottle(5, 20, Duration.ofMinutes(15), Duration.ofMinutes(15), clock),
      clock, revoker);
  }

  @Test
  void aRevocationOutlivesARestartOfTheWholeCluster(Vertx vertx) {
    TokenRevoker revoker = new TokenRevoker(pool, revocations, TTL * 1000);
    revoker.recordDeletion(pool, "u-gone").await();
    revoker.revoke("u-gone", Revocations.DELETED).await();
    // every member gone: the cluster map is empty, and a new instance starts with no copy of its own
    vertx.sharedData().<String, String>getAsyncMap(Revocations.MAP).compose(map -> map.clear()).await();
    Revocations afterRestart = new Revocations(vertx, tokens, TTL * 1000);
    assertFalse(afterRestart.revoked("u-gone", 0), "nothing known before the users service starts");
    new TokenRevoker(pool, afterRestart, TTL * 1000).start(vertx).await();
    assertTrue(afterRestart.revoked("u-gone", 0), "a deleted user's tokens: restored from the users database at start");
  }

  @Test
  void aKeyedRegistrationRetriedGetsTheFirstAnswerAndKeepsNoTraceOfThePassword() {
    JsonObject body = new JsonObject().put("username", "keyed-kim").put("email", "kim@example.org").put("password", "s3cret-pass");
    ServiceRequest keyed = new ServiceRequest("register", "r", null, null, "reg-1", new JsonObject(), new JsonObject(), body,
      "127.0.0.1");
    ServiceResponse first = service.register(keyed).await();
    ServiceResponse again = service.register(keyed).await();
    assertEquals(201, again.status());
    // the replay is the first answer as stored, byte for byte
    assertEquals(first.body(), new JsonObject((io.vertx.core.buffer.Buffer) again.body()), "the same account, not a 409 for a duplicate");
  }

  @Test
  void registerCreatesAClientAndNeverShowsTheHash() {
    ServiceResponse response = service.register(anonymous("register", body("Alice", "alice@example.com", "correct horse"))).await();
    assertEquals(201, response.status());
    JsonObject user = (JsonObject) response.body();
    assertEquals(Set.of("id", "username", "email", "name", "role", "createdAt", "updatedAt"), user.fieldNames());
    assertEquals("Alice", user.getString("username"));
    assertEquals(Caller.CLIENT, user.getString("role"));
    String stored = repository.find(user.getString("id")).await().orElseThrow().passwordHash();
    assertTrue(stored.startsWith("pbkdf2-sha256$" + PasswordHasher.ITERATIONS + "$"), stored);
    assertFalse(stored.contains("correct horse"));

    assertCode(ErrorCode.VALIDATION_FAILED, () -> service.register(anonymous("register",
      body("bob", "bob@example.com", "long enough").put("role", Caller.MANAGER))).await());
  }

  @Test
  void loginGivesATokenOfTheUserAndOneAnswerForEveryFailure() {
    String id = register("carol", "secret-pass-1");
    JsonObject answer = (JsonObject) login("CAROL", "secret-pass-1").body();
    assertEquals("Bearer", answer.getString("tokenType"));
    assertEquals(TTL, answer.getLong("expiresIn"));
    assertEquals(new JsonObject().put("id", id).put("username", "carol").put("role", Caller.CLIENT), answer.getJsonObject("user"));
    Caller caller = tokens.verify(answer.getString("token")).await();
    assertEquals(id, caller.id());
    assertEquals(Caller.CLIENT, caller.role());

    ServiceException wrongPassword = assertCode(ErrorCode.UNAUTHORIZED, () -> login("carol", "not-the-password"));
    ServiceException noSuchUser = assertCode(ErrorCode.UNAUTHORIZED, () -> login("nobody", "not-the-password"));
    assertEquals(wrongPassword.getMessage(), noSuchUser.getMessage(), "no hint whether the user exists");
  }

  @Test
  void duplicatesAreConflictsWhateverTheCase() {
    register("dave", "password-123");
    ServiceException name = assertCode(ErrorCode.CONFLICT,
      () -> service.register(anonymous("register", body("DAVE", "other@example.com", "password-123"))).await());
    assertEquals(new JsonObject().put("username", "is already taken"), name.details());
    ServiceException email = assertCode(ErrorCode.CONFLICT,
      () -> service.register(anonymous("register", body("dave2", "DAVE@example.com", "password-123"))).await());
    assertEquals(new JsonObject().put("email", "is already taken"), email.details());
  }

  @Test
  void invalidValuesAre422NamingEveryField() {
    ServiceException error = assertCode(ErrorCode.VALIDATION_FAILED, () -> service.register(anonymous("register",
      new JsonObject().put("username", "a b").put("email", "not-an-email").put("password", "short").put("name", 7)
        .put("extra", true))).await());
    assertEquals(Set.of("username", "email", "password", "name", "extra"), ((JsonObject) error.details()).fieldNames());
    ServiceException missing = assertCode(ErrorCode.VALIDATION_FAILED,
      () -> service.register(anonymous("register", new JsonObject())).await());
    assertEquals(Set.of("username", "email", "password"), ((JsonObject) missing.details()).fieldNames());
    assertCode(ErrorCode.VALIDATION_FAILED, () -> service.register(anonymous("register",
      body("eve", "eve@example.com", "p".repeat(129)))).await());
    assertCode(ErrorCode.VALIDATION_FAILED, () -> login("eve", null));
    assertCode(ErrorCode.BAD_REQUEST, () -> service.login(new ServiceRequest("login", "r", null, null, null,
      new JsonObject(), new JsonObject(), "not an object")).await());
  }

  @Test
  void aUserChangesItselfButNeverItsRoleAndNobodyElse() {
    String frank = register("frank", "frank-pass-1");
    String grace = register("grace", "grace-pass-1");
    ServiceResponse renamed = service.update(as(frank, Caller.CLIENT, "update", frank,
      new JsonObject().put("name", "Frank F.").put("password", "frank-pass-2").put("currentPassword", "frank-pass-1"))).await();
    assertEquals("Frank F.", ((JsonObject) renamed.body()).getString("name"));
    login("frank", "frank-pass-2");
    assertCode(ErrorCode.UNAUTHORIZED, () -> login("frank", "frank-pass-1"));

    assertCode(ErrorCode.FORBIDDEN, () -> service.update(as(frank, Caller.CLIENT, "update", frank,
      new JsonObject().put("role", Caller.MANAGER))).await());
    assertCode(ErrorCode.FORBIDDEN, () -> service.update(as(frank, Caller.CLIENT, "update", grace,
      new JsonObject().put("name", "hacked"))).await());
    assertCode(ErrorCode.FORBIDDEN, () -> service.get(as(frank, Caller.CLIENT, "get", grace, null)).await());
    assertCode(ErrorCode.FORBIDDEN, () -> service.delete(as(frank, Caller.CLIENT, "delete", grace, null)).await());
    assertCode(ErrorCode.FORBIDDEN, () -> service.list(as(frank, Caller.CLIENT, "list", null, null)).await());
    assertEquals(frank, ((JsonObject) service.me(as(frank, Caller.CLIENT, "me", null, null)).await().body()).getString("id"));

    // a manager changes anyone's role, but not its own
    String boss = register("boss", "boss-pass-1");
    ServiceResponse promoted = service.update(as(boss, Caller.MANAGER, "update", grace,
      new JsonObject().put("role", Caller.MANAGER))).await();
    assertEquals(Caller.MANAGER, ((JsonObject) promoted.body()).getString("role"));
    assertCode(ErrorCode.FORBIDDEN, () -> service.update(as(boss, Caller.MANAGER, "update", boss,
      new JsonObject().put("role", Caller.CLIENT))).await());

    assertEquals(204, service.delete(as(frank, Caller.CLIENT, "delete", frank, null)).await().status());
    assertCode(ErrorCode.NOT_FOUND, () -> service.get(as(boss, Caller.MANAGER, "get", frank, null)).await());
  }

  @Test
  void managersCreateAnyRoleAndListWithFiltersAndPages() {
    String boss = register("boss", "boss-pass-1");
    for (String name : List.of("kim", "kate", "kyle")) {
      service.create(as(boss, Caller.MANAGER, "create", null, body(name, name + "@example.com", "k-password")
        .put("role", name.equals("kyle") ? Caller.MANAGER : Caller.CLIENT))).await();
    }
    assertCode(ErrorCode.FORBIDDEN, () -> service.create(as("someone", Caller.CLIENT, "create", null,
      body("mallory", "m@example.com", "m-password"))).await());

    JsonObject page = list(boss, new JsonObject().put("q", "K").put("size", "2"));
    assertEquals(3, page.getLong("total"));
    assertEquals(2, page.getJsonArray("items").size());
    assertEquals("kate", page.getJsonArray("items").getJsonObject(0).getString("username"));
    JsonObject managers = list(boss, new JsonObject().put("role", Caller.MANAGER));
    assertEquals(1, managers.getLong("total"));
    assertEquals("kyle", managers.getJsonArray("items").getJsonObject(0).getString("username"));
    assertCode(ErrorCode.VALIDATION_FAILED, () -> list(boss, new JsonObject().put("role", "root").put("size", "101")));
  }

  @Test
  void fiveFailedLoginsFromOneAddressDoNotLockTheUserOutFromAnother() {
    register("henry", "henry-pass-1");
    for (int i = 0; i < 5; i++) {
      assertCode(ErrorCode.UNAUTHORIZED, () -> login("henry", "wrong-password"));
    }
    ServiceException limited = assertCode(ErrorCode.RATE_LIMITED, () -> login("henry", "henry-pass-1"));
    assertEquals(1L, ((JsonObject) limited.details()).getLong("retryAfterSeconds"));
    // the lock is per username and address: henry, elsewhere, is not locked out by whoever guessed here
    service.login(loginRequest("henry", "henry-pass-1", "10.9.9.9")).await();

    // here, each further failure doubles the wait
    clock.advance(Duration.ofSeconds(1));
    assertCode(ErrorCode.UNAUTHORIZED, () -> login("henry", "wrong-password"));
    assertEquals(2L, ((JsonObject) assertCode(ErrorCode.RATE_LIMITED, () -> login("henry", "henry-pass-1")).details())
      .getLong("retryAfterSeconds"));
    clock.advance(Duration.ofSeconds(2));
    assertCode(ErrorCode.UNAUTHORIZED, () -> login("henry", "wrong-password"));
    assertEquals(4L, ((JsonObject) assertCode(ErrorCode.RATE_LIMITED, () -> login("henry", "henry-pass-1")).details())
      .getLong("retryAfterSeconds"));
    clock.advance(Duration.ofSeconds(4));
    login("henry", "henry-pass-1");
    // a right password clears the pair: five free failures again
    for (int i = 0; i < 5; i++) {
      assertCode(ErrorCode.UNAUTHORIZED, () -> login("henry", "wrong-password"));
    }
    assertCode(ErrorCode.RATE_LIMITED, () -> login("henry", "henry-pass-1"));
    clock.advance(Duration.ofMinutes(16));

    // per address: a few failures from one address (colleagues' typos) lock nobody else out
    for (int i = 0; i < 5; i++) {
      String name = "typo" + i;
      assertCode(ErrorCode.UNAUTHORIZED, () -> login(name, "wrong-password"));
    }
    login("henry", "henry-pass-1");
    // but twenty failures from one address, and that address is refused for any name; others are not
    for (int i = 5; i < 20; i++) {
      String name = "ghost" + i;
      assertCode(ErrorCode.UNAUTHORIZED, () -> login(name, "wrong-password"));
    }
    assertCode(ErrorCode.RATE_LIMITED, () -> login("henry", "henry-pass-1"));
    service.login(loginRequest("henry", "henry-pass-1", "10.1.1.1")).await();
  }

  @Test
  void guessesSentAtOnceAreCountedBeforeTheyAreHashed() {
    register("ivy", "ivy-pass-1");
    List<Future<ServiceResponse>> guesses = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      guesses.add(service.login(loginRequest("ivy", "guess-" + i, "10.6.6.6")));
    }
    Future.join(guesses).transform(ar -> Future.succeededFuture()).await();
    long tried = guesses.stream().filter(g -> g.cause() instanceof ServiceException e && e.code() == ErrorCode.UNAUTHORIZED).count();
    long refused = guesses.stream().filter(g -> g.cause() instanceof ServiceException e && e.code() == ErrorCode.RATE_LIMITED).count();
    assertEquals(5, tried, "only the free failures were hashed");
    assertEquals(7, refused);
  }

  @Test
  void changingOnesOwnPasswordNeedsTheCurrentOneAndWrongOnesCountAsFailedLogins() {
    String jill = register("jill", "jill-pass-1");
    String kurt = register("kurt", "kurt-pass-1");
    JsonObject newPassword = new JsonObject().put("password", "jill-pass-2");
    ServiceException missing = assertCode(ErrorCode.FORBIDDEN, () -> service.update(as(jill, Caller.CLIENT, "update", jill, newPassword)).await());
    assertTrue(missing.getMessage().contains("currentPassword"), missing.getMessage());
    assertCode(ErrorCode.FORBIDDEN, () -> service.update(as(jill, Caller.CLIENT, "update", jill,
      newPassword.copy().put("currentPassword", "not-it"))).await());
    assertCode(ErrorCode.VALIDATION_FAILED, () -> service.update(as(jill, Caller.CLIENT, "update", jill,
      new JsonObject().put("name", "J").put("currentPassword", "jill-pass-1"))).await());
    login("jill", "jill-pass-1");

    // five wrong ones in a row from this address (the login above cleared the first two): it must now wait, for login too
    for (int i = 0; i < 5; i++) {
      assertCode(ErrorCode.FORBIDDEN, () -> service.update(as(jill, Caller.CLIENT, "update", jill,
        newPassword.copy().put("currentPassword", "not-it"))).await());
    }
    assertCode(ErrorCode.RATE_LIMITED, () -> service.update(as(jill, Caller.CLIENT, "update", jill,
      newPassword.copy().put("currentPassword", "jill-pass-1"))).await());
    assertCode(ErrorCode.RATE_LIMITED, () -> login("jill", "jill-pass-1"));
    clock.advance(Duration.ofSeconds(1));
    service.update(as(jill, Caller.CLIENT, "update", jill, newPassword.copy().put("currentPassword", "jill-pass-1"))).await();
    login("jill", "jill-pass-2");
    assertCode(ErrorCode.UNAUTHORIZED, () -> login("jill", "jill-pass-1"));

    // a manager sets another account's password without knowing it, and may not pretend to
    String boss = register("boss", "boss-pass-1");
    service.update(as(boss, Caller.MANAGER, "update", kurt, new JsonObject().put("password", "kurt-pass-2"))).await();
    login("kurt", "kurt-pass-2");
    assertCode(ErrorCode.VALIDATION_FAILED, () -> service.update(as(boss, Caller.MANAGER, "update", kurt,
      new JsonObject().put("password", "kurt-pass-3").put("currentPassword", "kurt-pass-2"))).await());
    // its own, like anyone's own, needs the current one
    assertCode(ErrorCode.FORBIDDEN, () -> service.update(as(boss, Caller.MANAGER, "update", boss,
      new JsonObject().put("password", "boss-pass-2"))).await());
  }

  @Test
  void theFirstManagerIsCreatedOnceAndItsGeneratedPasswordShownOnce() {
    List<String> shown = new ArrayList<>();
    ManagerAccount first = new ManagerAccount(repository, hasher, clock);
    ManagerAccount second = new ManagerAccount(repository, hasher, clock);
    // two instances starting together on an empty table
    Future<Boolean> a = first.ensure(null, shown::add);
    Future<Boolean> b = second.ensure(null, shown::add);
    Future.all(a, b).await();
    assertNotEquals(a.result(), b.result(), "exactly one of them created the account");
    assertEquals(1, shown.size(), "the password is shown once");
    assertEquals(1, repository.count().await());
    assertFalse(first.ensure(null, shown::add).await(), "a later start creates nothing");
    assertEquals(1, shown.size());

    JsonObject answer = (JsonObject) login(ManagerAccount.USERNAME, shown.get(0)).body();
    assertEquals(Caller.MANAGER, answer.getJsonObject("user").getString("role"));
  }

  @Test
  void aConfiguredAdminPasswordIsUsedAndNeverShown() {
    List<String> shown = new ArrayList<>();
    ManagerAccount account = new ManagerAccount(repository, hasher, clock);
    assertThrows(IllegalArgumentException.class, () -> account.ensure("short", shown::add).await());
    assertTrue(account.ensure("configured-admin-pw", shown::add).await());
    assertEquals(List.of(), shown);
    login(ManagerAccount.USERNAME, "configured-admin-pw");
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private String register(String username, String password) {
    ServiceResponse response = service.register(anonymous("register", body(username, username + "@example.com", password))).await();
    return ((JsonObject) response.body()).getString("id");
  }

  private ServiceResponse login(String username, String password) {
    return service.login(loginRequest(username, password, "127.0.0.1")).await();
  }

  private JsonObject list(String managerId, JsonObject query) {
    return (JsonObject) service.list(new ServiceRequest("list", "r", managerId, Caller.MANAGER, null, new JsonObject(),
      query, null)).await().body();
  }

  private static ServiceRequest loginRequest(String username, String password, String address) {
    JsonObject body = new JsonObject().put("username", username);
    if (password != null) {
      body.put("password", password);
    }
    return new ServiceRequest("login", "r", null, null, null, new JsonObject(), new JsonObject(), body, address);
  }

  private static JsonObject body(String username, String email, String password) {
    return new JsonObject().put("username", username).put("email", email).put("password", password);
  }

  private static ServiceRequest anonymous(String action, JsonObject body) {
    return new ServiceRequest(action, "r", null, null, null, new JsonObject(), new JsonObject(), body, "127.0.0.1");
  }

  private static ServiceRequest as(String callerId, String role, String action, String id, JsonObject body) {
    JsonObject params = id == null ? new JsonObject() : new JsonObject().put("id", id);
    return new ServiceRequest(action, "r", callerId, role, null, params, new JsonObject(), body, "127.0.0.1");
  }

  private static ServiceException assertCode(ErrorCode code, Executable action) {
    ServiceException error = assertThrows(ServiceException.class, action);
    assertEquals(code, error.code(), error.getMessage());
    return error;
  }
}
