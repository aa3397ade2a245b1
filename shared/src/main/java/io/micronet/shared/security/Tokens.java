package io.micronet.shared.security;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.io.IOException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Signs and verifies the platform's JWTs (HS256). The key is {@code MICRONET_JWT_SECRET}, or one
 * generated on first use and kept in the data dir, readable by the owner only. Every token names its
 * issuer ({@code micronet}) and audience: {@link #USER_AUDIENCE} for people's login tokens,
 * {@link #SERVICE_AUDIENCE} for the short-lived tokens a service mints to call another. Tokens without a
 * signature ({@code alg:none}), with another algorithm, expired (beyond the clock-skew leeway), with another
 * issuer or audience, or whose role does not fit their audience are refused. A user's token names the user's
 * token version ({@code ver}); revocation is not checked here: see {@link TokenVerifier}.
 */
public final class Tokens {

  static final String SECRET_FILE = "jwt-secret";
  public static final String ISSUER = "micronet";
  public static final String USER_AUDIENCE = "micronet-api";
  public static final String SERVICE_AUDIENCE = "micronet-services";
  /**
   * The user's token version when the token was issued: a change that must end earlier tokens (role, password,
   * deletion) raises it in the same transaction, so a login racing the change signs the version it read, which the
   * revocation then refuses — whatever the nodes' clocks say.
   */
  static final String VERSION = "ver";
  static final int DEFAULT_LEEWAY_SECONDS = 30;
  private static final String ALGORITHM = "HS256";
  private static final Set<String> USER_ROLES = Set.of(Caller.MANAGER, Caller.CLIENT);

  private final JWTAuth jwt;
  private final String secret;
  private final int leewaySeconds;

  private Tokens(JWTAuth jwt, String secret, int leewaySeconds) {
    this.jwt = jwt;
    this.secret = secret;
    this.leewaySeconds = leewaySeconds;
  }

  public static Future<Tokens> load(Vertx vertx, MicronetConfig config) {
    int leeway = config.clockSkewSeconds();
    String configured = config.jwtSecret();
    if (configured != null && !configured.isBlank()) {
      return Future.succeededFuture(withSecret(vertx, configured, leeway));
    }
    return vertx.executeBlocking(() -> secretInDataDir(Path.of(config.dataDir())))
      .map(secret -> withSecret(vertx, secret, leeway));
  }

  public static Tokens withSecret(Vertx vertx, String secret) {
    return withSecret(vertx, secret, DEFAULT_LEEWAY_SECONDS);
  }

  public static Tokens withSecret(Vertx vertx, String secret, int leewaySeconds) {
    JWTAuthOptions options = new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(secret))
      .setJWTOptions(new JWTOptions().setAlgorithm(ALGORITHM).setIssuer(ISSUER)
        .setAudience(List.of(USER_AUDIENCE, SERVICE_AUDIENCE)).setLeeway(leewaySeconds));
    return new Tokens(JWTAuth.create(vertx, options), secret, leewaySeconds);
  }

  /** The clock skew allowed between nodes when a token's times are checked. */
  public int leewaySeconds() {
    return leewaySeconds;
  }

  /** A user's login token, of token version 0 (an operator's token, a test's). */
  public String issue(Caller caller, long expiresInSeconds) {
    return issue(caller, 0, expiresInSeconds);
  }

  /** A user's login token, naming the user's current token version (see {@link Revocations}). */
  public String issue(Caller caller, long tokenVersion, long expiresInSeconds) {
    if (!USER_ROLES.contains(caller.role())) {
      throw new IllegalArgumentException("a login token is for a manager or a client, not " + caller.role());
    }
    return sign(caller, tokenVersion, USER_AUDIENCE, expiresInSeconds);
  }

  /** A service instance's own token, for calls to other services' internal actions. */
  public String issueForService(String instanceId, long expiresInSeconds) {
    return sign(new Caller("service:" + instanceId, instanceId, Caller.SERVICE), 0, SERVICE_AUDIENCE, expiresInSeconds);
  }

  /** HMAC-SHA256 of {@code data} with the cluster's key (base64url): proves a value was written by a holder of the key. */
  public String mac(String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private String sign(Caller caller, long tokenVersion, String audience, long expiresInSeconds) {
    JsonObject claims = new JsonObject().put("sub", caller.id()).put("username", caller.username()).put("role", caller.role())
      .put(VERSION, tokenVersion);
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm(ALGORITHM).setIssuer(ISSUER)
      .setAudience(List.of(audience)).setExpiresInSeconds((int) expiresInSeconds));
  }

  /** The caller of a bearer token; fails with 401 for anything but a valid, unexpired token of ours. */
  public Future<Caller> verify(String token) {
    return verifyClaims(token).map(VerifiedToken::caller);
  }

  /** The token's caller with its issue and expiry times (for caching and revocation). */
  public Future<VerifiedToken> verifyClaims(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new ServiceException(ErrorCode.UNAUTHORIZED, "a bearer token is required"));
    }
    return jwt.authenticate(new TokenCredentials(token))
      .recover(e -> Future.failedFuture(invalid()))
      .compose(user -> {
        // the verified claims; Vert.x keeps them under the attributes' root claim
        JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
        String id = claims.getString("sub");
        String role = claims.getString("role");
        Object exp = claims.getValue("exp");
        if (id == null || !(exp instanceof Number expiry) || !roleFitsAudience(role, claims.getValue("aud"))) {
          return Future.failedFuture(invalid());
        }
        long version = claims.getValue(VERSION) instanceof Number number ? number.longValue() : 0;
        return Future.succeededFuture(new VerifiedToken(new Caller(id, claims.getString("username"), role),
          version, expiry.longValue() * 1000));
      });
  }

  /** People's roles only in people's tokens, the service role only in service tokens. */
  private static boolean roleFitsAudience(String role, Object audience) {
    String expected = Caller.SERVICE.equals(role) ? SERVICE_AUDIENCE : USER_ROLES.contains(role) ? USER_AUDIENCE : null;
    if (expected == null) {
      return false;
    }
    return expected.equals(audience) || audience instanceof JsonArray list && list.size() == 1 && expected.equals(list.getValue(0));
  }

  private static ServiceException invalid() {
    return new ServiceException(ErrorCode.UNAUTHORIZED, "the token is invalid or expired");
  }

  static String secretInDataDir(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(SECRET_FILE);
    if (!Files.exists(file)) {
      byte[] random = new byte[48];
      new SecureRandom().nextBytes(random);
      String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      // write a private temp file, then link it into place: the link fails if another verticle won the race
      Path temp = Files.createTempFile(dataDir, SECRET_FILE, ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(temp, secret, StandardCharsets.UTF_8);
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException raced) {
        // the other one's key is the node's key
      } finally {
        Files.deleteIfExists(temp);
      }
    }
    String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (secret.isEmpty()) {
      throw new IOException(file + " is empty: delete it to have a new key generated, or set MICRONET_JWT_SECRET");
    }
    return secret;
  }
}
