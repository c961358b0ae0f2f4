package io.securemail.operator.compliance.dane;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.TestPki;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DaneMatcherTest {

  private static final Instant NOW = Instant.now();

  /**
   * Expected data computed with openssl: {@code openssl x509 -outform DER | openssl dgst -sha256}
   * (selector 0) and {@code openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst
   * -sha512} (selector 1).
   */
  @ParameterizedTest
  @CsvSource({
      "mx1-ecdsa.crt, 0, 1, 52d8c637527095bbd373d66cd33870c9301a5c5ac68a19cf29c913738c6b116e",
      "mx1-ecdsa.crt, 1, 1, dbe0ece54b8e718c37f07972ffc1672160910fbcb029e7d2ab54ed36b0be2d3b",
      "mx1-ecdsa.crt, 1, 2, 159f281c964af9e4be2955af9b4f0ed3669c903960001d660efb26c51333258353d426aa6c0e9d42ad0a06cb04363e7eb60378c4894058291c0e8d3a8d77be44",
      "mx1-ecdsa.crt, 0, 2, 2b8b4637ac130dcb21959493156563e49eac74026eec7bb67e089414be0c0a86f4c4c14a2ad14c4b4537f03434d4ef4363df298bec4bdb18fb71fd0ebd36b07e",
      "mx1-rsa.crt, 0, 1, c9529d9d4f492f8206eae751284eeac61d4be2d32cce05755de54a60d34c5185",
      "mx1-rsa.crt, 1, 1, 11778402558f07e7e14c41dce4dbbef75bc83b7065fb72d7ab6d9fb7f5a4bb71",
      "mx1-rsa.crt, 1, 2, 4f2faaba1f6e2664264f425d619a0dcc708da15e67a42b675509404a253a0ae6302f69612dfc5e0298df7154ad8904ff19126f325d3bfd697872d71734eea309"})
  void daneEeMatchesOpensslValuesIgnoringNamesAndExpiry(String file, int selector, int matchingType, String expected)
      throws Exception {
    X509Certificate cert = load(file);
    TlsaRecord record = new TlsaRecord(3, selector, matchingType, expected);
    // Usage 3 ignores the name (the certificate names mx1.example.com) and the date (RFC 7672 section 3.1.1).
    Instant farFuture = Instant.parse("2040-01-01T00:00:00Z");
    assertThat(DaneMatcher.match(List.of(record), List.of(cert), List.of("other.example.net"), farFuture))
        .singleElement().satisfies(o -> assertThat(o.matched()).isTrue());
  }

  @Test
  void fullCertificateMatchesWithMatchingTypeZero() throws Exception {
    X509Certificate cert = load("mx1-ecdsa.crt");
    String der = HexFormat.of().formatHex(cert.getEncoded());
    assertThat(der).startsWith("308201893082012fa0030201020214014d295e87");
    assertThat(DaneMatcher.match(List.of(new TlsaRecord(3, 0, 0, der)), List.of(cert), List.of("mx1.example.com"), NOW))
        .singleElement().satisfies(o -> assertThat(o.matched()).isTrue());
  }

  @Test
  void mismatchNamesServedAndPublishedDigests() throws Exception {
    X509Certificate cert = load("mx1-ecdsa.crt");
    TlsaRecord other = new TlsaRecord(3, 1, 1, "11778402558f07e7e14c41dce4dbbef75bc83b7065fb72d7ab6d9fb7f5a4bb71");
    DaneMatcher.Outcome outcome = DaneMatcher.match(List.of(other), List.of(cert), List.of("mx1.example.com"), NOW).get(0);
    assertThat(outcome.matched()).isFalse();
    assertThat(outcome.detail()).isEqualTo("served SPKI sha256 dbe0ece54b8e718c..., published 11778402558f07e7...");
  }

  @Test
  void daneTaMatchesTheIssuerInTheChainAndChecksTheName() throws Exception {
    TestPki.Issued ca = TestPki.ca("Test Mail CA");
    TestPki.Issued leaf = TestPki.leaf(ca, "mx1.example.com");
    List<X509Certificate> chain = List.of(leaf.certificate(), ca.certificate());
    // Independently of the JDK's key encoding: BouncyCastle's SubjectPublicKeyInfo of the CA.
    String caSpki = sha256(ca.holder().getSubjectPublicKeyInfo().getEncoded());
    TlsaRecord ta = new TlsaRecord(2, 1, 1, caSpki);

    assertThat(DaneMatcher.match(List.of(ta), chain, List.of("mx1.example.com"), NOW).get(0).matched()).isTrue();

    DaneMatcher.Outcome wrongName = DaneMatcher.match(List.of(ta), chain, List.of("mx2.example.com"), NOW).get(0);
    assertThat(wrongName.matched()).isFalse();
    assertThat(wrongName.detail()).contains("names [mx1.example.com], not mx2.example.com");

    DaneMatcher.Outcome caNotSent = DaneMatcher.match(List.of(ta), List.of(leaf.certificate()),
        List.of("mx1.example.com"), NOW).get(0);
    assertThat(caNotSent.matched()).isFalse();
    assertThat(caNotSent.detail()).contains("no CA certificate in the served chain");
  }

  @Test
  void daneTaRequiresTheLeafToBeIssuedByTheMatchedCaAndUnexpired() throws Exception {
    TestPki.Issued ca = TestPki.ca("Test Mail CA");
    TestPki.Issued otherCa = TestPki.ca("Other CA");
    TestPki.Issued leaf = TestPki.leaf(otherCa, "mx1.example.com");
    TlsaRecord ta = new TlsaRecord(2, 0, 1, sha256(ca.holder().getEncoded()));
    DaneMatcher.Outcome notIssued = DaneMatcher.match(List.of(ta), List.of(leaf.certificate(), ca.certificate()),
        List.of("mx1.example.com"), NOW).get(0);
    assertThat(notIssued.matched()).isFalse();
    assertThat(notIssued.detail()).contains("does not validate up to it");

    TestPki.Issued expired = TestPki.leaf(ca, TestPki.ecKey(), NOW.minusSeconds(86400 * 10), NOW.minusSeconds(86400),
        "mx1.example.com");
    assertThat(DaneMatcher.match(List.of(ta), List.of(expired.certificate(), ca.certificate()),
        List.of("mx1.example.com"), NOW).get(0).matched()).isFalse();
  }

  @Test
  void daneTaRecordForTheLeafItselfIsExplained() throws Exception {
    TestPki.Issued ca = TestPki.ca("Test Mail CA");
    TestPki.Issued leaf = TestPki.leaf(ca, "mx1.example.com");
    TlsaRecord taForLeaf = new TlsaRecord(2, 1, 1, sha256(leaf.holder().getSubjectPublicKeyInfo().getEncoded()));
    DaneMatcher.Outcome outcome = DaneMatcher.match(List.of(taForLeaf), List.of(leaf.certificate(), ca.certificate()),
        List.of("mx1.example.com"), NOW).get(0);
    assertThat(outcome.matched()).isFalse();
    assertThat(outcome.detail()).contains("publish it as usage 3");
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private static X509Certificate load(String file) throws Exception {
    try (InputStream in = DaneMatcherTest.class.getResourceAsStream("/tlsa/" + file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
