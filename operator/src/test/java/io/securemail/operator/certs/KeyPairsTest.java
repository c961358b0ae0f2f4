package io.securemail.operator.certs;

import io.securemail.operator.dns.Tlsa;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.KeyAlgorithm;
import java.io.StringWriter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

class KeyPairsTest {

  @Test
  void ecdsaKeysAreP256AndSurviveThePkcs8RoundTripWithTheSameSpki() {
    var pair = KeyPairs.generate(KeyAlgorithm.ECDSA, null);
    var read = KeyPairs.fromPem(KeyPairs.toPem(pair.getPrivate())).orElseThrow();

    assertThat(KeyPairs.toPem(pair.getPrivate())).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(KeyPairs.bitsOf(read.getPublic())).isEqualTo(256);
    assertThat(Tlsa.spkiSha256(read.getPublic())).isEqualTo(Tlsa.spkiSha256(pair.getPublic()));
  }

  @Test
  void rsaKeysHaveTheRequestedSizeAndReadBackFromPkcs1() throws Exception {
    var pair = KeyPairs.generate(KeyAlgorithm.RSA, 2048);
    var pkcs1 = new StringWriter();
    try (var writer = new JcaPEMWriter(pkcs1)) {
      writer.writeObject(pair.getPrivate()); // "RSA PRIVATE KEY", as cert-manager writes with encoding PKCS1
    }
    var read = KeyPairs.fromPem(pkcs1.toString()).orElseThrow();

    assertThat(pkcs1.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(KeyPairs.algorithmOf(read.getPublic())).isEqualTo(KeyAlgorithm.RSA);
    assertThat(KeyPairs.bitsOf(read.getPublic())).isEqualTo(2048);
    assertThat(Tlsa.spkiSha256(read.getPublic())).isEqualTo(Tlsa.spkiSha256(pair.getPublic()));
  }

  @Test
  void unreadableTextIsNoKey() {
    assertThat(KeyPairs.fromPem("")).isEmpty();
    assertThat(KeyPairs.fromPem("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n")).isEmpty();
  }
}
