package io.micronet.users;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Revocations;
import io.micronet.shared.security.TokenVerifier;
import io.micronet.shared.security.Tokens;
import io.micronet.shared.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A login reads the account, waits for the slow hash, then signs a token with the role it read. A demotion that
 * commits and revokes while the hash runs must not leave that token valid with the old role: the token names the
 * token version it read, which the demotion raised, so the revocation refuses it (whatever the clocks say).
 */
@ExtendWith(VertxExtension.class)
class LoginDuringDemotionTest {

  private static final long TTL = 900;

  @Test
  void aLoginRacingADemotionGetsNoManagerToken(Vertx vertx, @TempDir Path dataDir) {
    Pool pool = Database.pool(vertx, MicronetConfig.load(new JsonObject()
      .put("storage", new JsonObject().put("dataDir", dataDir.toString())), Map.of()));
    UserRepository repository = new UserRepository(pool);
    IdempotentWrites writes = new IdempotentWrites(pool, "users");
    repository.migrate(vertx).compose(v -> writes.migrate(vertx)).await();
    // one hashing thread, so a job submitted first keeps the login's check waiting (as under any load)
    PasswordHasher hasher = new PasswordHasher(vertx, 1, 32);
    Tokens tokens = Tokens.withSecret(vertx, "a-test-secret-of-more-than-thirty-two-characters");
    Revocations revocations = new Revocations(vertx, tokens, TTL * 1000);
    TokenRevoker revoker = new TokenRevoker(pool, revocations, TTL * 1000);
    revoker.start(vertx).await();
    UserService service = new UserService(repository, writes, hasher, tokens, TTL,
      new LoginThrottle(5, 50, Duration.ofMinutes(15), Duration.ofMinutes(15), Clock.systemUTC()), Clock.systemUTC(), revoker);
    TokenVerifier verifier = new TokenVerifier(tokens, revocations);

    String id = ((JsonObject) service.register(request(null, null, "register", null,
      new JsonObject().put("username", "eve").put("email", "eve@example.com").put("password", "eve's password"))).await().body())
      .getString("id");
    service.update(request("boss", Caller.MANAGER, "update", id, new JsonObject().put("role", Caller.MANAGER))).await();

    Future<String> occupied = hasher.hash("keeps the only hashing thread busy for a moment");
    Future<ServiceResponse> login = service.login(request(null, null, "login", null,
      new JsonObject().put("username", "eve").put("password", "eve's password")));
    vertx.timer(30).await(); // lets the login read eve's row (role manager); its hash waits behind the job above
    service.update(request("boss", Caller.MANAGER, "update", id, new JsonObject().put("role", Caller.CLIENT))).await();
    assertFalse(login.isComplete(), "could not arrange the race: the login finished before the demotion");
    String token = ((JsonObject) login.await().body()).getString("token");
    occupied.await();

    Caller caller = verifier.verify(token).otherwise((Caller) null).await();
    System.out.println("token issued after the demotion's revocation verifies as: " + caller);
    assertTrue(caller == null || Caller.CLIENT.equals(caller.role()),
      "a token signed after the demotion still says " + (caller == null ? null : caller.role()));
  }

  private static ServiceRequest request(String callerId, String role, String action, String id, JsonObject body) {
    JsonObject params = id == null ? new JsonObject() : new JsonObject().put("id", id);
    return new ServiceRequest(action, "r", callerId, role, null, params, new JsonObject(), body, "127.0.0.1");
  }
}
