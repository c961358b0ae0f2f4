package io.securemail.operator.mtasts;

import io.securemail.operator.api.SecureMailDomain;

import io.securemail.operator.kube.PartStatus;

import io.securemail.operator.api.DnsRecordStatus;
import io.securemail.operator.api.MtaStsSpec;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.dns.MtaStsRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The MTA-STS step of a reconcile, and the {@code MtaStsPolicyServed} condition it leads to once
 * the DNS step has observed the TXT record.
 *
 * @param step what is published and pending; when the server could not be updated, what was
 *     published before stays published
 * @param failureReason why the server could not be updated (with {@code failureMessage}), or null
 * @param waitingFor why the policy is not served, in words a mail admin can act on
 * @param serverChanged when the policy server was last handed a change of this domain's entries
 *     (null: not by this process), from which a wait for it to serve them is counted
 */
public record MtaStsOutcome(SecureMailDomainSpec spec, PolicyStep step, String failureReason, String failureMessage,
    String waitingFor, Duration retryAfter, Instant serverChanged) {

  public static final String CONDITION = "MtaStsPolicyServed";

  /** What the DNS step publishes for MTA-STS. */
  public MtaStsRecords records() {
    boolean inUse = step.target() != null || step.published() != null;
    return new MtaStsRecords(step.txtRecord(), step::allowsMx,
        inUse ? spec.getMtaSts().getPolicyHost() : null);
  }

  /** status.mtaSts and MtaStsPolicyServed, once the DNS step has observed the records. */
  /**
   * The announcement as the DNS part observed it: the TXT record's visibility moves the policy's
   * transitions on (a withdrawal's clock starts once the record is seen), and MtaStsPolicyServed
   * is judged.
   */
  public Observed observe(List<DnsRecordStatus> records, SecureMailDomain domain, java.time.Instant now) {
    PolicyStep seen = step.withTxtObserved(txtSeen(records), now);
    MtaStsOutcome outcome = new MtaStsOutcome(spec, seen, failureReason, failureMessage, waitingFor, retryAfter,
        serverChanged);
    Condition condition = outcome.condition(records);
    PartStatus part = PartStatus.of(CONDITION, condition.status(), condition.reason(), condition.message(),
        retryAfter, "MTA-STS policy served.", "the MTA-STS policy");
    // A policy server that stays unreachable is asked less and less often, as a failing DNS server is;
    // the wait counts from the last change handed to it (a certificate issued late, a new policy).
    return new Observed(seen.status(), step.served() ? part : part.backedOff(domain, serverChanged, now));
  }

  /** status.mtaSts and MtaStsPolicyServed after the observation. */
  public record Observed(io.securemail.operator.api.MtaStsStatus status, PartStatus part) {}

  private boolean txtSeen(List<DnsRecordStatus> records) {
    return step.published() != null && records.stream().anyMatch(r -> "TXT".equals(r.getType())
        && r.getName().equalsIgnoreCase("_mta-sts." + spec.getDomain() + ".")
        && r.getValue().contains("id=" + step.published().id())
        && r.getState() == DnsRecordStatus.State.Published);
  }

  /** status, reason, message of MtaStsPolicyServed, given the DNS step's record states. */
  Condition condition(List<DnsRecordStatus> records) {
    if (failureReason != null) {
      return new Condition("False", failureReason, failureMessage);
    }
    String url = "https://mta-sts." + spec.getDomain() + "/.well-known/mta-sts.txt";
    if (step.target() == null) {
      return new Condition("True", "NotInUse", "MTA-STS is not in use (mode none): no policy and no _mta-sts "
          + "record are published.");
    }
    if (!step.served()) {
      return new Condition("False", "PolicyNotServed", url + " does not serve policy " + step.target().id()
          + " yet: " + waitingFor + ". The _mta-sts record keeps announcing "
          + (step.published() == null ? "nothing" : "policy " + step.published().id()) + " until it does.");
    }
    if (!txtSeen(records)) {
      return new Condition("False", "TxtRecordPending", "Policy " + step.target().id() + " is served at " + url
          + "; its _mta-sts TXT record is not yet visible through the resolver.");
    }
    if (step.target().mode() == MtaStsSpec.Mode.NONE) {
      return new Condition("True", "Withdrawing", "A 'none' policy (" + step.target().id() + ") is served at "
          + url + " and announced; the policy and the _mta-sts record are removed at " + step.withdrawAt()
          + " (RFC 8461 section 8.3).");
    }
    return new Condition("True", "Served", "Policy " + step.target().id() + " (mode "
        + PolicyDocument.modeName(step.target().mode()) + ", max_age " + step.target().maxAge() + ") is served at "
        + url + " and announced in _mta-sts." + spec.getDomain() + ".");
  }

  public record Condition(String status, String reason, String message) {}
}
