package io.micronet.users;

import io.micronet.shared.storage.Page;
import io.micronet.shared.config.DbUrl;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.storage.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accounts table on both engines: the embedded H2 and the PostgreSQL of {@code MICRONET_TEST_DB_URL}
 * (set by {@code scripts/test}; without it the PostgreSQL cases fail). The PostgreSQL database is shared with
 * other tests: every row written here starts with this run's {@link #PREFIX} and only those are deleted.
 */
class UserRepositoryTest {

  enum Engine { H2, POSTGRESQL }

  static final String PREFIX = "ur" + UUID.randomUUID().toString().substring(0, 8) + "-";

  @TempDir
  static Path tempDir;

  private static Vertx vertx;
  private static final Map<Engine, Pool> POOLS = new EnumMap<>(Engine.class);

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    try {
      for (Pool pool : POOLS.values()) {
        SqlTemplate.forUpdate(pool, "DELETE FROM users WHERE username LIKE #{prefix}")
          .execute(Map.of("prefix", PREFIX + "%")).await();
        pool.close().await();
      }
    } finally {
      vertx.close().await();
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void usernamesAndEmailsAreUniqueWhateverTheCase(Engine engine) {
    UserRepository repository = repository(engine);
    User first = repository.insert(user("Uma", "uma@example.com")).await();
    assertEquals(Optional.of(first), repository.findByUsername(PREFIX + "UMA").await());

    ServiceException name = assertThrows(ServiceException.class, () -> repository.insert(user("uMA", "other@example.com")).await());
    assertEquals(ErrorCode.CONFLICT, name.code());
    assertEquals(new JsonObject().put("username", "is already taken"), name.details());
    ServiceException email = assertThrows(ServiceException.class, () -> repository.insert(user("uma2", "UMA@example.com")).await());
    assertEquals(new JsonObject().put("email", "is already taken"), email.details());

    User second = repository.insert(user("ulf", "ulf@example.com")).await();
    ServiceException renamed = assertThrows(ServiceException.class, () -> repository.update(second.id(),
      new UserFields(PREFIX + "uma", null, null, null, null), null, 5).await());
    assertEquals(ErrorCode.CONFLICT, renamed.code());
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void updateListAndDelete(Engine engine) {
    UserRepository repository = repository(engine);
    User vera = repository.insert(user("vera", "vera@example.com")).await();
    repository.insert(user("vlad", "vlad@example.com")).await();

    User changed = repository.update(vera.id(), new UserFields(null, null, "Vera V.", null, "manager"), "new-hash", 9).await()
      .orElseThrow();
    assertEquals("Vera V.", changed.name());
    assertEquals("manager", changed.role());
    assertEquals("new-hash", changed.passwordHash());
    assertEquals(Optional.of(changed), repository.find(vera.id()).await());
    assertEquals(Optional.empty(), repository.update("no-such-id", new UserFields(null, null, "x", null, null), null, 9).await());

    Page<User> page = repository.list(query(new JsonObject().put("q", PREFIX + "v").put("size", "1"))).await();
    assertEquals(2, page.total());
    assertEquals(PREFIX + "vera", page.items().get(0).username());
    Page<User> managers = repository.list(query(new JsonObject().put("q", PREFIX + "v").put("role", "manager"))).await();
    assertEquals(1, managers.total());
    Page<User> wildcard = repository.list(query(new JsonObject().put("q", "%"))).await();
    assertTrue(wildcard.items().stream().allMatch(u -> u.username().contains("%")), "% is matched literally");

    assertTrue(repository.delete(vera.id()).await());
    assertEquals(Optional.empty(), repository.find(vera.id()).await());
  }

  private static UserRepository repository(Engine engine) {
    Pool pool = POOLS.computeIfAbsent(engine, UserRepositoryTest::pool);
    UserRepository repository = new UserRepository(pool);
    repository.migrate(vertx).await();
    return repository;
  }

  private static Pool pool(Engine engine) {
    JsonObject storage = new JsonObject().put("dataDir", tempDir.toString());
    if (engine == Engine.POSTGRESQL) {
      String url = System.getenv("MICRONET_TEST_DB_URL");
      assertNotNull(url, "MICRONET_TEST_DB_URL is not set (scripts/test sets it)");
      DbUrl.parse(url);
      storage.put("dbUrl", url);
    }
    return Database.pool(vertx, MicronetConfig.load(new JsonObject().put("storage", storage), Map.of()));
  }

  private static UserQuery query(JsonObject params) {
    return UserQuery.from(new ServiceRequest("list", "r", "m", "manager", null, new JsonObject(), params, null));
  }

  private static User user(String name, String email) {
    String id = UUID.randomUUID().toString();
    return new User(id, PREFIX + name, PREFIX + email, "", "client", "hash", 1, 1);
  }
}
