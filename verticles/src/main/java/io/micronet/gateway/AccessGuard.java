package io.micronet.gateway;

import io.micronet.shared.security.Access;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.Tokens;
import io.vertx.core.Future;

/**
 * Decides who the caller is and whether the route lets them in: 401 for a missing, malformed, forged or
 * expired token where one is needed (or wherever one is sent), 403 for the wrong role.
 */
public class AccessGuard {

  private static final String BEARER = "Bearer ";

  private final Tokens tokens;

  public AccessGuard(Tokens tokens) {
    this.tokens = tokens;
  }

  /** The caller, or null for an anonymous call to a public route. */
  public Future<Caller> check(String authorization, Access access) {
    if (authorization == null || authorization.isBlank()) {
      return access == Access.PUBLIC ? Future.succeededFuture()
        : Future.failedFuture(new ServiceException(ErrorCode.UNAUTHORIZED, "this operation needs a bearer token"));
    }
    if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Future.failedFuture(new ServiceException(ErrorCode.UNAUTHORIZED, "the Authorization header must be 'Bearer <token>'"));
    }
    return tokens.verify(authorization.substring(BEARER.length()).strip()).compose(caller -> {
      if (access == Access.MANAGER && !caller.isManager()) {
        return Future.failedFuture(new ServiceException(ErrorCode.FORBIDDEN, "this operation is for managers"));
      }
      return Future.succeededFuture(caller);
    });
  }
}
