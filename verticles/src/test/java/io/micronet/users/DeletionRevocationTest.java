package io.micronet.users;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.idempotency.IdempotentWrites;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Revocations;
import io.micronet.shared.security.TokenVerifier;
import io.micronet.shared.security.Tokens;
import io.micronet.shared.storage.Database;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Lock;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A deletion records its revocation in the deleting transaction; when the cluster map cannot take it at once (here
 * another holder keeps the user's revocation lock; in production a Hazelcast timeout, a migration, a split) the
 * deletion still answers, the database says the user's tokens must end, and the next resync carries it out on every
 * holder.
 */
@ExtendWith(VertxExtension.class)
class DeletionRevocationTest {

  private static final long TTL = 900;

  @Test
  void aDeletionWhoseMapWriteFailsIsRevokedByTheNextResync(Vertx vertx, @TempDir Path dataDir) {
    Pool pool = Database.pool(vertx, MicronetConfig.load(new JsonObject()
      .put("storage", new JsonObject().put("dataDir", dataDir.toString())), Map.of()));
    UserRepository repository = new UserRepository(pool);
    IdempotentWrites writes = new IdempotentWrites(pool, "users");
    repository.migrate(vertx).compose(v -> writes.migrate(vertx)).await();
    Tokens tokens = Tokens.withSecret(vertx, "a-test-secret-of-more-than-thirty-two-characters");
    Revocations usersCopy = new Revocations(vertx, tokens, TTL * 1000);
    Revocations gatewayCopy = new Revocations(vertx, tokens, TTL * 1000);
    usersCopy.start(3_600_000).await();
    gatewayCopy.start(3_600_000).await();
    TokenRevoker revoker = new TokenRevoker(pool, usersCopy, TTL * 1000);
    revoker.start(vertx).await();
    UserService service = new UserService(repository, writes, new PasswordHasher(vertx, 1, 32), tokens, TTL,
      new LoginThrottle(5, 50, Duration.ofMinutes(15), Duration.ofMinutes(15), Clock.systemUTC()), Clock.systemUTC(), revoker);
    TokenVerifier gateway = new TokenVerifier(tokens, gatewayCopy);

    String id = ((JsonObject) service.register(request(null, null, "register", null,
      new JsonObject().put("username", "eve").put("email", "eve@example.com").put("password", "eve's password"))).await().body())
      .getString("id");
    String token = ((JsonObject) service.login(request(null, null, "login", null,
      new JsonObject().put("username", "eve").put("password", "eve's password"))).await().body()).getString("token");

    // the cluster map cannot take this user's revocation now: someone holds its lock
    Lock held = vertx.sharedData().getLock("micronet.token-revocation." + id).await();
    service.delete(request(id, Caller.CLIENT, "delete", id, null)).await();
    assertTrue(repository.find(id).await().isEmpty(), "the deletion committed and answered");
    long recorded = pool.query("SELECT COUNT(*) FROM token_revocations").execute()
      .map(rows -> ((Number) rows.iterator().next().getValue(0)).longValue()).await();
    assertEquals(1, recorded, "the revocation is in the database, written with the deletion");
    assertEquals(id, gateway.verify(token).otherwise((Caller) null).await().id(), "not in the cluster map yet");

    held.release();
    revoker.resync().await();
    vertx.timer(300).await(); // the announcement reaches the other holder
    assertNull(gateway.verify(token).otherwise((Caller) null).await(), "the resync carried it out: another holder refuses it");
  }

  private static ServiceRequest request(String callerId, String role, String action, String id, JsonObject body) {
    JsonObject params = id == null ? new JsonObject() : new JsonObject().put("id", id);
    return new ServiceRequest(action, "r", callerId, role, null, params, new JsonObject(), body, "127.0.0.1");
  }
}
