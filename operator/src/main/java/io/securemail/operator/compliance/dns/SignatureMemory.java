package io.securemail.operator.compliance.dns;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A JCA provider that remembers the DNSSEC signatures the validator verified
 * ({@link VerifiedSignatures}), for ECDSA zone keys wrapped as {@link RememberingEcKey}.
 *
 * <p>Why a provider: dnsjava's validator verifies each RRSIG through
 * {@code Signature.getInstance(algorithm)} with the DNSKEY's public key, and offers no other hook.
 * The JCA picks a provider for such a call when the key is given ("delayed provider selection"),
 * taking the first whose {@code SupportedKeyClasses} admit the key. This provider's services admit
 * only {@link RememberingEcKey}, so every other signature of the JVM (TLS, the Kubernetes client,
 * certificate chains) is verified by the JDK's provider exactly as before; the zone keys'
 * signatures are verified once per distinct signature and data, by {@link ZoneKeyVerifier}.
 * Verification only: it signs nothing.
 */
final class SignatureMemory extends Provider {

  private static final long serialVersionUID = 1L;
  static final String NAME = "SecureMailDnssecSignatureMemory";
  /** The algorithms dnsjava names for DNSSEC algorithms 13 and 14 (ECDSA P-256 and P-384). */
  static final List<String> ALGORITHMS = List.of("SHA256withECDSA", "SHA384withECDSA");

  private SignatureMemory() {
    super(NAME, "1.0", "remembers verified DNSSEC ECDSA signatures of RememberingEcKey keys");
    for (String algorithm : ALGORITHMS) {
      putService(new Service(this, "Signature", algorithm, Remembering.class.getName(), null,
          Map.of("SupportedKeyClasses", RememberingEcKey.class.getName())) {
        @Override
        public Object newInstance(Object constructorParameter) {
          return new Remembering(algorithm);
        }
      });
    }
  }

  /** Installs the provider once for the JVM; harmless to call again. */
  static synchronized void install() {
    if (Security.getProvider(NAME) == null) {
      // First, so that it is asked before the JDK's for the keys only it admits.
      Security.insertProviderAt(new SignatureMemory(), 1);
    }
  }

  /** One verification: remembered, or made by the key's {@link ZoneKeyVerifier} (the JDK's where it has none). */
  static final class Remembering extends SignatureSpi {
    private final String algorithm;
    private RememberingEcKey remembering;
    private ByteArrayOutputStream data;
    /** Any other key (should the JCA hand one over regardless): the JDK's signature, untouched. */
    private Signature plain;

    Remembering(String algorithm) {
      this.algorithm = algorithm;
    }

    @Override
    protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
      if (publicKey instanceof RememberingEcKey key) {
        remembering = key;
        data = new ByteArrayOutputStream();
        plain = null;
      } else {
        remembering = null;
        plain = jdk();
        plain.initVerify(publicKey);
      }
    }

    @Override
    protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
      remembering = null;
      plain = jdk();
      plain.initSign(privateKey);
    }

    @Override
    protected void engineUpdate(byte b) throws SignatureException {
      if (plain != null) {
        plain.update(b);
      } else {
        data.write(b);
      }
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
      if (plain != null) {
        plain.update(b, off, len);
      } else {
        data.write(b, off, len);
      }
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
      if (plain == null) {
        throw new SignatureException("verification only");
      }
      return plain.sign();
    }

    @Override
    protected boolean engineVerify(byte[] signature) throws SignatureException {
      if (plain != null) {
        return plain.verify(signature);
      }
      byte[] signed = data.toByteArray();
      data.reset();
      String digest = digest(remembering.key().getEncoded(), signed, signature);
      if (remembering.verified().contains(digest)) {
        return true;
      }
      ZoneKeyVerifier fast = remembering.verifier();
      Boolean verdict = fast == null ? null : fast.verify(algorithm, signed, signature);
      boolean valid = verdict != null ? verdict : jdkVerifies(signed, signature);
      if (valid) {
        remembering.verified().add(digest);
      }
      return valid;
    }

    private boolean jdkVerifies(byte[] signed, byte[] signature) throws SignatureException {
      Signature jdk = jdk();
      try {
        jdk.initVerify(remembering.key());
      } catch (InvalidKeyException e) {
        throw new SignatureException(e);
      }
      jdk.update(signed);
      return jdk.verify(signature);
    }

    private String digest(byte[] key, byte[] signed, byte[] signature) throws SignatureException {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (byte[] part : List.of(algorithm.getBytes(StandardCharsets.US_ASCII), key, signed, signature)) {
          sha.update(java.nio.ByteBuffer.allocate(4).putInt(part.length).array());
          sha.update(part);
        }
        return HexFormat.of().formatHex(sha.digest());
      } catch (NoSuchAlgorithmException e) {
        throw new SignatureException(e);
      }
    }

    /** The JDK's own: a plain key never selects this provider. */
    private Signature jdk() throws InvalidParameterException {
      try {
        return Signature.getInstance(algorithm);
      } catch (NoSuchAlgorithmException e) {
        throw new InvalidParameterException(algorithm + " is not available: " + e.getMessage());
      }
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) {
      throw new InvalidParameterException("no parameters");
    }

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) {
      throw new InvalidParameterException("no parameters");
    }
  }
}
