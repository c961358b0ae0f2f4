package io.securemail.operator.compliance.dns;

import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;

/**
 * A zone's ECDSA key (DNSSEC algorithms 13 and 14) as the validator uses it: the key itself, and
 * where the signatures it verified are remembered. Its class is what selects
 * {@link SignatureMemory}'s verification (and nothing else in the JVM does); the verification
 * itself is Bouncy Castle's ({@link ZoneKeyVerifier}), or the JDK's with {@link #key()} for a key or
 * signature that one does not take.
 */
final class RememberingEcKey implements ECPublicKey {

  private static final long serialVersionUID = 1L;

  private final ECPublicKey key;
  private final transient VerifiedSignatures verified;
  /** Null when the JDK verifies this key's signatures. */
  private final transient ZoneKeyVerifier verifier;

  RememberingEcKey(ECPublicKey key, VerifiedSignatures verified) {
    this.key = key;
    this.verified = verified;
    this.verifier = ZoneKeyVerifier.of(key);
  }

  ECPublicKey key() {
    return key;
  }

  /** The Bouncy Castle verifier of this key; null when the JDK verifies its signatures. */
  ZoneKeyVerifier verifier() {
    return verifier;
  }

  VerifiedSignatures verified() {
    return verified;
  }

  @Override
  public ECPoint getW() {
    return key.getW();
  }

  @Override
  public ECParameterSpec getParams() {
    return key.getParams();
  }

  @Override
  public String getAlgorithm() {
    return key.getAlgorithm();
  }

  @Override
  public String getFormat() {
    return key.getFormat();
  }

  @Override
  public byte[] getEncoded() {
    return key.getEncoded();
  }
}
