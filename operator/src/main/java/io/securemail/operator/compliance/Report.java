package io.securemail.operator.compliance;

import java.util.List;

/** Every check result for one domain under one profile. */
public record Report(String domain, Profile profile, List<CheckResult> checks) {

  public Report {
    checks = List.copyOf(checks);
  }

  /** Compliant under the profile: no check failed (warnings and skips do not count against it). */
  public boolean compliant() {
    return checks.stream().noneMatch(c -> c.status() == CheckStatus.fail);
  }

  public long count(CheckStatus status) {
    return checks.stream().filter(c -> c.status() == status).count();
  }

  /** The first failing result, e.g. for a condition's reason; null when compliant. */
  public CheckResult firstFailure() {
    return checks.stream().filter(c -> c.status() == CheckStatus.fail).findFirst().orElse(null);
  }
}
