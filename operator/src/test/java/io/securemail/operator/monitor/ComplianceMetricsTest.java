package io.securemail.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.TransportRef;
import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.CheckStatus;
import io.securemail.operator.compliance.ComplianceEngine;
import io.securemail.operator.compliance.ComplianceOptions;
import io.securemail.operator.compliance.FakeWorld;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The monitor's metrics over a domain's life: a verdict while checks complete, no verdict (but an
 * ageing last-check timestamp) while they cannot, nothing once the domain is deleted.
 */
class ComplianceMetricsTest {

  /** Now: the fake world's certificates are valid from the moment they were made. */
  private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MovableClock clock = new MovableClock(T0);
  private final FakeWorld healthy = FakeWorld.compliantDomain("example.com", "mx1.example.com");
  private final AtomicReference<FakeWorld> world = new AtomicReference<>(healthy);

  private ComplianceMonitor monitor(MeterRegistry meters) {
    ComplianceEngine engine = new ComplianceEngine(options -> world.get().create(options), clock);
    return new ComplianceMonitor(engine, ComplianceOptions.defaults(), 1, meters, clock);
  }

  static SecureMailDomain domain() {
    SecureMailDomain domain = new SecureMailDomain();
    domain.setMetadata(new ObjectMetaBuilder().withNamespace("mail").withName("example-com").withUid("uid-1")
        .withGeneration(1L).build());
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain("example.com");
    domain.setSpec(spec);
    return domain;
  }

  private double lastCheck() {
    return registry.get(ComplianceMetrics.LAST_CHECK).tags("namespace", "mail", "name", "example-com").gauge()
        .value();
  }

  private int verdictSeries() {
    return registry.find(ComplianceMetrics.CHECK_STATUS).gauges().size()
        + registry.find(ComplianceMetrics.COMPLIANT).gauges().size();
  }

  @Test
  void aCompletedCheckSetsTheVerdictAndTheTimeItCompleted() {
    ComplianceMonitor monitor = monitor(registry);
    assertThat(monitor.reconcile(domain()).conditionStatus()).isEqualTo("True");

    assertThat(registry.get(ComplianceMetrics.COMPLIANT).tag("domain", "example.com").gauge().value()).isEqualTo(1);
    assertThat(registry.get(ComplianceMetrics.CHECK_STATUS).tags("check", "dane.match").gauge().value()).isZero();
    assertThat(lastCheck()).isEqualTo(T0.getEpochSecond());
    assertThat(registry.get(ComplianceMetrics.LAST_CHECK).gauge().getId().getTags())
        .extracting(tag -> tag.getKey()).containsExactlyInAnyOrder("namespace", "name");
  }

  /**
   * The resolver stops answering: the checks go on with the answers last seen (the verdict stands)
   * until the fault has lasted three checks and two intervals; then the verdict goes and the
   * last-check time ages from the last check that completed.
   */
  @Test
  void aCheckThatCannotRunForLongTakesTheVerdictAwayAndLeavesTheLastCheckTimeAgeing() {
    ComplianceMonitor monitor = monitor(registry);
    monitor.reconcile(domain());
    assertThat(verdictSeries()).isPositive();

    healthy.resolverDown();
    clock.move(Duration.ofMinutes(6));
    assertThat(monitor.reconcile(domain()).conditionStatus()).as("the first fault: held").isEqualTo("True");
    clock.move(Duration.ofMinutes(6));
    assertThat(monitor.reconcile(domain()).conditionStatus()).as("the second: held").isEqualTo("True");
    assertThat(verdictSeries()).isPositive();
    Instant lastHeld = clock.instant();
    clock.move(Duration.ofMinutes(6));
    assertThat(monitor.reconcile(domain()).reason()).as("the third, twelve minutes on").isEqualTo("CannotCheck");

    assertThat(verdictSeries()).isZero();
    assertThat(lastCheck()).isEqualTo(lastHeld.getEpochSecond());
    assertThat(registry.find(ComplianceMetrics.CERTIFICATE_EXPIRY).gauges()).hasSize(1);

    healthy.resolverUp();
    clock.move(Duration.ofMinutes(6));
    assertThat(monitor.reconcile(domain()).conditionStatus()).isEqualTo("True");
    assertThat(registry.get(ComplianceMetrics.COMPLIANT).gauge().value()).isEqualTo(1);
    assertThat(lastCheck()).isEqualTo(T0.plus(Duration.ofMinutes(24)).getEpochSecond());
  }

  /** A skipped check said nothing (it did not apply, or what it needed was missing): it has no series. */
  @Test
  void aSkippedCheckHasNoSeries() {
    world.set(FakeWorld.compliantDomain("example.com", "mx1.example.com").record("_25._tcp.mx1.example.com", "TLSA"));
    monitor(registry).reconcile(domain());

    // No TLSA record: dane.tlsa says so (a warning under the default profile), the checks that need one skip.
    assertThat(registry.find(ComplianceMetrics.CHECK_STATUS).tag("check", "dane.tlsa").gauge().value()).isEqualTo(1);
    assertThat(registry.find(ComplianceMetrics.CHECK_STATUS).tag("check", "dane.match").gauges()).isEmpty();
    assertThat(registry.find(ComplianceMetrics.CHECK_STATUS).tag("check", "dane.rollover").gauges()).isEmpty();
    assertThat(registry.find(ComplianceMetrics.CHECK_STATUS).tag("check", "smtp.starttls").gauges()).isNotEmpty();
  }

