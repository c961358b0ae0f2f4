package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.MxObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.mtasts.StsPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * mtasts.mx: every MX host matches an {@code mx} pattern of the policy (RFC 8461 section 4.1). In
 * enforce mode senders will not deliver to a host that does not match; in testing mode they deliver
 * and report.
 */
final class MtaStsMx implements Check {

  static final String ID = "mtasts.mx";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    Optional<StsPolicy> policy = Facts.stsPolicy(o);
    return o.mxHosts().stream().map(mx -> evaluate(mx, policy)).toList();
  }

  private CheckResult evaluate(MxObservation mx, Optional<StsPolicy> found) {
    String host = mx.host();
    if (found.isEmpty()) {
      return CheckResult.skip(ID, host, "no valid MTA-STS policy (see mtasts.record and mtasts.policy)");
    }
    StsPolicy policy = found.get();
    if (policy.mode() == StsPolicy.Mode.none) {
      return CheckResult.skip(ID, host, "the policy is in mode none");
    }
    Optional<String> pattern = policy.patternFor(host);
    if (pattern.isPresent()) {
      return CheckResult.pass(ID, host, "matches the policy's mx pattern " + pattern.get());
    }
    String message = host + " matches none of the policy's mx patterns (" + String.join(", ", policy.mx()) + ")";
    return policy.mode() == StsPolicy.Mode.enforce
        ? CheckResult.fail(ID, host, message + ": MTA-STS senders will not deliver to it")
        : CheckResult.warn(ID, host, message + ": in enforce mode senders would not deliver to it");
  }
}
