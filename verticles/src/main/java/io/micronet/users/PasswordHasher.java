package io.micronet.users;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * PBKDF2-HMAC-SHA256 from the JDK, stored as {@code pbkdf2-sha256$iterations$salt$hash} (base64). Hashing
 * is slow on purpose, so it always runs on a worker thread, never on the event loop. A check against no
 * stored hash (unknown user) does the same work, so that its answer time does not tell the user is unknown.
 */
final class PasswordHasher {

  static final int ITERATIONS = 210_000;
  private static final String SCHEME = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final byte[] UNKNOWN_USER_SALT = new byte[SALT_BYTES];

  private final Vertx vertx;
  private final SecureRandom random = new SecureRandom();

  PasswordHasher(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<String> hash(String password) {
    return vertx.executeBlocking(() -> encode(password), false);
  }

  /** Whether {@code password} matches {@code stored}; false (after the same work) when {@code stored} is null. */
  Future<Boolean> verify(String password, String stored) {
    return vertx.executeBlocking(() -> matches(password, stored), false);
  }

  String encode(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    Base64.Encoder base64 = Base64.getEncoder();
    return SCHEME + "$" + ITERATIONS + "$" + base64.encodeToString(salt) + "$"
      + base64.encodeToString(derive(password, salt, ITERATIONS, HASH_BITS));
  }

  static boolean matches(String password, String stored) {
    String[] parts = stored == null ? new String[0] : stored.split("\\$");
    if (parts.length != 4 || !SCHEME.equals(parts[0])) {
      derive(password, UNKNOWN_USER_SALT, ITERATIONS, HASH_BITS);
      return false;
    }
    Base64.Decoder base64 = Base64.getDecoder();
    byte[] expected = base64.decode(parts[3]);
    byte[] actual = derive(password, base64.decode(parts[2]), Integer.parseInt(parts[1]), expected.length * 8);
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] derive(String password, byte[] salt, int iterations, int bits) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bits);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
    } finally {
      spec.clearPassword();
    }
  }
}
