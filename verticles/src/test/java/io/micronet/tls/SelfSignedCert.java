package io.micronet.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1} (EC P-256, valid two days), made with
 * the JDK's own keytool and written as the PEM files a node is configured with: {@code cert.pem} (which a
 * client also trusts as its CA) and {@code key.pem} (PKCS#8). No openssl needed.
 */
public record SelfSignedCert(Path certPem, Path keyPem) {

  private static final char[] STORE_PASSWORD = "test-store-password".toCharArray();

  public static SelfSignedCert create(Path dir) {
    try {
      Files.createDirectories(dir);
      Path store = dir.resolve("server.p12");
      Files.deleteIfExists(store);
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(STORE_PASSWORD))
        .redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keyStore.load(in, STORE_PASSWORD);
      }
      Certificate certificate = keyStore.getCertificate("server");
      Key key = keyStore.getKey("server", STORE_PASSWORD);
      SelfSignedCert pems = new SelfSignedCert(dir.resolve("cert.pem"), dir.resolve("key.pem"));
      Files.writeString(pems.certPem(), pem("CERTIFICATE", certificate.getEncoded()));
      Files.writeString(pems.keyPem(), pem("PRIVATE KEY", key.getEncoded()));
      return pems;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a test certificate: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }
}
