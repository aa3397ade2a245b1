package io.micronet.users;

/**
 * Validated account fields; null means "not given". The passwords are the plain text, hashed or checked by the
 * service: {@code currentPassword} comes only with {@code password}, when a user changes its own.
 */
record UserFields(String username, String email, String name, String password, String role, String currentPassword) {

  UserFields(String username, String email, String name, String password, String role) {
    this(username, email, name, password, role, null);
  }

  /** Nothing to change ({@code currentPassword} alone changes nothing). */
  boolean isEmpty() {
    return username == null && email == null && name == null && password == null && role == null;
  }
}
