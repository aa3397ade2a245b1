package io.micronet.gateway;

import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.security.Access;
import io.micronet.shared.security.Caller;
import io.micronet.shared.security.TokenVerifier;
import io.vertx.core.Future;

/**
 * The gateway's line of the access check (the services check again, from the token the gateway forwards): who
 * the caller is and whether the route lets them in. 401 for a missing, malformed, forged, expired or revoked token
 * where one is needed (or wherever one is sent), 403 for the wrong role.
 */
public class AccessGuard {

  private final TokenVerifier verifier;

  public AccessGuard(TokenVerifier verifier) {
    this.verifier = verifier;
  }

  /** The caller, or null for an anonymous call to a public route. */
  public Future<Caller> check(String authorization, Access access) {
    String token = Envelope.bearerToken(authorization);
    if (token == null) {
      return access == Access.PUBLIC ? Future.succeededFuture() : Future.failedFuture(access.refusal(null));
    }
    if (token.isEmpty()) {
      return Future.failedFuture(new ServiceException(ErrorCode.UNAUTHORIZED, "the Authorization header must be 'Bearer <token>'"));
    }
    return verifier.verify(token).compose(caller -> access.admits(caller) || access == Access.PUBLIC
      ? Future.succeededFuture(caller) : Future.failedFuture(access.refusal(caller)));
  }
}
