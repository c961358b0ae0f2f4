package io.securemail.operator.dns;

import io.securemail.operator.kube.PartStatus;

import io.securemail.operator.api.DnsRecordStatus;
import io.securemail.operator.api.DnsTargetStatus;
import java.time.Duration;
import java.util.List;

/**
 * What one DNS step found: the records with their observed state, the new ownership ledger, the
 * DnsPublished condition, and when to look again.
 *
 * @param retryAfter null when everything is published and observed
 */
public record DnsOutcome(List<DnsRecordStatus> records, List<DnsRecordStatus> ledger, DnsTargetStatus publishedTo,
    String status, String reason, String message, Duration retryAfter) {

  public static final String CONDITION = "DnsPublished";

  public boolean published() {
    return "True".equals(status);
  }

  /** Everything is published, but not every record is visible through the resolver yet. */
  public boolean onItsWay() {
    return "NotYetObserved".equals(reason);
  }

  /** A failure the user must act on (wrong key, unreachable server), as opposed to waiting. */
  public boolean failed() {
    return !published() && !onItsWay();
  }

  /**
   * DnsPublished, as status combines it: a failure (the server refused, a foreign record) names
   * Ready's reason; a record not yet visible is progress.
   */
  public PartStatus part() {
    PartStatus part = PartStatus.of(CONDITION, status, reason, message, retryAfter, "DNS records published.", "DNS")
        .stalledOn(STALLED);
    return failed() ? part.failing() : part;
  }

  /**
   * Reasons only a person can resolve (a key, a grant, a zone, a record someone else owns, a zone to
   * sign or a DS record to fix); an unreachable server or a failed update is retried and may pass on
   * its own.
   */
  static final java.util.Set<String> STALLED = java.util.Set.of(DnsFailure.Reason.TsigRejected.name(),
      DnsFailure.Reason.UpdateRefused.name(), DnsFailure.Reason.ZoneNotFound.name(),
      DnsFailure.Reason.DnsOwnedElsewhere.name(), DnsFailure.Reason.OwnerIdUnknown.name(),
      DnsFailure.Reason.DnsServerNotAllowed.name(), "ForeignRecordConflict", "ExternalDnsNotInstalled",
      DnssecRequirement.BOGUS, DnssecRequirement.INSECURE);
}
