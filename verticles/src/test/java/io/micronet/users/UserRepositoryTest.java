package io.micronet.users;

import io.micronet.shared.storage.Page;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.storage.TestDatabases;
import io.micronet.storage.TestDatabases.Engine;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accounts table on both engines of {@link TestDatabases}. The PostgreSQL database is shared with other
 * tests: every row written here starts with this run's {@link #PREFIX} and only those are deleted.
 */
class UserRepositoryTest {

  static final String PREFIX = "ur" + UUID.randomUUID().toString().substring(0, 8) + "-";

  @TempDir
  static Path tempDir;

  private static Vertx vertx;
  private static TestDatabases databases;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    databases = new TestDatabases(vertx, tempDir, pool -> new UserRepository(pool).migrate(vertx).await());
  }

  @AfterAll
  static void stop() {
    try {
      databases.close(pool -> SqlTemplate.forUpdate(pool, "DELETE FROM users WHERE username LIKE #{prefix}")
        .execute(Map.of("prefix", PREFIX + "%")).await());
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
    return new UserRepository(databases.pool(engine));
  }

  private static UserQuery query(JsonObject params) {
    return UserQuery.from(new ServiceRequest("list", "r", "m", "manager", null, new JsonObject(), params, null));
  }

  private static User user(String name, String email) {
    String id = UUID.randomUUID().toString();
    return new User(id, PREFIX + name, PREFIX + email, "", "client", "hash", 1, 1, 0);
  }
}
