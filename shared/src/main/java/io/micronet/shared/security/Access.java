package io.micronet.shared.security;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;

/** Who may run an action or call a route; checked against the verified caller (null: anonymous). */
public enum Access {
  /** anyone, no token needed */
  PUBLIC,
  /** any signed-in user (manager or client) */
  ANY_ROLE,
  /** managers only */
  MANAGER,
  /** other MicroNet services only (internal actions such as products' reserve/release) */
  SERVICE,
  /** managers and MicroNet services: operations (health checks, failure injection, deploying instances) */
  OPERATOR;

  public boolean admits(Caller caller) {
    return switch (this) {
      case PUBLIC -> true;
      case ANY_ROLE -> caller != null && caller.isUser();
      case MANAGER -> caller != null && caller.isManager();
      case SERVICE -> caller != null && caller.isService();
      case OPERATOR -> caller != null && (caller.isManager() || caller.isService());
    };
  }

  /** The refusal for a caller this access does not admit: 401 when anonymous, 403 otherwise. */
  public ServiceException refusal(Caller caller) {
    if (caller == null) {
      return new ServiceException(ErrorCode.UNAUTHORIZED, "this operation needs a bearer token");
    }
    return new ServiceException(ErrorCode.FORBIDDEN, switch (this) {
      case MANAGER -> "this operation is for managers";
      case SERVICE -> "this operation is internal to the platform";
      case OPERATOR -> "this operation is for managers";
      default -> "this operation is not allowed for role " + caller.role();
    });
  }
}
