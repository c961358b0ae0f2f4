package io.securemail.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainStatus;
import io.securemail.operator.compliance.ComplianceEngine;
import io.securemail.operator.compliance.ComplianceOptions;
import io.securemail.operator.compliance.FakeWorld;
import io.securemail.operator.compliance.Probes;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnssecState;
import io.securemail.operator.observe.FaultThreshold;
import io.securemail.operator.observe.HeldAnswers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A resolver that times out now and then is no news: the verdict, the check results and their
 * messages stay exactly as they were, so status is not rewritten. One that stops answering makes
 * the domain Unknown/CannotCheck, but only after three checks and two intervals.
 */
class ComplianceFaultHoldTest {

  /**
   * An hour after the fake world's certificates were made: their remaining validity, which
   * cert.expiry states in whole days, stays the same for the hours this test moves on.
   */
  private static final Instant T0 = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
  private static final Duration INTERVAL = Duration.ofMinutes(5);

  /** How the resolver behaves: answers, drops every other question (each name on its own), or is down. */
  enum Resolver { ANSWERS, DROPS_EVERY_OTHER, DOWN }

  private final AtomicReference<Resolver> resolver = new AtomicReference<>(Resolver.ANSWERS);
  private final Map<String, Integer> asked = new ConcurrentHashMap<>();
  private final FakeWorld world = FakeWorld.compliantDomain("example.com", "mx1.example.com");
  private final MovableClock clock = new MovableClock(T0);
  private final KubernetesSerialization json = new KubernetesSerialization();

  private ComplianceMonitor monitor() {
    ComplianceEngine engine = new ComplianceEngine(options -> {
      Probes p = world.create(options);
      return new Probes(flaky(p.dns()), p.smtp(), p.policy(), p.roots());
    }, clock);
    return new ComplianceMonitor(engine, ComplianceOptions.defaults(), 1, new SimpleMeterRegistry(), clock,
        new HeldAnswers(FaultThreshold.DEFAULT, clock));
  }

  private DnsProbe flaky(DnsProbe dns) {
    return (name, type) -> {
      int n = asked.merge(name + " " + type, 1, Integer::sum);
      boolean drop = resolver.get() == Resolver.DOWN || (resolver.get() == Resolver.DROPS_EVERY_OTHER && n % 2 == 0);
      return drop ? DnsAnswer.failed(name, type, DnsAnswer.Outcome.UNREACHABLE, DnssecState.indeterminate,
          "resolver 192.0.2.53:53 did not answer: no answer within 5 s") : dns.lookup(name, type);
    };
  }

  /** The domain as the next reconcile reads it: with the status the previous outcome left. */
  private SecureMailDomain withStatus(SecureMailDomain domain, ComplianceOutcome outcome) {
    SecureMailDomainStatus status = domain.getStatus() == null ? new SecureMailDomainStatus() : domain.getStatus();
    status.setCompliance(outcome.status());
    if (outcome.conditionStatus() != null) {
      status.setConditions(List.of(new ConditionBuilder().withType(ComplianceOutcome.CONDITION)
          .withStatus(outcome.conditionStatus()).withReason(outcome.reason()).withMessage(outcome.message()).build()));
    }
    domain.setStatus(status);
    return domain;
  }

  /** What of the outcome status would show: status.compliance and the Compliant condition. */
  private String shown(ComplianceOutcome outcome) {
    return json.asJson(outcome.status()) + " " + outcome.conditionStatus() + " " + outcome.reason() + " "
        + outcome.message();
  }

  @Test
  void aResolverThatDropsEveryOtherQuestionChangesNothing() {
    ComplianceMonitor monitor = monitor();
    SecureMailDomain domain = ComplianceMetricsTest.domain();
    ComplianceOutcome settled = monitor.reconcile(domain);
    assertThat(settled.conditionStatus()).isEqualTo("True");
    withStatus(domain, settled);

    resolver.set(Resolver.DROPS_EVERY_OTHER);
    for (int check = 1; check <= 8; check++) {
      clock.move(INTERVAL.plusSeconds(31));
      ComplianceOutcome outcome = monitor.reconcile(domain);
      assertThat(shown(outcome)).as("check %d", check).isEqualTo(shown(settled));
      assertThat(outcome.transitions()).isEmpty();
    }
    assertThat(asked.get("mx1.example.com A")).as("lookups, half of them dropped").isGreaterThanOrEqualTo(8);
  }

  @Test
  void aResolverThatStopsAnsweringMakesTheDomainUnknownAfterTheThreshold() {
    ComplianceMonitor monitor = monitor();
    SecureMailDomain domain = ComplianceMetricsTest.domain();
    ComplianceOutcome settled = monitor.reconcile(domain);
    withStatus(domain, settled);

    resolver.set(Resolver.DOWN);
    clock.move(INTERVAL.plusSeconds(31));
    assertThat(shown(monitor.reconcile(domain))).as("first fault").isEqualTo(shown(settled));
    clock.move(INTERVAL.plusSeconds(31));
    assertThat(shown(monitor.reconcile(domain))).as("second fault").isEqualTo(shown(settled));
    clock.move(INTERVAL.plusSeconds(31));
    ComplianceOutcome unknown = monitor.reconcile(domain);
    assertThat(unknown.conditionStatus()).isEqualTo("Unknown");
    assertThat(unknown.reason()).isEqualTo("CannotCheck");
    assertThat(unknown.message()).contains("could not be checked", "did not answer");

    resolver.set(Resolver.ANSWERS);
    clock.move(INTERVAL.plusSeconds(31));
    assertThat(monitor.reconcile(domain).conditionStatus()).as("back at the first answer").isEqualTo("True");
  }

  /** With no verdict to keep, a resolver that does not answer is reported at once. */
  @Test
  void aDomainNeverCheckedCannotBeCheckedAtOnce() {
    resolver.set(Resolver.DOWN);
    assertThat(monitor().reconcile(ComplianceMetricsTest.domain()).reason()).isEqualTo("CannotCheck");
  }
}
