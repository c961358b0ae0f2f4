package io.securemail.operator.compliance.checks;

import static io.securemail.operator.compliance.CheckStatus.fail;
import static io.securemail.operator.compliance.CheckStatus.pass;
import static io.securemail.operator.compliance.CheckStatus.skip;
import static io.securemail.operator.compliance.CheckStatus.warn;
import static io.securemail.operator.compliance.Profile.BSI_TR_03108;
import static io.securemail.operator.compliance.Profile.RFC;
import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.CheckStatus;
import io.securemail.operator.compliance.ComplianceEngine;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.Report;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnssecState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DnsChecksTest {

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aWellRunDomainIsCompliantAndEveryCheckIdReports(Profile profile) {
    Report report = ComplianceEngine.evaluate(Fixture.compliant().observation(), profile, Fixture.NOW);
    assertThat(report.compliant()).as(report.checks().toString()).isTrue();
    assertThat(report.checks()).extracting(CheckResult::id).containsOnlyOnce("dnssec.domain", "mtasts.record", "tlsrpt.record")
        .contains("dns.mx", "dnssec.mx", "dane.tlsa", "dane.match", "dane.rollover", "smtp.starttls", "tls.version", "tls.cipher",
            "cert.pkix", "cert.expiry", "mtasts.record", "mtasts.policy", "mtasts.mx", "mtasts.mode", "tlsrpt.record");
    assertThat(report.checks()).filteredOn(c -> c.status() != pass)
        .singleElement().satisfies(c -> assertThat(c.id()).isEqualTo("dane.rollover"));
  }

  @Test
  void dnsMxPassesPerDomainAndHost() {
    List<CheckResult> results = Fixture.compliant().results("dns.mx", RFC);
    assertThat(results).extracting(CheckResult::subject, CheckResult::status, CheckResult::message).containsExactly(
        org.assertj.core.groups.Tuple.tuple("example.com", pass, "1 MX host(s): mx1.example.com (10)"),
        org.assertj.core.groups.Tuple.tuple("mx1.example.com", pass, "resolves to 192.0.2.10"));
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void dnsMxFailures(Profile profile) {
    assertThat(Fixture.compliant().mx(DnsAnswer.of("example.com", "MX", DnssecState.secure)).noHosts()
        .result("dns.mx", profile).message()).startsWith("no MX records");
    assertThat(Fixture.compliant().mx(DnsAnswer.nxdomain("example.com", "MX", DnssecState.secure)).noHosts()
        .result("dns.mx", profile).message()).contains("NXDOMAIN");
    assertThat(Fixture.compliant().mx(DnsAnswer.of("example.com", "MX", DnssecState.secure, "0 .")).noHosts()
        .result("dns.mx", profile)).satisfies(r -> {
          assertThat(r.status()).isEqualTo(fail);
          assertThat(r.message()).contains("null MX (RFC 7505)");
        });
    Fixture noAddress = Fixture.compliant().addresses(DnsAnswer.of("mx1.example.com", "A", DnssecState.secure),
        DnsAnswer.nxdomain("mx1.example.com", "AAAA", DnssecState.secure));
    assertThat(noAddress.results("dns.mx", profile)).extracting(CheckResult::status).containsExactly(pass, fail);
  }

  @Test
  void withoutMxHostsPerHostChecksSkip() {
    Report report = ComplianceEngine.evaluate(Fixture.compliant().mx(DnsAnswer.of("example.com", "MX",
        DnssecState.secure)).noHosts().observation(), RFC, Fixture.NOW);
    assertThat(report.checks()).filteredOn(c -> c.id().equals("smtp.starttls")).singleElement()
        .satisfies(c -> assertThat(c.status()).isEqualTo(skip));
  }

  @Test
  void dnssecDomainPerProfile() {
    assertStatus(DnssecState.secure, pass, pass);
    assertStatus(DnssecState.insecure, warn, fail);
    assertStatus(DnssecState.bogus, fail, fail);
    assertStatus(DnssecState.indeterminate, warn, fail);
  }

  private static void assertStatus(DnssecState state, CheckStatus rfc, CheckStatus bsi) {
    Fixture f = Fixture.compliant().mx(DnsAnswer.of("example.com", "MX", state, "10 mx1.example.com."));
    assertThat(f.status("dnssec.domain", RFC)).as("rfc, " + state).isEqualTo(rfc);
    assertThat(f.status("dnssec.domain", BSI_TR_03108)).as("bsi, " + state).isEqualTo(bsi);
  }

  @Test
  void dnssecMxTakesTheWorstAnswer() {
    Fixture insecureHost = Fixture.compliant().addresses(
        DnsAnswer.of("mx1.example.com", "A", DnssecState.insecure, "192.0.2.10"),
        DnsAnswer.of("mx1.example.com", "AAAA", DnssecState.insecure));
    assertThat(insecureHost.status("dnssec.mx", RFC)).isEqualTo(warn);
    assertThat(insecureHost.result("dnssec.mx", BSI_TR_03108)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(fail);
      assertThat(r.message()).contains("mx1.example.com A").contains("requires DNSSEC");
    });
    Fixture bogusTlsa = Fixture.compliant().tlsa(DnsAnswer.failed("_25._tcp.mx1.example.com", "TLSA",
        DnsAnswer.Outcome.ERROR, DnssecState.bogus, "SERVFAIL (RRSIGs missing)"));
    assertThat(bogusTlsa.result("dnssec.mx", RFC)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(fail);
      assertThat(r.message()).startsWith("DNSSEC bogus: ")
          .contains("_25._tcp.mx1.example.com TLSA (SERVFAIL (RRSIGs missing))");
    });
    assertThat(Fixture.compliant().status("dnssec.mx", BSI_TR_03108)).isEqualTo(pass);
  }
}
