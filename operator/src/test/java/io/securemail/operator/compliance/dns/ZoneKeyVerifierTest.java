package io.securemail.operator.compliance.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Bouncy Castle's verdict on zone keys' signatures is the JDK's, for every kind of input. */
class ZoneKeyVerifierTest {

  @ParameterizedTest
  @CsvSource({"secp256r1, SHA256withECDSA", "secp384r1, SHA384withECDSA"})
  void agreesWithTheJdkOnValidForgedAndMalformedSignatures(String curve, String algorithm) throws Exception {
    KeyPair pair = pair(curve);
    ZoneKeyVerifier verifier = ZoneKeyVerifier.of((ECPublicKey) pair.getPublic());
    assertThat(verifier).as(curve).isNotNull();
    BigInteger n = ((ECPublicKey) pair.getPublic()).getParams().getOrder();
    for (int i = 0; i < 20; i++) {
      byte[] data = ("mx" + i + ".example.test. 300 IN A 192.0.2." + i).getBytes(StandardCharsets.US_ASCII);
      byte[] signature = sign(pair, algorithm, data);
      byte[] otherData = Arrays.copyOf(data, data.length);
      otherData[data.length - 1] ^= 1;
      byte[] tampered = signature.clone();
      tampered[tampered.length - 1] ^= 1;
      for (byte[][] input : new byte[][][] {{data, signature}, {otherData, signature}, {data, tampered}}) {
        Boolean fast = verifier.verify(algorithm, input[0], input[1]);
        assertThat(fast).as("a DER signature is decided").isNotNull();
        assertThat(fast).isEqualTo(jdk(pair, algorithm, input[0], input[1]));
      }
      assertThat(verifier.verify(algorithm, data, signature)).as("signature " + i).isTrue();
    }
    byte[] data = "example.test. 300 IN MX 10 mx1.example.test.".getBytes(StandardCharsets.US_ASCII);
    // r or s outside [1, n-1]: invalid for both.
    for (BigInteger[] rs : new BigInteger[][] {{BigInteger.ZERO, BigInteger.ONE}, {BigInteger.ONE, n}}) {
      byte[] der = new DERSequence(new ASN1Integer[] {new ASN1Integer(rs[0]), new ASN1Integer(rs[1])}).getEncoded();
      assertThat(verifier.verify(algorithm, data, der)).isFalse().isEqualTo(jdk(pair, algorithm, data, der));
    }
    // Not strict DER (an integer with a needless leading zero): left to the JDK.
    byte[] signature = sign(pair, algorithm, data);
    byte[] padded = new byte[signature.length + 1];
    padded[0] = 0x30;
    padded[1] = (byte) (signature[1] + 1);
    padded[2] = 0x02;
    padded[3] = (byte) (signature[3] + 1);
    padded[4] = 0x00;
    System.arraycopy(signature, 4, padded, 5, signature.length - 4);
    assertThat(verifier.verify(algorithm, data, padded)).isNull();
    assertThat(verifier.verify(algorithm, data, new byte[] {1, 2, 3})).isNull();
  }

  @Test
  void aKeyOnAnotherCurveIsLeftToTheJdk() throws Exception {
    assertThat(ZoneKeyVerifier.of((ECPublicKey) pair("secp521r1").getPublic())).isNull();
  }

  private static KeyPair pair(String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    return generator.generateKeyPair();
  }

  private static byte[] sign(KeyPair pair, String algorithm, byte[] data) throws Exception {
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(pair.getPrivate());
    signer.update(data);
    return signer.sign();
  }

  private static boolean jdk(KeyPair pair, String algorithm, byte[] data, byte[] signature) throws Exception {
    Signature verifier = Signature.getInstance(algorithm, "SunEC");
    verifier.initVerify(pair.getPublic());
    verifier.update(data);
    return verifier.verify(signature);
  }
}
