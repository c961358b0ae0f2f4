package io.securemail.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.securemail.operator.api.KeyAlgorithm;
import io.securemail.operator.dns.Tlsa;
import io.securemail.operator.compliance.TestPki;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

/**
 * Reading a lineage Secret's key: once per key, not once per reconcile, and never the key a
 * Secret held before it changed.
 */
class LineageKeysTest {

  private static final KeyPair A = KeyPairs.generate(KeyAlgorithm.ECDSA, null);
  private static final KeyPair B = KeyPairs.generate(KeyAlgorithm.ECDSA, null);
  private static final KeyPair C = KeyPairs.generate(KeyAlgorithm.ECDSA, null);

  private final AtomicInteger parsed = new AtomicInteger();

  private LineageKeys.ReadKeys readKeys(int capacity) {
    return new LineageKeys.ReadKeys(capacity, pem -> {
      parsed.incrementAndGet();
      return KeyPairs.fromPem(pem);
    });
  }

  @Test
  void anUnchangedSecretsKeyIsParsedOnce() {
    var read = readKeys(16);
    Secret secret = secret(A);

    for (int reconcile = 0; reconcile < 5; reconcile++) {
      LineageKeys keys = LineageKeys.of(secret, read);
      assertThat(keys.spki()).isEqualTo(Tlsa.spkiSha256(A.getPublic()));
      assertThat(keys.algorithm()).isEqualTo(KeyAlgorithm.ECDSA);
      assertThat(keys.bits()).isEqualTo(256);
    }
    assertThat(parsed).hasValue(1);
  }

  @Test
  void aSecretWhoseKeyChangedGivesTheNewKeyEvenWithTheSameMetadata() {
    var read = readKeys(16);
    Secret secret = secret(A);
    assertThat(LineageKeys.of(secret, read).spki()).isEqualTo(Tlsa.spkiSha256(A.getPublic()));

    // The same uid and resourceVersion, as a stale informer copy edited in place would have them.
    secret.setData(Map.of(LineageKeys.TLS_KEY, base64(KeyPairs.toPem(B.getPrivate())), LineageKeys.TLS_CRT, ""));
    assertThat(LineageKeys.of(secret, read).spki()).isEqualTo(Tlsa.spkiSha256(B.getPublic()));

    // Rolled back to the first key: its facts are still known, and they are the first key's.
    assertThat(LineageKeys.of(secret(A), read).spki()).isEqualTo(Tlsa.spkiSha256(A.getPublic()));
    assertThat(parsed).hasValue(2);
  }

  @Test
  void aCertificateLeftBesideAReplacedKeyNoLongerMatchesIt() throws Exception {
    var read = readKeys(16);
    TestPki.Issued ca = TestPki.ca("Lineage CA");
    TestPki.Issued issued = TestPki.leaf(ca, A, Instant.now().minusSeconds(60), Instant.now().plusSeconds(86400),
        "mx1.example.com");
    Secret secret = secret(A);
    secret.setData(Map.of(LineageKeys.TLS_KEY, base64(KeyPairs.toPem(A.getPrivate())),
        LineageKeys.TLS_CRT, base64(pem(issued.certificate()))));
    assertThat(LineageKeys.of(secret, read).usable(List.of("mx1.example.com"), Instant.now())).isTrue();

    secret.setData(Map.of(LineageKeys.TLS_KEY, base64(KeyPairs.toPem(B.getPrivate())),
        LineageKeys.TLS_CRT, base64(pem(issued.certificate()))));
    LineageKeys replaced = LineageKeys.of(secret, read);
    assertThat(replaced.certificateMatchesKey()).isFalse();
    assertThat(replaced.usable(List.of("mx1.example.com"), Instant.now())).isFalse();
  }

  @Test
  void theOperatorsOwnReadingFollowsAChangedSecretToo() {
    Secret secret = secret(A);
    assertThat(LineageKeys.of(secret).spki()).isEqualTo(Tlsa.spkiSha256(A.getPublic()));
    secret.setData(Map.of(LineageKeys.TLS_KEY, base64(KeyPairs.toPem(C.getPrivate()))));
    assertThat(LineageKeys.of(secret).spki()).isEqualTo(Tlsa.spkiSha256(C.getPublic()));
  }

  @Test
  void theLeastRecentlyReadKeyGoesBeyondTheCapacityAndIsParsedAgainWhenNeeded() {
    var read = readKeys(2);
    LineageKeys.of(secret(A), read);
    LineageKeys.of(secret(B), read);
    LineageKeys.of(secret(A), read); // A is now the more recent of the two
    LineageKeys.of(secret(C), read); // B goes
    assertThat(read.size()).isEqualTo(2);
    assertThat(parsed).hasValue(3);

    assertThat(LineageKeys.of(secret(A), read).spki()).isEqualTo(Tlsa.spkiSha256(A.getPublic()));
    assertThat(parsed).hasValue(3);
    assertThat(LineageKeys.of(secret(B), read).spki()).isEqualTo(Tlsa.spkiSha256(B.getPublic()));
    assertThat(parsed).hasValue(4);
    assertThat(read.size()).isEqualTo(2);
  }

  @Test
  void aSecretWithoutAReadableKeyHasNoKeyAndTheKeyPutInItsPlaceIsRead() {
    var read = readKeys(16);
    Secret secret = new SecretBuilder().withNewMetadata().withName("mx-a").withUid("u-1")
        .withResourceVersion("7").endMetadata()
        .withData(Map.of(LineageKeys.TLS_KEY, base64("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")))
        .build();
    assertThat(LineageKeys.of(secret, read).hasKey()).isFalse();
    assertThat(LineageKeys.of(null, read).hasKey()).isFalse();
    assertThat(LineageKeys.of(new SecretBuilder().withData(Map.of(LineageKeys.TLS_KEY, "")).build(), read).hasKey())
        .isFalse();

    secret.setData(Map.of(LineageKeys.TLS_KEY, base64(KeyPairs.toPem(A.getPrivate()))));
    assertThat(LineageKeys.of(secret, read).spki()).isEqualTo(Tlsa.spkiSha256(A.getPublic()));
  }

  @Test
  void rsaKeysAreKnownByTheirSizeAsWhenParsed() {
    var read = readKeys(16);
    KeyPair rsa = KeyPairs.generate(KeyAlgorithm.RSA, 2048);
    for (int reconcile = 0; reconcile < 2; reconcile++) {
      LineageKeys keys = LineageKeys.of(secret(rsa), read);
      assertThat(keys.algorithm()).isEqualTo(KeyAlgorithm.RSA);
      assertThat(keys.bits()).isEqualTo(2048);
      assertThat(keys.matches(KeyAlgorithm.RSA, 2048)).isTrue();
      assertThat(keys.spki()).isEqualTo(Tlsa.spkiSha256(rsa.getPublic()));
    }
    assertThat(parsed).hasValue(1);
  }

  private static Secret secret(KeyPair key) {
    return new SecretBuilder().withNewMetadata().withName("mx-a").withUid("u-1").withResourceVersion("7")
        .endMetadata().withType("kubernetes.io/tls")
        .withData(Map.of(LineageKeys.TLS_KEY, base64(KeyPairs.toPem(key.getPrivate())), LineageKeys.TLS_CRT, ""))
        .build();
  }

  private static String base64(String text) {
    return LineageSecrets.encode(text);
  }

  private static String pem(X509Certificate certificate) throws Exception {
    var out = new StringWriter();
    try (var writer = new JcaPEMWriter(out)) {
      writer.writeObject(certificate);
    }
    return out.toString();
  }
}
