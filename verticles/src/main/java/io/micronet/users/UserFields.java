package io.micronet.users;

/** Validated account fields; null means "not given". The password is the plain text, hashed by the service. */
record UserFields(String username, String email, String name, String password, String role) {

  boolean isEmpty() {
    return username == null && email == null && name == null && password == null && role == null;
  }
}
