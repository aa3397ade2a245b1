package io.micronet.shared.security;

/** Who is calling: carried from the gateway to the services in the envelope headers. */
public record Caller(String id, String username, String role) {

  public static final String MANAGER = "manager";
  public static final String CLIENT = "client";

  public boolean isManager() {
    return MANAGER.equals(role);
  }
}
