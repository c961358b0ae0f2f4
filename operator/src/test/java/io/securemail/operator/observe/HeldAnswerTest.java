package io.securemail.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnssecState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What one lookup reports after earlier ones: a resolver fault shows the last definite answer until
 * it has lasted three attempts and two check intervals; anything the resolver stood behind is
 * reported at once.
 */
class HeldAnswerTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration INTERVAL = Duration.ofMinutes(5);
  private static final DnsAnswer SECURE = DnsAnswer.of("_25._tcp.mx1.example.com", "TLSA", DnssecState.secure,
      "3 1 1 ab12");
  private static final DnsAnswer TIMEOUT = DnsAnswer.failed("_25._tcp.mx1.example.com", "TLSA",
      DnsAnswer.Outcome.UNREACHABLE, DnssecState.indeterminate, "resolver 192.0.2.53:53 did not answer: no answer within 5 s");

  private HeldAnswer.Step at(HeldAnswer before, DnsAnswer fresh, Duration after) {
    return HeldAnswer.next(before, fresh, T0.plus(after), FaultThreshold.DEFAULT, INTERVAL);
  }

  @Test
  void aTimeoutBetweenAnswersIsNeverReported() {
    HeldAnswer held = at(null, SECURE, Duration.ZERO).kept();
    for (int attempt = 1; attempt <= 20; attempt++) {
      HeldAnswer.Step step = at(held, attempt % 2 == 0 ? SECURE : TIMEOUT, INTERVAL.multipliedBy(attempt));
      assertThat(step.reported()).as("attempt %d", attempt).isEqualTo(SECURE);
      held = step.kept();
    }
  }

  @Test
  void aLastingFaultIsReportedOnceItSpansThreeAttemptsAndTwoIntervals() {
    HeldAnswer held = at(null, SECURE, Duration.ZERO).kept();
    HeldAnswer.Step first = at(held, TIMEOUT, Duration.ofMinutes(5));
    HeldAnswer.Step second = at(first.kept(), TIMEOUT, Duration.ofMinutes(10));
    HeldAnswer.Step third = at(second.kept(), TIMEOUT, Duration.ofMinutes(15));

    assertThat(first.reported()).isEqualTo(SECURE);
    assertThat(first.holding()).isTrue();
    assertThat(second.reported()).isEqualTo(SECURE);
    assertThat(third.reported()).as("three in a row, ten minutes after the first").isEqualTo(TIMEOUT);
    assertThat(third.holding()).isFalse();
    assertThat(at(third.kept(), TIMEOUT, Duration.ofMinutes(20)).reported()).as("and from then on").isEqualTo(TIMEOUT);
  }

  /** Three quick attempts (reconciles close together) are not two intervals: still held. */
  @Test
  void manyFaultsWithinTwoIntervalsAreStillHeld() {
    HeldAnswer held = at(null, SECURE, Duration.ZERO).kept();
    for (int attempt = 1; attempt <= 10; attempt++) {
      HeldAnswer.Step step = at(held, TIMEOUT, Duration.ofMinutes(1).plusSeconds(attempt * 50L));
      assertThat(step.reported()).as("attempt %d", attempt).isEqualTo(SECURE);
      held = step.kept();
    }
    assertThat(at(held, TIMEOUT, Duration.ofMinutes(12)).reported()).as("ten minutes after the first").isEqualTo(TIMEOUT);
  }

  /** Attempts alone are not enough either: two faults an hour apart are still only two. */
  @Test
  void twoFaultsAreHeldHoweverFarApart() {
    HeldAnswer held = at(null, SECURE, Duration.ZERO).kept();
    HeldAnswer.Step second = at(at(held, TIMEOUT, Duration.ofMinutes(5)).kept(), TIMEOUT, Duration.ofHours(1));
    assertThat(second.reported()).isEqualTo(SECURE);
  }

  @Test
  void aDefiniteAnswerEndsTheStreak() {
    HeldAnswer held = at(null, SECURE, Duration.ZERO).kept();
    held = at(held, TIMEOUT, Duration.ofMinutes(5)).kept();
    held = at(held, TIMEOUT, Duration.ofMinutes(10)).kept();
    held = at(held, SECURE, Duration.ofMinutes(15)).kept();
    assertThat(held.faults()).isZero();
    assertThat(at(held, TIMEOUT, Duration.ofMinutes(20)).reported()).as("a new streak starts").isEqualTo(SECURE);
  }

  @Test
  void withNothingKnownAFaultIsReportedAtOnce() {
    assertThat(at(null, TIMEOUT, Duration.ZERO).reported()).isEqualTo(TIMEOUT);
  }

  /** A real change is news at once: a record gone, a zone gone bogus, a name that no longer exists. */
  @Test
  void definiteAnswersAreReportedAtOnceWhateverTheyAre() {
    HeldAnswer held = at(null, SECURE, Duration.ZERO).kept();
    DnsAnswer bogus = DnsAnswer.failed(SECURE.name(), "TLSA", DnsAnswer.Outcome.ERROR, DnssecState.bogus,
        "SERVFAIL (dnssec bogus)");
    DnsAnswer gone = DnsAnswer.nxdomain(SECURE.name(), "TLSA", DnssecState.secure);
    DnsAnswer insecure = DnsAnswer.of(SECURE.name(), "TLSA", DnssecState.insecure, "3 1 1 ab12");
    for (DnsAnswer news : new DnsAnswer[] {bogus, gone, insecure}) {
      assertThat(at(held, news, Duration.ofMinutes(5)).reported()).isEqualTo(news);
    }
  }

  @Test
  void faultsAreTheAnswersTheResolverDidNotStandBehind() {
    assertThat(HeldAnswer.fault(TIMEOUT)).isTrue();
    assertThat(HeldAnswer.fault(DnsAnswer.failed("example.com", "MX", DnsAnswer.Outcome.ERROR,
        DnssecState.indeterminate, "SERVFAIL (no reachable authority)"))).isTrue();
    assertThat(HeldAnswer.fault(DnsAnswer.failed("example.com", "MX", DnsAnswer.Outcome.ERROR, DnssecState.bogus,
        "SERVFAIL"))).isFalse();
    assertThat(HeldAnswer.fault(DnsAnswer.of("example.com", "MX", DnssecState.insecure))).isFalse();
  }

  @Test
  void theLabMayLowerTheThreshold() {
    FaultThreshold quick = new FaultThreshold(2, 0);
    HeldAnswer held = HeldAnswer.next(null, SECURE, T0, quick, INTERVAL).kept();
    HeldAnswer.Step first = HeldAnswer.next(held, TIMEOUT, T0.plusSeconds(1), quick, INTERVAL);
    HeldAnswer.Step second = HeldAnswer.next(first.kept(), TIMEOUT, T0.plusSeconds(2), quick, INTERVAL);
    assertThat(first.reported()).isEqualTo(SECURE);
    assertThat(second.reported()).isEqualTo(TIMEOUT);
  }
}
