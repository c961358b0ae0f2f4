package io.securemail.operator.compliance.checks;

import static io.securemail.operator.compliance.CheckStatus.fail;
import static io.securemail.operator.compliance.CheckStatus.pass;
import static io.securemail.operator.compliance.CheckStatus.skip;
import static io.securemail.operator.compliance.CheckStatus.warn;
import static io.securemail.operator.compliance.Profile.BSI_TR_03108;
import static io.securemail.operator.compliance.Profile.RFC;
import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.TestPki;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import io.securemail.operator.compliance.smtp.TlsAttempt;
import io.securemail.operator.compliance.smtp.TlsOffer;
import io.securemail.operator.compliance.smtp.TlsSession;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TlsChecksTest {

  private static Fixture withoutTls(SmtpObservation.Outcome outcome, String detail) {
    return Fixture.compliant().smtp(s -> new SmtpObservation(s.host(), s.address(), s.port(), outcome, null, null,
        List.of(), detail));
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void starttls(Profile profile) {
    assertThat(Fixture.compliant().result("smtp.starttls", profile).message())
        .isEqualTo("STARTTLS offered; TLSv1.3 handshake with TLS_AES_256_GCM_SHA384 completed");
    Fixture silent = withoutTls(SmtpObservation.Outcome.NO_GREETING, "192.0.2.10:25: greeting failed: no reply within 10 s");
    assertThat(silent.result("smtp.starttls", profile)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(fail);
      assertThat(r.message()).isEqualTo("192.0.2.10:25: greeting failed: no reply within 10 s");
    });
    assertThat(withoutTls(SmtpObservation.Outcome.NO_STARTTLS, "").result("smtp.starttls", profile).message())
        .isEqualTo("192.0.2.10:25 does not offer STARTTLS: mail to it travels unencrypted");
    for (String id : List.of("tls.version", "tls.cipher", "cert.pkix", "cert.expiry")) {
      assertThat(silent.status(id, profile)).as(id).isEqualTo(skip);
    }
  }

  @Test
  void legacyVersionsAcceptedWarnUnderRfcAndFailUnderBsi() {
    Fixture legacy = Fixture.compliant().attempt(TlsOffer.TLS_1_0, TlsAttempt.Result.ACCEPTED,
        "TLSv1.0 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
    assertThat(legacy.status("tls.version", RFC)).isEqualTo(warn);
    CheckResult bsi = legacy.result("tls.version", BSI_TR_03108);
    assertThat(bsi.status()).isEqualTo(fail);
    assertThat(bsi.message()).isEqualTo("192.0.2.10 accepts TLS 1.0 (TLSv1.0 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA); "
        + "bsi-tr-03108 allows only TLS 1.2 and 1.3");
    assertThat(Fixture.compliant().result("tls.version", BSI_TR_03108).message())
        .isEqualTo("TLSv1.3 negotiated; TLS 1.0 and 1.1 refused");
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void negotiatingALegacyVersionFailsEverywhere(Profile profile) {
    Fixture old = Fixture.compliant().session(new TlsSession("TLSv1.1", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        List.of(Fixture.LEAF.certificate(), Fixture.CA.certificate())));
    assertThat(old.result("tls.version", profile).message()).contains("RFC 8996");
    assertThat(old.status("tls.version", profile)).isEqualTo(fail);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void anUntestableLegacyOfferIsAWarningNotAPass(Profile profile) {
    Fixture unknown = Fixture.compliant().attempt(TlsOffer.TLS_1_1, TlsAttempt.Result.INCONCLUSIVE, null);
    assertThat(unknown.status("tls.version", profile)).isEqualTo(warn);
  }

  @Test
  void weakSuites() {
    Fixture staticRsa = Fixture.compliant().attempt(TlsOffer.STATIC_RSA, TlsAttempt.Result.ACCEPTED,
        "TLSv1.2 TLS_RSA_WITH_AES_128_GCM_SHA256");
    assertThat(staticRsa.status("tls.cipher", RFC)).isEqualTo(warn);
    assertThat(staticRsa.result("tls.cipher", BSI_TR_03108)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(fail);
      assertThat(r.message()).contains("accepts suites without forward secrecy (RSA key exchange): TLSv1.2 "
          + "TLS_RSA_WITH_AES_128_GCM_SHA256");
    });
    Fixture cbcChosen = Fixture.compliant().session(new TlsSession("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        List.of(Fixture.LEAF.certificate(), Fixture.CA.certificate())));
    assertThat(cbcChosen.result("tls.cipher", RFC)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(warn);
      assertThat(r.message()).contains("chose TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 (CBC, not AEAD)");
    });
    // TR-02102-2 Table 1 lists it, so bsi-tr-03108 allows it.
    assertThat(cbcChosen.status("tls.cipher", BSI_TR_03108)).isEqualTo(pass);
    assertThat(Fixture.compliant().status("tls.cipher", BSI_TR_03108)).isEqualTo(pass);
  }

  @Test
  void underBsiOnlyTheTr02102TablesPass() {
    Fixture chacha = Fixture.compliant().session(new TlsSession("TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256",
        List.of(Fixture.LEAF.certificate(), Fixture.CA.certificate())));
    assertThat(chacha.status("tls.cipher", RFC)).isEqualTo(pass);
    assertThat(chacha.result("tls.cipher", BSI_TR_03108)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(fail);
      assertThat(r.message()).contains("chose TLS_CHACHA20_POLY1305_SHA256 from a normal offer")
          .contains("BSI TR-02102-2, version 2023-01, Table 1 (TLS 1.2) and Table 11 (TLS 1.3)");
    });
    Fixture chacha12 = Fixture.compliant().attempt(TlsOffer.CHACHA20, TlsAttempt.Result.ACCEPTED,
        "TLSv1.2 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    assertThat(chacha12.status("tls.cipher", BSI_TR_03108)).isEqualTo(fail);
    assertThat(chacha12.result("tls.cipher", BSI_TR_03108).message())
        .contains("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    Fixture untested = Fixture.compliant().attempt(TlsOffer.TLS13_OTHER, TlsAttempt.Result.INCONCLUSIVE, null);
    assertThat(untested.status("tls.cipher", BSI_TR_03108)).isEqualTo(warn);
    // rfc does not judge that offer, so not having its outcome changes nothing there.
    assertThat(untested.status("tls.cipher", RFC)).isEqualTo(pass);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void anonymousSuitesFailEverywhere(Profile profile) {
    Fixture anon = Fixture.compliant().attempt(TlsOffer.ANONYMOUS, TlsAttempt.Result.ACCEPTED,
        "TLSv1.2 TLS_ECDH_anon_WITH_AES_128_CBC_SHA");
    assertThat(anon.result("tls.cipher", profile)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(fail);
      assertThat(r.message()).contains("accepts anonymous suites (aNULL): TLSv1.2 TLS_ECDH_anon_WITH_AES_128_CBC_SHA");
    });
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void pkixFailureIsFatalOnlyWithMtaStsEnforce(Profile profile) {
    TestPki.Issued wrongName = TestPki.leaf(Fixture.CA, "mail.example.org");
    Fixture f = Fixture.compliant().session(new TlsSession("TLSv1.3", "TLS_AES_256_GCM_SHA384",
        List.of(wrongName.certificate(), Fixture.CA.certificate())));
    assertThat(f.result("cert.pkix", profile)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(fail);
      assertThat(r.message()).contains("names [mail.example.org], not mx1.example.com")
          .contains("MTA-STS senders will not deliver");
    });
    assertThat(f.policy(Fixture.ENFORCE.replace("enforce", "testing")).status("cert.pkix", profile)).isEqualTo(warn);
    assertThat(Fixture.compliant().status("cert.pkix", profile)).isEqualTo(pass);
  }

  @Test
  void untrustedRootIsReported() {
    TestPki.Issued otherCa = TestPki.ca("Unknown CA");
    TestPki.Issued leaf = TestPki.leaf(otherCa, "mx1.example.com");
    Fixture f = Fixture.compliant().session(new TlsSession("TLSv1.3", "TLS_AES_256_GCM_SHA384",
        List.of(leaf.certificate(), otherCa.certificate())));
    assertThat(f.result("cert.pkix", RFC).message()).contains("no valid path to a trusted root");
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void expiry(Profile profile) {
    assertThat(expiringIn(5, profile).status()).isEqualTo(fail);
    assertThat(expiringIn(20, profile).status()).isEqualTo(warn);
    assertThat(expiringIn(45, profile).status()).isEqualTo(pass);
    assertThat(expiringIn(-1, profile).message()).contains("expired on");
    assertThat(expiringIn(5, profile).message()).contains("renewal is overdue");
  }

  private static CheckResult expiringIn(int days, Profile profile) {
    TestPki.Issued leaf = TestPki.leaf(Fixture.CA, TestPki.ecKey(), Fixture.NOW.minusSeconds(86400L * 60),
        Fixture.NOW.plusSeconds(86400L * days + 3600), "mx1.example.com");
    return Fixture.compliant().session(new TlsSession("TLSv1.3", "TLS_AES_256_GCM_SHA384",
        List.of(leaf.certificate(), Fixture.CA.certificate()))).result("cert.expiry", profile);
  }
}
