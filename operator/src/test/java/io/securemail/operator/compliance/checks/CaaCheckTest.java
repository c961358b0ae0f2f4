package io.securemail.operator.compliance.checks;

import static io.securemail.operator.compliance.CheckStatus.fail;
import static io.securemail.operator.compliance.CheckStatus.pass;
import static io.securemail.operator.compliance.CheckStatus.warn;
import static io.securemail.operator.compliance.Profile.BSI_TR_03108;
import static io.securemail.operator.compliance.Profile.RFC;
import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.caa.CaaIssuer;
import io.securemail.operator.compliance.caa.CaaProperty;
import io.securemail.operator.compliance.caa.RelevantCaa;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnssecState;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CaaCheckTest {

  static final String ACCOUNT = "https://acme-v02.api.letsencrypt.org/acme/acct/7";
  static final CaaIssuer OURS = CaaIssuer.of("letsencrypt.org").with("accounturi", ACCOUNT)
      .with("validationmethods", "dns-01");

  static RelevantCaa at(String name, String foundAt, String... records) {
    return new RelevantCaa(name, foundAt,
        Arrays.stream(records).map(CaaProperty::parse).map(Optional::orElseThrow).toList(), null);
  }

  @Test
  void noCaaAnywherePassesUnderBothProfiles() {
    assertThat(Fixture.compliant().status("cert.caa", RFC)).isEqualTo(pass);
    assertThat(Fixture.compliant().caaIssuers(OURS).result("cert.caa", BSI_TR_03108).message())
        .isEqualTo("no CAA records: any CA may issue");
  }

  @Test
  void recordsPinnedToTheIssuersAccountPass() {
    CheckResult result = Fixture.compliant().caaIssuers(OURS)
        .caa(at("mx1.example.com", "mx1.example.com", "0 issue \"letsencrypt.org; accounturi=" + ACCOUNT
            + "; validationmethods=dns-01\"")).result("cert.caa", RFC);
    assertThat(result.status()).isEqualTo(pass);
    assertThat(result.message()).startsWith("at mx1.example.com: CAA 0 issue").endsWith("allows letsencrypt.org");
  }

  @Test
  void aForeignApexRecordForbiddingTheIssuerFailsForEachName() {
    var fixture = Fixture.compliant().caaIssuers(OURS).caa(at("mx1.example.com", "example.com", "0 issue \"pki.goog\""),
        at("mta-sts.example.com", "mta-sts.example.com", "0 issue \"letsencrypt.org\""));
    List<CheckResult> results = fixture.results("cert.caa", RFC);
    assertThat(results).extracting(CheckResult::subject, CheckResult::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("mx1.example.com", fail),
            org.assertj.core.groups.Tuple.tuple("mta-sts.example.com", pass));
    assertThat(results.get(0).message()).contains("at example.com:", "allow only pki.goog, not letsencrypt.org",
        "renewing the certificate for mx1.example.com from letsencrypt.org will be refused");
  }

  @Test
  void anotherAccountOrMethodFails() {
    var otherAccount = Fixture.compliant().caaIssuers(OURS).caa(at("mx1.example.com", "mx1.example.com",
        "0 issue \"letsencrypt.org; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/8\""));
    assertThat(otherAccount.status("cert.caa", RFC)).isEqualTo(fail);
    var httpOnly = Fixture.compliant().caaIssuers(OURS).caa(at("mx1.example.com", "mx1.example.com",
        "0 issue \"letsencrypt.org; validationmethods=http-01\""));
    assertThat(httpOnly.result("cert.caa", RFC).message()).contains("not dns-01");
  }

  @Test
  void withoutAKnownIssuerSomeCaMustBeAllowed() {
    var some = Fixture.compliant().caa(at("mx1.example.com", "example.com", "0 issue \"pki.goog\""));
    assertThat(some.status("cert.caa", RFC)).isEqualTo(pass);
    assertThat(some.result("cert.caa", RFC).message()).contains("only pki.goog may issue", "issuer is not known");
    var none = Fixture.compliant().caa(at("mx1.example.com", "example.com", "0 issue \";\""));
    assertThat(none.status("cert.caa", RFC)).isEqualTo(fail);
    var critical = Fixture.compliant().caa(at("mx1.example.com", "mx1.example.com", "0 issue \"pki.goog\"",
        "128 future \"x\""));
    assertThat(critical.result("cert.caa", RFC).message()).contains("critical flag on tag 'future'");
    assertThat(critical.status("cert.caa", RFC)).isEqualTo(fail);
  }

  @Test
  void anAccountTheCheckCannotSeeWarns() {
    var unknownAccount = Fixture.compliant().caaIssuers(CaaIssuer.of("letsencrypt.org"))
        .caa(at("mx1.example.com", "mx1.example.com", "0 issue \"letsencrypt.org; accounturi=" + ACCOUNT + "\""));
    assertThat(unknownAccount.status("cert.caa", RFC)).isEqualTo(warn);
  }

  @Test
  void lookupFailuresFailWhenBogusAndWarnOtherwise() {
    var bogus = Fixture.compliant().caa(new RelevantCaa("mx1.example.com", null, List.of(),
        DnsAnswer.failed("example.com", "CAA", DnsAnswer.Outcome.ERROR, DnssecState.bogus, "SERVFAIL")));
    assertThat(bogus.status("cert.caa", RFC)).isEqualTo(fail);
    assertThat(bogus.result("cert.caa", RFC).message()).contains("fails DNSSEC validation");
    var timeout = Fixture.compliant().caa(new RelevantCaa("mx1.example.com", null, List.of(),
        DnsAnswer.failed("example.com", "CAA", DnsAnswer.Outcome.UNREACHABLE, DnssecState.indeterminate, "timeout")));
    assertThat(timeout.status("cert.caa", RFC)).isEqualTo(warn);
  }
}
