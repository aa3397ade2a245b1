package io.micronet.users;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;

/**
 * An account. The password hash never leaves the service: {@link #toJson()} leaves it out. {@code tokenVersion} is
 * raised with every change that must end the account's earlier tokens (role, password); its tokens name it.
 */
record User(String id, String username, String email, String name, String role, String passwordHash,
            long createdAt, long updatedAt, long tokenVersion) {

  static User fromRow(Row row) {
    return new User(
      row.getString("id"),
      row.getString("username"),
      row.getString("email"),
      row.getString("name"),
      row.getString("role"),
      row.getString("password_hash"),
      row.getLong("created_at"),
      row.getLong("updated_at"),
      row.getLong("token_version"));
  }

  JsonObject toJson() {
    return new JsonObject()
      .put("id", id)
      .put("username", username)
      .put("email", email)
      .put("name", name)
      .put("role", role)
      .put("createdAt", Instant.ofEpochMilli(createdAt).toString())
      .put("updatedAt", Instant.ofEpochMilli(updatedAt).toString());
  }

  /** What a login answer says about the user. */
  JsonObject summary() {
    return new JsonObject().put("id", id).put("username", username).put("role", role);
  }
}
