package io.micronet.shared.security;

/**
 * Who is calling, as a service verified it from a token (never from headers a sender writes): a user
 * (role {@code manager} or {@code client}), or another MicroNet service (role {@code service}).
 * An anonymous call has no caller (null).
 */
public record Caller(String id, String username, String role) {

  public static final String MANAGER = "manager";
  public static final String CLIENT = "client";
  /** A MicroNet service instance calling another's internal actions (orders → products reserve). */
  public static final String SERVICE = "service";

  public boolean isManager() {
    return MANAGER.equals(role);
  }

  public boolean isService() {
    return SERVICE.equals(role);
  }

  /** A signed-in person (a manager or a client), as opposed to a service. */
  public boolean isUser() {
    return MANAGER.equals(role) || CLIENT.equals(role);
  }
}
