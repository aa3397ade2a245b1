package io.micronet.users;

/** A login attempt, checked for shape only: whether it is right is the service's question. */
record Credentials(String username, String password) {
}