  @Test
  void aDomainNeverCheckedSinceTheStartHasItsLastCheckAtZero() {
    world.set(new FakeWorld().resolverDown());
    monitor(registry).reconcile(domain());

    assertThat(verdictSeries()).isZero();
    assertThat(lastCheck()).isZero();
  }

  @Test
  void aDomainTheReconcileNoLongerChecksLosesItsVerdictAndIsCheckedAtOnceWhenItIsBack() {
    ComplianceMonitor monitor = monitor(registry);
    monitor.reconcile(domain());

    clock.move(Duration.ofSeconds(30));
    monitor.notChecked(domain());
    assertThat(verdictSeries()).isZero();
    assertThat(lastCheck()).isEqualTo(T0.getEpochSecond());

    assertThat(monitor.reconcile(domain()).conditionStatus()).as("checked again at once").isEqualTo("True");
    assertThat(verdictSeries()).isPositive();
    assertThat(lastCheck()).isEqualTo(T0.plusSeconds(30).getEpochSecond());
  }

  /**
   * A domain on a MailTransport: the fleet's MX endpoints are the transport's own domain's to
   * export, once; the attached domain keeps its verdict and the series about its own names.
   */
  @Test
  void aDomainOnAFleetLeavesTheSeriesOfTheFleetsHostsToTheFleet() {
    ComplianceMonitor monitor = monitor(registry);
    SecureMailDomain attached = domain();
    attached.getSpec().setTransport(new TransportRef("fleet", "provider"));
    attached.getSpec().setMx(List.of(new MxHost("mx1.example.com", 10)));

    monitor.reconcile(attached);

    assertThat(registry.get(ComplianceMetrics.COMPLIANT).tag("domain", "example.com").gauge().value()).isEqualTo(1);
    assertThat(registry.find(ComplianceMetrics.CHECK_STATUS).gauges()).isNotEmpty()
        .filteredOn(g -> g.getId().getTag("subject").startsWith("mx1.example.com"))
        .as("about the fleet's host, only whether the domain's own policy lists it")
        .allSatisfy(g -> assertThat(g.getId().getTag("check")).isEqualTo("mtasts.mx"));
    assertThat(registry.find(ComplianceMetrics.CHECK_STATUS).tags("check", "dns.mx", "subject", "example.com")
        .gauge()).isNotNull();
    assertThat(registry.find(ComplianceMetrics.CHECK_STATUS).tags("check", "dane.match").gauges()).isEmpty();
    assertThat(registry.find(ComplianceMetrics.CERTIFICATE_EXPIRY).gauges()).isEmpty();

    // The same domain on its own MX hosts exports them.
    monitor.forget(attached);
    monitor.reconcile(domain());
    assertThat(registry.find(ComplianceMetrics.CHECK_STATUS).tags("check", "dane.match").gauges()).isNotEmpty();
    assertThat(registry.find(ComplianceMetrics.CERTIFICATE_EXPIRY).gauges()).isNotEmpty();
  }

  @Test
  void aResultIsTheFleetsWhenItsSubjectIsAFleetHostOrOneOfItsEndpoints() {
    Set<String> fleet = Set.of("mx1.fleet.test");
    assertThat(ComplianceMetrics.aboutFleetHost(result("dane.match", "mx1.fleet.test[127.0.3.20]"), fleet)).isTrue();
    assertThat(ComplianceMetrics.aboutFleetHost(result("dnssec.mx", "MX1.fleet.test."), fleet)).isTrue();
    assertThat(ComplianceMetrics.aboutFleetHost(result("mtasts.mx", "mx1.fleet.test"), fleet))
        .as("whether the domain's own policy lists the host").isFalse();
    assertThat(ComplianceMetrics.aboutFleetHost(result("cert.caa", "mta-sts.example.com"), fleet)).isFalse();
    assertThat(ComplianceMetrics.aboutFleetHost(result("dane.match", "mx1.fleet.test[127.0.3.20]"), Set.of()))
        .isFalse();
  }

  private static CheckResult result(String id, String subject) {
    return new CheckResult(id, subject, CheckStatus.pass, "");
  }

  @Test
  void aDeletedDomainTakesEverySeriesWithIt() {
    ComplianceMonitor monitor = monitor(registry);
    monitor.reconcile(domain());
    monitor.forget(domain());

    assertThat(registry.find(ComplianceMetrics.CHECK_STATUS).gauges()).isEmpty();
    assertThat(registry.find(ComplianceMetrics.CERTIFICATE_EXPIRY).gauges()).isEmpty();
    assertThat(registry.find(ComplianceMetrics.LAST_CHECK).gauges()).isEmpty();
  }

  @Test
  void prometheusSeesTheNamesTheDocsAndAlertsUse() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    monitor(prometheus).reconcile(domain());

    assertThat(prometheus.scrape())
        .contains("securemail_compliance_last_check_timestamp_seconds{name=\"example-com\",namespace=\"mail\",} "
            + (double) T0.getEpochSecond())
        .contains("securemail_compliance_compliant{")
        .contains("securemail_compliance_check_status{");
  }
}
