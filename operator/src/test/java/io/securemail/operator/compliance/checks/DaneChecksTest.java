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
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnssecState;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DaneChecksTest {

  private static final String OTHER_311 = "3 1 1 " + "cd34".repeat(16);

  @ParameterizedTest
  @EnumSource(Profile.class)
  void usableSecureTlsaPasses(Profile profile) {
    CheckResult result = Fixture.compliant().result("dane.tlsa", profile);
    assertThat(result.status()).isEqualTo(pass);
    assertThat(result.message()).startsWith("1 usable TLSA record(s) at _25._tcp.mx1.example.com: 3 1 1 ");
  }

  @Test
  void missingTlsaFailsUnderBsiAndDependsOnDnssecUnderRfc() {
    Fixture none = Fixture.compliant().tlsa(DnsAnswer.nxdomain("_25._tcp.mx1.example.com", "TLSA", DnssecState.secure));
    assertThat(none.status("dane.tlsa", BSI_TR_03108)).isEqualTo(fail);
    assertThat(none.status("dane.tlsa", RFC)).isEqualTo(warn);
    Fixture unsigned = none.addresses(DnsAnswer.of("mx1.example.com", "A", DnssecState.insecure, "192.0.2.10"),
        DnsAnswer.of("mx1.example.com", "AAAA", DnssecState.insecure));
    assertThat(unsigned.status("dane.tlsa", RFC)).isEqualTo(skip);
    assertThat(none.status("dane.match", RFC)).isEqualTo(skip);
    assertThat(none.status("dane.match", BSI_TR_03108)).isEqualTo(skip);
    assertThat(none.status("dane.rollover", BSI_TR_03108)).isEqualTo(skip);
  }

  @Test
  void unsignedTlsaIsIgnoredBySenders() {
    Fixture insecure = Fixture.compliant().tlsa(DnsAnswer.of("_25._tcp.mx1.example.com", "TLSA", DnssecState.insecure,
        Fixture.LEAF_311));
    assertThat(insecure.result("dane.tlsa", RFC)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(warn);
      assertThat(r.message()).contains("not DNSSEC-validated (insecure), so senders ignore them");
    });
    assertThat(insecure.status("dane.tlsa", BSI_TR_03108)).isEqualTo(fail);
    assertThat(insecure.status("dane.match", RFC)).isEqualTo(skip);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void onlyPkixUsagesAreUnusable(Profile profile) {
    Fixture pkix = Fixture.compliant().tlsa("1 1 1 " + "ab".repeat(32));
    assertThat(pkix.result("dane.tlsa", profile)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(fail);
      assertThat(r.message()).contains("RFC 7672 section 3.1.3");
    });
    assertThat(Fixture.compliant().tlsa(Fixture.LEAF_311, "0 0 1 " + "ab".repeat(32)).status("dane.tlsa", profile))
        .isEqualTo(warn);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aFailedTlsaLookupFails(Profile profile) {
    Fixture bogus = Fixture.compliant().tlsa(DnsAnswer.failed("_25._tcp.mx1.example.com", "TLSA",
        DnsAnswer.Outcome.ERROR, DnssecState.bogus, "SERVFAIL (DNSSEC Bogus)"));
    assertThat(bogus.result("dane.tlsa", profile).message()).contains("failed (DNSSEC bogus: SERVFAIL",
        "DANE senders defer mail");
    assertThat(bogus.status("dane.tlsa", profile)).isEqualTo(fail);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void daneMatch(Profile profile) {
    assertThat(Fixture.compliant().result("dane.match", profile)).satisfies(r -> {
      assertThat(r.subject()).isEqualTo("mx1.example.com[192.0.2.10]");
      assertThat(r.status()).isEqualTo(pass);
    });
    CheckResult mismatch = Fixture.compliant().tlsa(OTHER_311).result("dane.match", profile);
    assertThat(mismatch.status()).isEqualTo(fail);
    assertThat(mismatch.message()).matches("TLSA 3 1 1 for _25._tcp.mx1.example.com does not match the certificate "
        + "served by 192.0.2.10: served SPKI sha256 [0-9a-f]{16}\\.\\.\\., published cd34cd34cd34cd34\\.\\.\\.");
    assertThat(Fixture.compliant().tlsa(OTHER_311, Fixture.LEAF_311).status("dane.match", profile)).isEqualTo(pass);
    assertThat(Fixture.compliant().tlsa(Fixture.CA_211).status("dane.match", profile)).isEqualTo(pass);
  }

  /**
   * An MX host that is an alias of the provider's name (RFC 7672 section 2.2.2): the TLSA records
   * are at the CNAME-expanded name, and a DANE-TA certificate may name either that name or the MX
   * host (RFC 7672 section 3.2.3). Here it names only the expanded name, mx1.example.com.
   */
  @ParameterizedTest
  @EnumSource(Profile.class)
  void anAliasIsMatchedAtItsExpandedNameWhoseNameTheCertificateMayCarry(Profile profile) {
    Fixture alias = Fixture.compliant().tlsa(Fixture.CA_211).host(mx -> new io.securemail.operator.compliance
        .MxObservation("mail.customer.example", mx.preference(), mx.ipv4(), mx.ipv6(), mx.tlsa(), mx.smtp(),
        "mx1.example.com"));
    assertThat(alias.result("dane.tlsa", profile).message())
        .startsWith("1 usable TLSA record(s) at _25._tcp.mx1.example.com (mail.customer.example is an alias of "
            + "mx1.example.com): 2 1 1 ");
    assertThat(alias.result("dane.match", profile)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(pass);
      assertThat(r.message()).contains("validates for mx1.example.com / mail.customer.example");
    });
    // Without the alias, the certificate names neither reference identifier: no DANE-TA match.
    Fixture unaliased = Fixture.compliant().tlsa(Fixture.CA_211).host(mx -> new io.securemail.operator.compliance
        .MxObservation("mail.customer.example", mx.preference(), mx.ipv4(), mx.ipv6(), mx.tlsa(), mx.smtp()));
    assertThat(unaliased.result("dane.match", profile)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(fail);
      assertThat(r.message()).contains("names [mx1.example.com], not mail.customer.example");
    });
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void daneWithoutTlsFails(Profile profile) {
    Fixture noTls = Fixture.compliant().smtp(s -> new SmtpObservation(s.host(), s.address(), s.port(),
        SmtpObservation.Outcome.NO_STARTTLS, s.banner(), null, java.util.List.of(),
        "192.0.2.10:25 does not offer STARTTLS in its EHLO reply"));
    assertThat(noTls.result("dane.match", profile)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(fail);
      assertThat(r.message()).contains("DANE requires TLS").contains("does not offer STARTTLS");
    });
  }

  @Test
  void rolloverNeedsANextKeyOrATrustAnchorRecord() {
    assertThat(Fixture.compliant().result("dane.rollover", RFC)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(warn);
      assertThat(r.message()).contains("the next key change breaks DANE");
    });
    assertThat(Fixture.compliant().tlsa(Fixture.LEAF_311, Fixture.NEXT_311).result("dane.rollover", BSI_TR_03108))
        .satisfies(r -> {
          assertThat(r.status()).isEqualTo(pass);
          assertThat(r.message()).contains("published for a key not yet in service");
        });
    assertThat(Fixture.compliant().tlsa(Fixture.LEAF_311, Fixture.CA_211).status("dane.rollover", RFC)).isEqualTo(pass);
    assertThat(Fixture.compliant().tlsa(OTHER_311).status("dane.rollover", RFC)).isEqualTo(skip);
  }
}
