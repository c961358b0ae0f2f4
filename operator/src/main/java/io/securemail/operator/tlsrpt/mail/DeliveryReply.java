package io.securemail.operator.tlsrpt.mail;

import io.securemail.operator.tlsrpt.ReportIntake.Outcome;
import io.securemail.operator.tlsrpt.ReportIntake.Verdict;
import java.util.List;

/**
 * The LMTP reply for one recipient after DATA (RFC 2033 section 4.2), from what became of the
 * message's reports. A permanent 5xx for what no retry can change (malformed, too large, not ours:
 * the sender's MTA bounces it instead of retrying for days), a temporary 4xx for a fault on this
 * side, so the MTA keeps the mail and retries. Enhanced status codes are RFC 3463's.
 *
 * <p>A replica that does not lead answers 451 4.3.0 (RFC 2033 section 4.2: one reply per
 * recipient, a 4xx keeps the message queued): the MTA delivers again, and the Service then leads
 * it to the leader. A report over a quota is 552 5.2.2 (RFC 3463 X.2.2, mailbox full) and bounces:
 * a 4xx would keep a flood in the domain's own MTA queue, retried for days, beside its real mail.
 */
final class DeliveryReply {

  private DeliveryReply() {}

  static String tooLarge(int limit) {
    return "552 5.3.4 message larger than the report receiver's limit of " + limit + " bytes";
  }

  static String noReport() {
    return "554 5.6.0 no application/tlsrpt+gzip or application/tlsrpt+json part (RFC 8460 section 5.3)";
  }

  static String unreadable(String why) {
    return "554 5.6.0 " + oneLine(why);
  }

  static String internalError() {
    return "451 4.3.0 the report receiver failed, try again later";
  }

  /** The reply for the outcomes of all report parts of the message, for one recipient's domain. */
  static String of(List<Outcome> outcomes) {
    for (Outcome outcome : outcomes) {
      Verdict verdict = outcome.verdict();
      String reason = oneLine(outcome.reason() == null ? "" : outcome.reason());
      switch (verdict) {
        case ACCEPTED, DUPLICATE -> { }
        case MALFORMED -> { return "554 5.6.0 malformed report: " + reason; }
        case TOO_LARGE -> { return "552 5.3.4 report too large: " + reason; }
        case NOT_OURS -> { return "550 5.1.2 not a domain of this receiver: " + reason; }
        case OVER_QUOTA -> { return "552 5.2.2 report quota reached: " + reason; }
        case UNAVAILABLE -> { return "451 4.3.0 " + reason; }
        default -> { return internalError(); }
      }
    }
    boolean allDuplicates = outcomes.stream().allMatch(o -> o.verdict() == Verdict.DUPLICATE);
    return allDuplicates ? "250 2.0.0 report already received" : "250 2.0.0 report accepted";
  }

  /** Reply text on one line of printable ASCII, not too long for a reply line. */
  private static String oneLine(String text) {
    String clean = text.replaceAll("[^\\x20-\\x7e]", " ").strip();
    return clean.length() > 400 ? clean.substring(0, 400) : clean;
  }
}
