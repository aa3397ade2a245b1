package io.micronet.shared.security;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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
