package io.securemail.operator.certs;

import io.securemail.operator.api.KeyAlgorithm;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * The MX keys the operator generates itself (so that it, not a renewal schedule, decides when a
 * key changes), and reading them back from a Secret in any encoding cert-manager writes (PKCS#1,
 * SEC 1 or PKCS#8 PEM).
 */
public final class KeyPairs {

  /** RSA key size when the spec names none: 3072 bits, TR-02102-2's size beyond 2023. */
  public static final int DEFAULT_RSA_BITS = 3072;

  private KeyPairs() {}

  public static KeyPair generate(KeyAlgorithm algorithm, Integer rsaBits) {
    try {
      if (algorithm == KeyAlgorithm.RSA) {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(new RSAKeyGenParameterSpec(rsaBits == null ? DEFAULT_RSA_BITS : rsaBits,
            RSAKeyGenParameterSpec.F4));
        return generator.generateKeyPair();
      }
      var generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JRE cannot generate " + algorithm + " keys", e);
    }
  }

  /** PKCS#8 PEM, the encoding the Certificates ask cert-manager to keep. */
  public static String toPem(PrivateKey key) {
    var out = new StringWriter();
    try (var writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The key pair in a PEM private key, or empty when the text holds no readable key. */
  public static Optional<KeyPair> fromPem(String pem) {
    if (pem == null || pem.isBlank()) {
      return Optional.empty();
    }
    try (var parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      var converter = new JcaPEMKeyConverter();
      if (object instanceof PEMKeyPair pair) {
        return Optional.of(converter.getKeyPair(pair));
      }
      if (object instanceof PrivateKeyInfo info) {
        PrivateKey key = converter.getPrivateKey(info);
        return Optional.of(new KeyPair(publicOf(key), key));
      }
      return Optional.empty();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A PKCS#8 key may omit its public half; derive it (RSA from the CRT fields, EC as d x G). */
  private static PublicKey publicOf(PrivateKey key) throws GeneralSecurityException {
    if (key instanceof RSAPrivateCrtKey rsa) {
      return java.security.KeyFactory.getInstance("RSA").generatePublic(
          new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
    }
    if (key instanceof ECPrivateKey ec) {
      int bits = ec.getParams().getOrder().bitLength();
      ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec(bits > 384 ? "secp521r1"
          : bits > 256 ? "secp384r1" : "secp256r1");
      var q = curve.getG().multiply(ec.getS()).normalize();
      var point = new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
      return java.security.KeyFactory.getInstance("EC").generatePublic(
          new java.security.spec.ECPublicKeySpec(point, ec.getParams()));
    }
    throw new GeneralSecurityException("unsupported key type " + key.getAlgorithm());
  }

  /** The spec's algorithm of a key, and its size (P-256 only for ECDSA). */
  public static KeyAlgorithm algorithmOf(PublicKey key) {
    return "RSA".equals(key.getAlgorithm()) ? KeyAlgorithm.RSA : KeyAlgorithm.ECDSA;
  }

  public static int bitsOf(PublicKey key) {
    if (key instanceof java.security.interfaces.RSAPublicKey rsa) {
      return rsa.getModulus().bitLength();
    }
    if (key instanceof java.security.interfaces.ECPublicKey ec) {
      return ec.getParams().getOrder().bitLength();
    }
    return 0;
  }
}
