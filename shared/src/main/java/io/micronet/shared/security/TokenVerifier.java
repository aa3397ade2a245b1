package io.micronet.shared.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;

/**
 * Who a bearer token names, checked where a call arrives (the gateway, every service, gRPC): signature,
 * issuer, audience and times by {@link Tokens}, then revocation by {@link Revocations}. A token verified once is
 * remembered (bounded, for a few minutes), so a busy caller's signature is not checked on every call; its
 * expiry and revocation are checked every time.
 */
public final class TokenVerifier {

  private static final ServiceException INVALID = new ServiceException(ErrorCode.UNAUTHORIZED, "the token is invalid or expired");
  private static final ServiceException REVOKED = new ServiceException(ErrorCode.UNAUTHORIZED,
    "the token was revoked (the account changed or was deleted): log in again");

  private final Tokens tokens;
  private final Revocations revocations;
  private final Cache<String, VerifiedToken> verified = Caffeine.newBuilder()
    .maximumSize(10_000)
    .expireAfterWrite(Duration.ofMinutes(5))
    .executor(Runnable::run)
    .build();

  public TokenVerifier(Tokens tokens, Revocations revocations) {
    this.tokens = tokens;
    this.revocations = revocations;
  }

  /** The node's key and a running copy of the revocations, as configured. */
  public static Future<TokenVerifier> start(Vertx vertx, MicronetConfig config) {
    long retentionMs = Revocations.retentionMs(config.tokenTtlSeconds(), config.clockSkewSeconds());
    return Tokens.load(vertx, config).compose(tokens -> {
      Revocations revocations = new Revocations(vertx, tokens, retentionMs);
      return revocations.start(config.revocationRefreshSeconds() * 1000L).map(v -> new TokenVerifier(tokens, revocations));
    });
  }

  public Future<Void> stop() {
    return revocations.stop();
  }

  public Tokens tokens() {
    return tokens;
  }

  public Revocations revocations() {
    return revocations;
  }

  /** The caller of {@code token}; 401 for a missing, invalid, expired or revoked one. */
  public Future<Caller> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new ServiceException(ErrorCode.UNAUTHORIZED, "a bearer token is required"));
    }
    VerifiedToken known = verified.getIfPresent(token);
    if (known != null) {
      return admit(known);
    }
    return tokens.verifyClaims(token).compose(fresh -> {
      verified.put(token, fresh);
      return admit(fresh);
    });
  }

  private Future<Caller> admit(VerifiedToken token) {
    if (System.currentTimeMillis() - tokens.leewaySeconds() * 1000L >= token.expiresAtMs()) {
      return Future.failedFuture(INVALID);
    }
    if (token.caller().isUser() && revocations.revoked(token.caller().id(), token.version())) {
      return Future.failedFuture(REVOKED);
    }
    return Future.succeededFuture(token.caller());
  }
}
