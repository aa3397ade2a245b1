package io.micronet.shared.security;

/** Who may call a route. */
public enum Access {
  /** anyone, no token needed */
  PUBLIC,
  /** any signed-in caller */
  ANY_ROLE,
  /** managers only */
  MANAGER
}
