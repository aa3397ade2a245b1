package io.micronet.shared.security;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@ExtendWith(VertxExtension.class)
class TokensTest {

  private static final String SECRET = "a-secret-of-enough-length-for-hs256-0123456789";

  @Test
  void aTokenWeIssuedNamesItsCaller(Vertx vertx) {
    Tokens tokens = Tokens.withSecret(vertx, "a-secret-of-enough-length-for-hs256-0123456789");
    Caller caller = tokens.verify(tokens.issue(new Caller("u1", "ann", Caller.MANAGER), 60)).await();
    assertEquals(new Caller("u1", "ann", Caller.MANAGER), caller);
  }

  @Test
  void forgedExpiredAndUnsignedTokensAreRefused(Vertx vertx) {
    Tokens ours = Tokens.withSecret(vertx, "a-secret-of-enough-length-for-hs256-0123456789");
    Tokens theirs = Tokens.withSecret(vertx, "another-secret-of-enough-length-for-hs256-987");
    assertUnauthorized(ours, theirs.issue(new Caller("u1", "ann", Caller.MANAGER), 60));
    assertUnauthorized(ours, "not.a.token");
    String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    String claims = b64(new JsonObject().put("sub", "u1").put("role", "manager")
      .put("exp", System.currentTimeMillis() / 1000 + 600).encode());
    assertUnauthorized(ours, header + "." + claims + ".");
    String valid = ours.issue(new Caller("u1", "ann", Caller.CLIENT), 60);
    String[] parts = valid.split("\\.");
    String elevated = b64(new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
      .put("role", "manager").encode());
    assertUnauthorized(ours, parts[0] + "." + elevated + "." + parts[2]);
    assertUnauthorized(ours, ours.issue(new Caller("u1", "ann", Caller.CLIENT), -120));
  }

  @Test
  void tokensOfAnotherIssuerOrAudienceOrWithARoleThatDoesNotFitAreRefused(Vertx vertx) {
    Tokens ours = Tokens.withSecret(vertx, SECRET);
    long exp = System.currentTimeMillis() / 1000 + 600;
    JsonObject client = new JsonObject().put("sub", "u1").put("role", "client").put("exp", exp);
    assertUnauthorized(ours, signed(vertx, client.copy().put("iss", "micronet").put("aud", "someone-else")));
    assertUnauthorized(ours, signed(vertx, client.copy().put("iss", "elsewhere").put("aud", Tokens.USER_AUDIENCE)));
    assertUnauthorized(ours, signed(vertx, client.copy().put("iss", "micronet")));
    assertUnauthorized(ours, signed(vertx, client.copy().put("role", "service").put("iss", "micronet").put("aud", Tokens.USER_AUDIENCE)));
    assertUnauthorized(ours, signed(vertx, client.copy().put("iss", "micronet").put("aud", Tokens.SERVICE_AUDIENCE)));
    assertUnauthorized(ours, signed(vertx, client.copy().put("role", "root").put("iss", "micronet").put("aud", Tokens.USER_AUDIENCE)));
    // the control: the same claims with our issuer and the right audience pass
    assertEquals("u1", ours.verify(signed(vertx, client.copy().put("iss", "micronet").put("aud", Tokens.USER_AUDIENCE))).await().id());
    assertEquals(Caller.SERVICE, ours.verify(ours.issueForService("orders-1", 60)).await().role());
  }

  @Test
  void nodeClocksMayDisagreeByTheLeeway(Vertx vertx) {
    Tokens ours = Tokens.withSecret(vertx, SECRET, 30);
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("sub", "u1").put("role", "client").put("iss", "micronet").put("aud", Tokens.USER_AUDIENCE);
    // issued by a node 10 s ahead, and expired 10 s ago by our clock: both within the 30 s leeway
    assertEquals("u1", ours.verify(signed(vertx, claims.copy().put("iat", now + 10).put("exp", now + 600))).await().id());
    assertEquals("u1", ours.verify(signed(vertx, claims.copy().put("iat", now - 600).put("exp", now - 10))).await().id());
    assertUnauthorized(ours, signed(vertx, claims.copy().put("iat", now - 600).put("exp", now - 60)));
    assertUnauthorized(ours, signed(vertx, claims.copy().put("iat", now + 120).put("exp", now + 600)));
  }

  /** A token with exactly these claims, signed with our key (no issuer or audience added). */
  private static String signed(Vertx vertx, JsonObject claims) {
    JWTAuth raw = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    return raw.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(claims.containsKey("iat")));
  }

  @Test
  void generatedSecretIsKeptPrivateAndReused(@TempDir Path dir) throws Exception {
    String first = Tokens.secretInDataDir(dir);
    String second = Tokens.secretInDataDir(dir);
    assertEquals(first, second);
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
      Files.getPosixFilePermissions(dir.resolve(Tokens.SECRET_FILE)));
  }

  private static void assertUnauthorized(Tokens tokens, String token) {
    ServiceException e = assertThrows(ServiceException.class, () -> tokens.verify(token).await());
    assertEquals(ErrorCode.UNAUTHORIZED, e.code());
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
