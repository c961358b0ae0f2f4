package io.securemail.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.ComplianceStatus;
import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComplianceOutcomeTest {

  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

  static Report report(CheckResult... results) {
    return new Report("example.com", Profile.RFC, List.of(results));
  }

  @Test
  void aFailingCheckMakesTheDomainNotCompliantWithTheCheckIdAsReason() {
    var outcome = ComplianceMonitor.outcome(null, report(
        CheckResult.pass("dns.mx", "example.com", "ok"),
        CheckResult.fail("dane.match", "mx1.example.com[192.0.2.1]", "served SPKI ab12, published cd34")),
        T0, Duration.ofMinutes(5));

    assertThat(outcome.conditionStatus()).isEqualTo("False");
    assertThat(outcome.reason()).isEqualTo("DaneMatch");
    assertThat(outcome.message()).contains("dane.match").contains("served SPKI ab12");
    assertThat(outcome.status().getChecks()).extracting(ComplianceStatus.CheckResult::getStatus)
        .containsExactly("pass", "fail");
    assertThat(outcome.status().getLastChanged()).isEqualTo("2026-11-25T12:00:00Z");
  }

  @Test
  void unchangedResultsKeepLastChangedAndGiveNoTransitions() {
    var first = ComplianceMonitor.outcome(null, report(CheckResult.pass("dns.mx", "example.com", "ok")), T0,
        Duration.ofMinutes(5));
    var again = ComplianceMonitor.outcome(first.status(), report(CheckResult.pass("dns.mx", "example.com", "ok")),
        T0.plusSeconds(300), Duration.ofMinutes(5));

    assertThat(again.status().getLastChanged()).isEqualTo(first.status().getLastChanged());
    assertThat(again.transitions()).isEmpty();
    assertThat(again.conditionStatus()).isEqualTo("True");
    assertThat(again.reason()).isEqualTo("Compliant");
  }

  @Test
  void passToFailAndBackAreTransitionsButWarningsAreNot() {
    var passing = ComplianceMonitor.outcome(null, report(
        CheckResult.pass("dane.match", "mx1", "ok"), CheckResult.pass("mtasts.mode", "example.com", "enforce")), T0,
        Duration.ofMinutes(5));
    var failing = ComplianceMonitor.outcome(passing.status(), report(
        CheckResult.fail("dane.match", "mx1", "mismatch"), CheckResult.warn("mtasts.mode", "example.com", "testing")),
        T0.plusSeconds(300), Duration.ofMinutes(5));
    var healed = ComplianceMonitor.outcome(failing.status(), report(
        CheckResult.pass("dane.match", "mx1", "ok"), CheckResult.warn("mtasts.mode", "example.com", "testing")),
        T0.plusSeconds(600), Duration.ofMinutes(5));

    assertThat(failing.transitions()).singleElement()
        .satisfies(t -> assertThat(t).extracting(CheckTransition::id, CheckTransition::failed).containsExactly("dane.match", true));
    assertThat(healed.transitions()).singleElement()
        .satisfies(t -> assertThat(t.failed()).isFalse());
    assertThat(healed.status().getLastChanged()).isEqualTo("2026-11-25T12:10:00Z");
  }
}
