package io.securemail.operator.observe;

import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnssecState;
import java.time.Duration;
import java.time.Instant;

/**
 * The last definite answer to one DNS question and the faults seen since: what is reported while a
 * resolver times out now and then. A definite answer (records, no records, no such name, or a
 * DNSSEC verdict such as bogus) is always reported and ends any streak of faults. A fault is
 * reported in place of the held answer only once its streak reaches the {@link FaultThreshold};
 * with no definite answer known, there is nothing to hold and the fault is reported at once.
 *
 * @param definite the last definite answer (null: none yet)
 * @param faults faults in a row since then
 * @param firstFault when the streak began (null: no streak)
 */
public record HeldAnswer(DnsAnswer definite, int faults, Instant firstFault) {

  /** What one lookup gives: the answer to report, what to keep, and whether the answer was held back. */
  public record Step(DnsAnswer reported, HeldAnswer kept, boolean holding) {}

  /**
   * Whether an answer says nothing about the name: the resolver did not answer, or answered with an
   * error that is not a DNSSEC verdict (SERVFAIL for an unreachable authority or a network error,
   * REFUSED). A bogus SERVFAIL is a verdict: validating senders see it too (RFC 4035 section 5.5).
   */
  public static boolean fault(DnsAnswer answer) {
    return answer.outcome() == DnsAnswer.Outcome.UNREACHABLE
        || (answer.outcome() == DnsAnswer.Outcome.ERROR && answer.dnssec() == DnssecState.indeterminate);
  }

  /** One lookup's step from {@code before} (null: nothing known), given its fresh answer. */
  public static Step next(HeldAnswer before, DnsAnswer fresh, Instant now, FaultThreshold threshold,
      Duration interval) {
    if (!fault(fresh)) {
      return new Step(fresh, new HeldAnswer(fresh, 0, null), false);
    }
    if (before == null || before.definite() == null) {
      return new Step(fresh, new HeldAnswer(null, 0, null), false);
    }
    int faults = before.faults() + 1;
    Instant since = before.firstFault() == null ? now : before.firstFault();
    HeldAnswer kept = new HeldAnswer(before.definite(), faults, since);
    if (threshold.reached(faults, since, now, interval)) {
      return new Step(fresh, kept, false);
    }
    return new Step(before.definite(), kept, true);
  }
}
