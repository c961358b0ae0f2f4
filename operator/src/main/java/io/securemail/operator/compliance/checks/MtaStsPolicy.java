package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.mtasts.Parsed;
import io.securemail.operator.compliance.mtasts.StsPolicy;
import io.securemail.operator.compliance.mtasts.StsTxtRecord;
import java.time.Instant;
import java.util.List;

/**
 * mtasts.policy: the policy is fetched over HTTPS without redirects, with a valid certificate, as
 * text/plain, within the size limit, and parses (RFC 8461 sections 3.2 and 3.3). A valid policy
 * behind more than one (or an invalid) v=STSv1 record is a warning, not a pass: senders never fetch
 * it (RFC 8461 section 3.1).
 */
final class MtaStsPolicy implements Check {

  static final String ID = "mtasts.policy";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    String host = "mta-sts." + o.domain();
    if (o.policy() == null) {
      return List.of(CheckResult.skip(ID, host, "no v=STSv1 TXT record, so senders do not fetch a policy"));
    }
    if (!o.policy().ok()) {
      return List.of(CheckResult.fail(ID, host, o.policy().url() + ": " + o.policy().failure()));
    }
    Parsed<StsPolicy> policy = StsPolicy.parse(o.policy().body());
    if (!policy.ok()) {
      return List.of(CheckResult.fail(ID, host, "the policy at " + o.policy().url() + " is not valid: "
          + policy.error() + " (RFC 8461 section 3.2)"));
    }
    StsPolicy p = policy.value();
    String summary = "mode " + p.mode() + ", max_age " + p.maxAge() + ", mx "
        + (p.mx().isEmpty() ? "(none)" : String.join(", ", p.mx()));
    if (Facts.stsRecord(o).isEmpty()) {
      // A valid policy is not enough: senders fetch it only after finding exactly one valid record.
      int records = StsTxtRecord.candidates(o.mtaStsTxt().data()).size();
      return List.of(CheckResult.warn(ID, host, summary + ", but not in effect: " + (records > 1
          ? records + " v=STSv1 TXT records make senders ignore MTA-STS (RFC 8461 section 3.1)"
          : "the v=STSv1 TXT record is not valid, so senders ignore MTA-STS (RFC 8461 section 3.1)")
          + "; see mtasts.record"));
    }
    return List.of(CheckResult.pass(ID, host, summary));
  }
}
