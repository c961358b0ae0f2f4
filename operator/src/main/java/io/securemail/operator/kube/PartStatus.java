package io.securemail.operator.kube;

import io.securemail.operator.api.SecureMailDomain;
import java.time.Duration;
import java.time.Instant;

/**
 * What one part of a domain (certificates, DNS, MTA-STS, MTA) reports, in the one shape the status
 * combines: its condition, the sentence it adds to Ready, whether it failed (something outside
 * refused, as opposed to work in progress), and when it wants to look again.
 *
 * @param condition the condition type, e.g. {@code DnsPublished}
 * @param status {@link Conditions#TRUE} or {@link Conditions#FALSE}
 * @param reason one CamelCase word
 * @param message one or more sentences for a person
 * @param summary what Ready says of this part
 * @param failed whether Ready should carry this part's reason (a failure, not progress)
 * @param stalled whether only a person can move it on (a wrong key, a missing issuer), so that
 *     GitOps tools report the domain as failed rather than wait for it
 * @param retryAfter when to look again (null: no hurry)
 */
public record PartStatus(String condition, String status, String reason, String message, String summary,
    boolean failed, boolean stalled, Duration retryAfter) {

  /**
   * A part's status with Ready's usual sentence: {@code done} when True, "Waiting for
   * {@code what}: message." when False.
   */
  public static PartStatus of(String condition, String status, String reason, String message, Duration retryAfter,
      String done, String what) {
    boolean ok = Conditions.TRUE.equals(status);
    return new PartStatus(condition, status, reason, message, ok ? done : "Waiting for " + what + ": "
        + sentence(message), false, false, retryAfter);
  }

  public boolean ok() {
    return Conditions.TRUE.equals(status);
  }

  /** The same, telling Ready that this part failed. */
  public PartStatus failing() {
    return new PartStatus(condition, status, reason, message, summary, true, stalled, retryAfter);
  }

  /** The same, stalled while its reason is one of {@code reasons}: it waits for a person. */
  public PartStatus stalledOn(java.util.Set<String> reasons) {
    return ok() || !reasons.contains(reason) ? this
        : new PartStatus(condition, status, reason, message, summary, failed, true, retryAfter);
  }

  /**
   * The same, looked at less and less often while it stays False ({@link Backoff}): an outage is
   * neither hammered nor noticed late.
   */
  public PartStatus backedOff(SecureMailDomain domain, Instant now) {
    return backedOff(domain, null, now);
  }

  /**
   * The same, with the wait counted from {@code changed} instead when that is later: what is waited
   * for was changed then (its new state has not been looked at long), so it is looked at again
   * soon, not at the pace of the wait before.
   */
  public PartStatus backedOff(SecureMailDomain domain, Instant changed, Instant now) {
    if (ok() || retryAfter == null) {
      return this;
    }
    Instant since = Conditions.since(domain, condition, status);
    if (since != null && changed != null && changed.isAfter(since)) {
      since = changed;
    }
    return new PartStatus(condition, status, reason, message, summary, failed, stalled,
        Backoff.next(retryAfter, since, now));
  }

  private static String sentence(String message) {
    String trimmed = message.strip();
    return trimmed.endsWith(".") ? trimmed : trimmed + ".";
  }
}
