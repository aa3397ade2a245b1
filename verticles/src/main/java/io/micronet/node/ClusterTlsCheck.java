package io.micronet.node;

import io.micronet.shared.config.ClusterTlsFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the event bus's TLS files before the node starts. Vert.x itself reads them only when a connection is made:
 * a key that does not match its certificate, a certificate from another CA or one for servers only still lets the
 * node start, and then every message between nodes silently times out. Here each such mistake stops the node with
 * the variable to fix.
 */
final class ClusterTlsCheck {

  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final Pattern PKCS8 = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private ClusterTlsCheck() {
  }

  /** Throws {@link IllegalArgumentException} naming the variable whose file is wrong. */
  static void verify(ClusterTlsFiles files, Instant now) {
    List<X509Certificate> authorities = certificates("MICRONET_CLUSTER_TLS_CA", files.caPath());
    X509Certificate node = certificates("MICRONET_CLUSTER_TLS_CERT", files.certPath()).get(0);
    PrivateKey key = privateKey(files.keyPath(), node);

    requireValid("MICRONET_CLUSTER_TLS_CERT", files.certPath(), node, now);
    if (!keyMatches(key, node)) {
      throw new IllegalArgumentException("MICRONET_CLUSTER_TLS_KEY: " + files.keyPath() + " is not the key of the certificate "
        + files.certPath() + " (MICRONET_CLUSTER_TLS_CERT)");
    }
    X509Certificate issuer = authorities.stream().filter(ca -> signedBy(node, ca)).findFirst().orElseThrow(() ->
      new IllegalArgumentException("MICRONET_CLUSTER_TLS_CERT: " + files.certPath() + " was not signed by the cluster CA in "
        + files.caPath() + " (MICRONET_CLUSTER_TLS_CA)"));
    requireValid("MICRONET_CLUSTER_TLS_CA", files.caPath(), issuer, now);
    List<String> usages = extendedKeyUsage(node);
    if (usages != null && !(usages.contains(SERVER_AUTH) && usages.contains(CLIENT_AUTH))) {
      throw new IllegalArgumentException("MICRONET_CLUSTER_TLS_CERT: " + files.certPath() + " needs extendedKeyUsage serverAuth,clientAuth "
        + "(every node is both the server and the client of its peers); make it with scripts/micronet certs node");
    }
  }

  private static List<X509Certificate> certificates(String variable, String path) {
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
      List<X509Certificate> certificates = read.stream().map(X509Certificate.class::cast).toList();
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(variable + ": " + path + " holds no certificate");
      }
      return certificates;
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException(variable + ": " + path + " is not a PEM certificate (" + e.getMessage() + ")");
    }
  }

  private static PrivateKey privateKey(String path, X509Certificate node) {
    String pem;
    try {
      pem = Files.readString(Path.of(path), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new IllegalArgumentException("MICRONET_CLUSTER_TLS_KEY: cannot read " + path + " (" + e.getMessage() + ")");
    }
    Matcher matcher = PKCS8.matcher(pem);
    if (!matcher.find()) {
      throw new IllegalArgumentException("MICRONET_CLUSTER_TLS_KEY: " + path + " is not an unencrypted PKCS#8 PEM key "
        + "(-----BEGIN PRIVATE KEY-----); convert it with: openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
      return KeyFactory.getInstance(node.getPublicKey().getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("MICRONET_CLUSTER_TLS_KEY: " + path + " is not a " + node.getPublicKey().getAlgorithm()
        + " key like its certificate's (" + e.getMessage() + ")");
    }
  }

  /** The key signs a random challenge that the certificate's public key verifies; algorithms not known here pass. */
  private static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (certificate.getPublicKey().getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return true;
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean signedBy(X509Certificate certificate, X509Certificate authority) {
    try {
      certificate.verify(authority.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static void requireValid(String variable, String path, X509Certificate certificate, Instant now) {
    try {
      certificate.checkValidity(Date.from(now));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(variable + ": " + path + " is valid only from " + certificate.getNotBefore().toInstant()
        + " to " + certificate.getNotAfter().toInstant());
    }
  }

  private static List<String> extendedKeyUsage(X509Certificate certificate) {
    try {
      return certificate.getExtendedKeyUsage();
    } catch (CertificateException e) {
      return List.of();
    }
  }
}
