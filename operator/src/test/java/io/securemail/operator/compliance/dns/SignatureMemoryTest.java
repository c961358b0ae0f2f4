package io.securemail.operator.compliance.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SignatureMemoryTest {

  private static KeyPair pair;

  @BeforeAll
  static void key() throws Exception {
    SignatureMemory.install();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    pair = generator.generateKeyPair();
  }

  private static byte[] sign(String data) throws Exception {
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(pair.getPrivate());
    signer.update(data.getBytes(StandardCharsets.US_ASCII));
    return signer.sign();
  }

  private static boolean verify(java.security.PublicKey key, String data, byte[] signature) throws Exception {
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(key);
    verifier.update(data.getBytes(StandardCharsets.US_ASCII));
    return verifier.verify(signature);
  }

  @Test
  void aZoneKeysVerifiedSignatureIsRememberedAndOnlyAValidOne() throws Exception {
    VerifiedSignatures verified = new VerifiedSignatures(10, Duration.ofMinutes(15), Clock.systemUTC());
    RememberingEcKey key = new RememberingEcKey((ECPublicKey) pair.getPublic(), verified);
    byte[] signature = sign("mx1.example.test. A 192.0.2.10");

    assertThat(verify(key, "mx1.example.test. A 192.0.2.10", signature)).isTrue();
    assertThat(verified.size()).isEqualTo(1);
    assertThat(verify(key, "mx1.example.test. A 192.0.2.10", signature)).isTrue();
    assertThat(verified.size()).isEqualTo(1);

    // Other data under the same signature: verified, found invalid, not remembered.
    assertThat(verify(key, "mx1.example.test. A 192.0.2.66", signature)).isFalse();
    assertThat(verify(key, "mx1.example.test. A 192.0.2.66", signature)).isFalse();
    assertThat(verified.size()).isEqualTo(1);
  }

  @Test
  void everyOtherKeyIsVerifiedByTheJdkAlone() throws Exception {
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(pair.getPublic());
    assertThat(verifier.getProvider().getName()).isNotEqualTo(SignatureMemory.NAME);

    Signature remembering = Signature.getInstance("SHA256withECDSA");
    remembering.initVerify(new RememberingEcKey((ECPublicKey) pair.getPublic(),
        new VerifiedSignatures(10, Duration.ofMinutes(15), Clock.systemUTC())));
    assertThat(remembering.getProvider().getName()).isEqualTo(SignatureMemory.NAME);

    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(pair.getPrivate());
    assertThat(signer.getProvider().getName()).isNotEqualTo(SignatureMemory.NAME);
  }
}
