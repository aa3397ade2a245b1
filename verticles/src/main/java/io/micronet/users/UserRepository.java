package io.micronet.users;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.storage.Migrations;
import io.micronet.shared.storage.SqlErrors;
import io.micronet.shared.storage.Page;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The accounts table. One SQL text for H2 and PostgreSQL; every value goes through template parameters.
 * Usernames and emails are unique regardless of case (lower-cased key columns with unique indexes).
 */
class UserRepository {

  static final List<List<String>> MIGRATIONS = List.of(
    List.of(
      "CREATE TABLE IF NOT EXISTS users ("
        + "id VARCHAR(36) PRIMARY KEY, "
        + "username VARCHAR(50) NOT NULL, "
        + "username_key VARCHAR(50) NOT NULL, "
        + "email VARCHAR(254) NOT NULL, "
        + "email_key VARCHAR(254) NOT NULL, "
        + "name VARCHAR(100) NOT NULL, "
        + "role VARCHAR(16) NOT NULL CHECK (role IN ('manager', 'client')), "
        + "password_hash VARCHAR(200) NOT NULL, "
        + "created_at BIGINT NOT NULL, "
        + "updated_at BIGINT NOT NULL)",
      "CREATE UNIQUE INDEX IF NOT EXISTS users_username_key ON users (username_key)",
      "CREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON users (email_key)",
      "CREATE INDEX IF NOT EXISTS users_role ON users (role)"),
    // a change of role or password raises it: tokens name the version they were issued with (see TokenRevoker)
    List.of("ALTER TABLE users ADD COLUMN IF NOT EXISTS token_version BIGINT DEFAULT 0 NOT NULL"));

  private static final String COLUMNS = "id, username, email, name, role, password_hash, created_at, updated_at, token_version";

  private final Pool pool;

  UserRepository(Pool pool) {
    this.pool = pool;
  }

  Future<Void> migrate(Vertx vertx) {
    return Migrations.apply(vertx, pool, "users", MIGRATIONS);
  }

  Future<User> insert(User user) {
    return insert(pool, user);
  }

  /** The writes that take a client run inside the caller's transaction (see IdempotentWrites). */
  Future<User> insert(SqlClient client, User user) {
    return SqlTemplate.forUpdate(client, "INSERT INTO users (" + COLUMNS + ", username_key, email_key) VALUES (#{id}, "
        + "#{username}, #{email}, #{name}, #{role}, #{passwordHash}, #{createdAt}, #{updatedAt}, #{tokenVersion}, #{usernameKey}, #{emailKey})")
      .execute(params(user))
      .map(user)
      .recover(UserRepository::duplicate);
  }

  Future<Optional<User>> find(String id) {
    return find(pool, "id = #{key}", id, false);
  }

  Future<Optional<User>> findByUsername(String username) {
    return find(pool, "username_key = #{key}", key(username), false);
  }

  Future<Long> count() {
    return pool.query("SELECT COUNT(*) FROM users").execute()
      .map(rows -> ((Number) rows.iterator().next().getValue(0)).longValue());
  }

  /** Applies the given fields (and the new password's hash, if any) in one transaction; empty when there is no such user. */
  Future<Optional<User>> update(String id, UserFields fields, String passwordHash, long now) {
    return pool.withTransaction(conn -> update(conn, id, fields, passwordHash, now));
  }

  Future<Boolean> delete(String id) {
    return delete(pool, id);
  }

  Future<Boolean> delete(SqlClient client, String id) {
    return SqlTemplate.forUpdate(client, "DELETE FROM users WHERE id = #{id}")
      .execute(Map.of("id", id))
      .map(result -> result.rowCount() == 1);
  }

  Future<Page<User>> list(UserQuery query) {
    Map<String, Object> params = new HashMap<>();
    String where = query.where(params);
    return Page.read(pool, COLUMNS, "users", where, "username_key ASC, id ASC", params, query.page(), query.size(), User::fromRow);
  }

  Future<Optional<User>> update(SqlConnection conn, String id, UserFields fields, String passwordHash, long now) {
    return find(conn, "id = #{key}", id, true).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.<User>empty());
      }
      User old = found.get();
      User changed = new User(id,
        fields.username() != null ? fields.username() : old.username(),
        fields.email() != null ? fields.email() : old.email(),
        fields.name() != null ? fields.name() : old.name(),
        fields.role() != null ? fields.role() : old.role(),
        passwordHash != null ? passwordHash : old.passwordHash(),
        old.createdAt(), now,
        fields.role() != null || passwordHash != null ? old.tokenVersion() + 1 : old.tokenVersion());
      return SqlTemplate.forUpdate(conn, "UPDATE users SET username = #{username}, username_key = #{usernameKey}, "
          + "email = #{email}, email_key = #{emailKey}, name = #{name}, role = #{role}, password_hash = #{passwordHash}, "
          + "updated_at = #{updatedAt}, token_version = #{tokenVersion} WHERE id = #{id}")
        .execute(params(changed))
        .map(Optional.of(changed));
    }).recover(UserRepository::duplicate);
  }

  private static Future<Optional<User>> find(SqlClient client, String condition, String key, boolean forUpdate) {
    return SqlTemplate.forQuery(client, "SELECT " + COLUMNS + " FROM users WHERE " + condition + (forUpdate ? " FOR UPDATE" : ""))
      .execute(Map.of("key", key))
      .map(rows -> users(rows).stream().findFirst());
  }

  private static List<User> users(RowSet<Row> rows) {
    List<User> users = new ArrayList<>(rows.size());
    for (Row row : rows) {
      users.add(User.fromRow(row));
    }
    return users;
  }

  private static Map<String, Object> params(User user) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", user.id());
    params.put("username", user.username());
    params.put("usernameKey", key(user.username()));
    params.put("email", user.email());
    params.put("emailKey", key(user.email()));
    params.put("name", user.name());
    params.put("role", user.role());
    params.put("passwordHash", user.passwordHash());
    params.put("createdAt", user.createdAt());
    params.put("updatedAt", user.updatedAt());
    params.put("tokenVersion", user.tokenVersion());
    return params;
  }

  static String key(String text) {
    return text.strip().toLowerCase(Locale.ROOT);
  }

  /** A unique index refused the write: 409 naming the field that is taken. */
  private static <T> Future<T> duplicate(Throwable failure) {
    if (!SqlErrors.isUniqueViolation(failure)) {
      return Future.failedFuture(failure);
    }
    String field = "username";
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("users_email_key")) {
        field = "email";
      }
    }
    return Future.failedFuture(new ServiceException(ErrorCode.CONFLICT, "this " + field + " is already taken",
      new JsonObject().put(field, "is already taken")));
  }
}
