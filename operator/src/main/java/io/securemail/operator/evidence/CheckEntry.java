package io.securemail.operator.evidence;

/**
 * One check's verdict in a compliance run.
 *
 * @param status pass, warn, fail or skip
 */
public record CheckEntry(String id, String subject, String status, String message) {

  /** Whether two verdicts are the same for collapsing runs: the message may differ (an expiry count, a time). */
  boolean sameVerdict(CheckEntry other) {
    return java.util.Objects.equals(id, other.id) && java.util.Objects.equals(subject, other.subject)
        && java.util.Objects.equals(status, other.status);
  }
}
