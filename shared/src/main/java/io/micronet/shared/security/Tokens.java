package io.micronet.shared.security;

import io.micronet.shared.config.MicronetConfig;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Signs and verifies the platform's JWTs (HS256). The key is {@code MICRONET_JWT_SECRET}, or one
 * generated on first use and kept in the data dir, readable by the owner only. Tokens without a
 * signature ({@code alg:none}), with another algorithm, expired or with an unknown role are refused.
 */
public final class Tokens {

  static final String SECRET_FILE = "jwt-secret";
  private static final String ALGORITHM = "HS256";
  private static final Set<String> ROLES = Set.of(Caller.MANAGER, Caller.CLIENT);

  private final JWTAuth jwt;

  private Tokens(JWTAuth jwt) {
    this.jwt = jwt;
  }

  public static Future<Tokens> load(Vertx vertx, MicronetConfig config) {
    String configured = config.jwtSecret();
    if (configured != null && !configured.isBlank()) {
      return Future.succeededFuture(withSecret(vertx, configured));
    }
    return vertx.executeBlocking(() -> secretInDataDir(Path.of(config.dataDir())))
      .map(secret -> withSecret(vertx, secret));
  }

  public static Tokens withSecret(Vertx vertx, String secret) {
    JWTAuthOptions options = new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(secret))
      .setJWTOptions(new JWTOptions().setAlgorithm(ALGORITHM));
    return new Tokens(JWTAuth.create(vertx, options));
  }

  public String issue(Caller caller, long expiresInSeconds) {
    JsonObject claims = new JsonObject().put("sub", caller.id()).put("username", caller.username()).put("role", caller.role());
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm(ALGORITHM).setExpiresInSeconds((int) expiresInSeconds));
  }

  /** The caller of a bearer token; fails with 401 for anything but a valid, unexpired token of ours. */
  public Future<Caller> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new ServiceException(ErrorCode.UNAUTHORIZED, "a bearer token is required"));
    }
    return jwt.authenticate(new TokenCredentials(token))
      .recover(e -> Future.failedFuture(new ServiceException(ErrorCode.UNAUTHORIZED, "the token is invalid or expired")))
      .compose(user -> {
        // the verified claims; Vert.x keeps them under the attributes' root claim
        JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
        String id = claims.getString("sub");
        String role = claims.getString("role");
        if (id == null || !ROLES.contains(role) || !claims.containsKey("exp")) {
          return Future.failedFuture(new ServiceException(ErrorCode.UNAUTHORIZED, "the token is invalid or expired"));
        }
        return Future.succeededFuture(new Caller(id, claims.getString("username"), role));
      });
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
