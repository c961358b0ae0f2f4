package io.securemail.operator.dns;

import io.securemail.operator.kube.PartStatus;

import io.securemail.operator.api.DnsRecordStatus;
import java.time.Duration;
import java.util.List;

/**
 * What one DNS step found: the records with their observed state, the new ownership ledger, the
 * DnsPublished condition, and when to look again.
 *
 * @param retryAfter null when everything is published and observed
 */
public record DnsOutcome(List<DnsRecordStatus> records, List<DnsRecordStatus> ledger, String status, String reason,
    String message, Duration retryAfter) {

  public static final String CONDITION = "DnsPublished";

  public boolean published() {
    return "True".equals(status);
  }

  /** A failure the user must act on (wrong key, unreachable server), as opposed to waiting. */
  public boolean failed() {
    return !published() && !"NotYetObserved".equals(reason);
  }

  /**
   * DnsPublished, as status combines it: a failure (the server refused, a foreign record) names
   * Ready's reason; a record not yet visible is progress.
   */
  public PartStatus part() {
    PartStatus part = PartStatus.of(CONDITION, status, reason, message, retryAfter, "DNS records published.", "DNS");
    return failed() ? part.failing() : part;
  }
}
