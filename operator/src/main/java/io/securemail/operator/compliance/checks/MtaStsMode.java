package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.mtasts.StsPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * mtasts.mode: the policy mode is enforce. Testing only reports failures (a warning under every
 * profile); none withdraws the policy (RFC 8461 section 5), a failure under bsi-tr-03108, which
 * also fails a domain without any policy.
 */
final class MtaStsMode implements Check {

  static final String ID = "mtasts.mode";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    String host = "mta-sts." + o.domain();
    Optional<StsPolicy> policy = Facts.stsPolicy(o);
    if (policy.isEmpty()) {
      return List.of(profile.requiresMtaSts()
          ? CheckResult.fail(ID, host, "no valid MTA-STS policy: " + profile + " requires one in mode enforce")
          : CheckResult.skip(ID, host, "no valid MTA-STS policy (see mtasts.record and mtasts.policy)"));
    }
    return List.of(switch (policy.get().mode()) {
      case enforce -> CheckResult.pass(ID, host, "mode enforce: senders deliver only over authenticated TLS");
      case testing -> CheckResult.warn(ID, host, "mode testing: senders report TLS failures but still deliver "
          + "without TLS; switch to enforce once reports are clean");
      case none -> profile.requiresMtaSts()
          ? CheckResult.fail(ID, host, "mode none: the policy is withdrawn; " + profile + " requires enforce")
          : CheckResult.warn(ID, host, "mode none: the policy is withdrawn and protects nothing");
    });
  }
}
