package io.securemail.operator.compliance.dns;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/**
 * ECDSA verification of a zone key's DNSSEC signatures (algorithms 13 and 14, RFC 6605: P-256 with
 * SHA-256, P-384 with SHA-384) by Bouncy Castle's lightweight ECDSA.
 *
 * <p>Why not the JDK's: JDK 17 computes both scalar multiplications of every verification afresh,
 * and DNSSEC validation was the largest part of a compliance interval (docs/performance.md, the
 * compliance engine). Bouncy Castle's verification multiplies the curve's generator with a table
 * it computes once per JVM, and this zone key's point with one kept as long as the key is (its
 * DNSKEY RRset's time in the validator's cache). Same inputs, same verdict: the signature arrives
 * DER-encoded (dnsjava converts RFC 6605's r||s for the JCA), and one that is not strict DER is left
 * to the JDK, as is a key on any other curve.
 */
final class ZoneKeyVerifier {

  private static final List<ECDomainParameters> CURVES = List.of(domain("secp256r1"), domain("secp384r1"));

  private final ECPublicKeyParameters key;

  private ZoneKeyVerifier(ECPublicKeyParameters key) {
    this.key = key;
  }

  /** For a key on P-256 or P-384 whose point is on the curve; null for any other (the JDK verifies those). */
  static ZoneKeyVerifier of(ECPublicKey key) {
    if (!(key.getParams().getCurve().getField() instanceof ECFieldFp field)) {
      return null;
    }
    for (ECDomainParameters domain : CURVES) {
      if (domain.getN().equals(key.getParams().getOrder())
          && domain.getCurve().getField().getCharacteristic().equals(field.getP())
          && domain.getCurve().getA().toBigInteger().equals(key.getParams().getCurve().getA())
          && domain.getCurve().getB().toBigInteger().equals(key.getParams().getCurve().getB())) {
        try {
          return new ZoneKeyVerifier(new ECPublicKeyParameters(domain.getCurve().createPoint(key.getW().getAffineX(),
              key.getW().getAffineY()), domain));
        } catch (IllegalArgumentException e) {
          return null; // not a point of the curve: the JDK says what it says about it
        }
      }
    }
    return null;
  }

  /**
   * Whether {@code signature} (DER) signs {@code signed} under this key with {@code algorithm}
   * (SHA256withECDSA or SHA384withECDSA); null when the signature is not strict DER of two integers.
   */
  Boolean verify(String algorithm, byte[] signed, byte[] signature) {
    BigInteger[] rs = decode(signature);
    if (rs == null) {
      return null;
    }
    ECDSASigner signer = new ECDSASigner();
    signer.init(false, key);
    return signer.verifySignature(digest(algorithm, signed), rs[0], rs[1]);
  }

  private static BigInteger[] decode(byte[] der) {
    try {
      ASN1Sequence sequence = ASN1Sequence.getInstance(der);
      if (sequence.size() != 2 || !Arrays.equals(sequence.getEncoded(ASN1Encoding.DER), der)) {
        return null;
      }
      return new BigInteger[] {ASN1Integer.getInstance(sequence.getObjectAt(0)).getValue(),
          ASN1Integer.getInstance(sequence.getObjectAt(1)).getValue()};
    } catch (IllegalArgumentException | IOException e) {
      return null;
    }
  }

  private static byte[] digest(String algorithm, byte[] signed) {
    try {
      return MessageDigest.getInstance(algorithm.startsWith("SHA384") ? "SHA-384" : "SHA-256").digest(signed);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ECDomainParameters domain(String curve) {
    return new ECDomainParameters(CustomNamedCurves.getByName(curve));
  }
}
