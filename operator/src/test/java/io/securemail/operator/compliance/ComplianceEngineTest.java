package io.securemail.operator.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ComplianceEngineTest {

  @Test
  void observesEveryMxHostInPreferenceOrderOnTheConfiguredPorts() throws Exception {
    FakeWorld world = FakeWorld.compliantDomain("example.com", "mx2.example.com", "mx1.example.com");
    ComplianceEngine engine = new ComplianceEngine(world, Clock.systemUTC());

    Report report = engine.check("Example.COM.", Profile.BSI_TR_03108, ComplianceOptions.defaults().withPorts(2525, 8443));

    assertThat(report.domain()).isEqualTo("example.com");
    assertThat(report.compliant()).as(report.checks().toString()).isTrue();
    assertThat(world.smtpProbes).containsExactly("mx1.example.com 192.0.2.11:2525", "mx2.example.com 192.0.2.10:2525");
    assertThat(world.policyFetches).containsExactly("example.com [192.0.2.80]:8443");
    assertThat(report.checks()).filteredOn(c -> c.id().equals("dane.match")).extracting(CheckResult::subject)
        .containsExactly("mx1.example.com[192.0.2.11]", "mx2.example.com[192.0.2.10]");
  }

  @Test
  void noPolicyFetchWithoutAnStsRecord() throws Exception {
    FakeWorld world = FakeWorld.compliantDomain("example.com", "mx1.example.com").record("_mta-sts.example.com", "TXT",
        "v=spf1 -all");
    Report report = new ComplianceEngine(world, Clock.systemUTC()).check("example.com", Profile.RFC,
        ComplianceOptions.defaults());
    assertThat(world.policyFetches).isEmpty();
    assertThat(report.checks()).filteredOn(c -> c.id().equals("mtasts.policy")).singleElement()
        .satisfies(c -> assertThat(c.status()).isEqualTo(CheckStatus.skip));
  }

  /** RFC 8461 section 3.1: with two v=STSv1 records senders ignore MTA-STS, so nothing about it passes. */
  @ParameterizedTest
  @EnumSource(Profile.class)
  void twoStsRecordsMeanNoMtaSts(Profile profile) throws Exception {
    FakeWorld world = FakeWorld.compliantDomain("example.com", "mx1.example.com").record("_mta-sts.example.com", "TXT",
        "v=STSv1; id=1", "v=STSv1; id=2");
    Report report = new ComplianceEngine(world, Clock.systemUTC()).check("example.com", profile,
        ComplianceOptions.defaults());
    assertThat(report.compliant()).isFalse();
    assertThat(report.checks()).filteredOn(c -> c.id().startsWith("mtasts."))
        .noneMatch(c -> c.status() == CheckStatus.pass);
    assertThat(report.checks()).filteredOn(c -> c.id().equals("mtasts.record")).singleElement().satisfies(c -> {
      assertThat(c.status()).isEqualTo(CheckStatus.fail);
      assertThat(c.message()).contains("RFC 8461 section 3.1");
    });
  }

  @Test
  void anUnreachableResolverMeansNoVerdict() {
    ComplianceEngine engine = new ComplianceEngine(new FakeWorld().resolverDown(), Clock.systemUTC());
    assertThatThrownBy(() -> engine.check("example.com", Profile.RFC, ComplianceOptions.defaults()))
        .isInstanceOf(CannotCheckException.class).hasMessageContaining("resolver 127.0.0.1:1 did not answer");
  }

  @Test
  void oneEngineServesConcurrentChecks() throws Exception {
    FakeWorld world = FakeWorld.compliantDomain("example.com", "mx1.example.com", "mx2.example.com");
    ComplianceEngine engine = new ComplianceEngine(world, Clock.systemUTC());
    Report expected = engine.check("example.com", Profile.RFC, ComplianceOptions.defaults());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Report>> reports = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        reports.add(pool.submit(() -> engine.check("example.com", Profile.RFC, ComplianceOptions.defaults())));
      }
      for (Future<Report> report : reports) {
        assertThat(report.get().checks()).isEqualTo(expected.checks());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void firstFailureNamesTheCheckForAConditionReason() {
    Report report = new Report("example.com", Profile.RFC, List.of(
        CheckResult.pass("dns.mx", "example.com", "ok"), CheckResult.warn("dane.rollover", "mx1", "one record"),
        CheckResult.fail("dane.match", "mx1[192.0.2.1]", "mismatch"), CheckResult.fail("cert.expiry", "mx1", "old")));
    assertThat(report.compliant()).isFalse();
    assertThat(report.firstFailure().id()).isEqualTo("dane.match");
    assertThat(report.count(CheckStatus.fail)).isEqualTo(2);
  }
}
