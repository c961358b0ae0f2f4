package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.mtasts.Parsed;
import io.securemail.operator.compliance.mtasts.StsPolicy;
import java.time.Instant;
import java.util.List;

/**
 * mtasts.policy: the policy is fetched over HTTPS without redirects, with a valid certificate, as
 * text/plain, within the size limit, and parses (RFC 8461 sections 3.2 and 3.3).
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
    return List.of(CheckResult.pass(ID, host, "mode " + p.mode() + ", max_age " + p.maxAge() + ", mx "
        + (p.mx().isEmpty() ? "(none)" : String.join(", ", p.mx()))));
  }
}
