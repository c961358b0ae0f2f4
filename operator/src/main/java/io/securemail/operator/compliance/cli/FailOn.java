package io.securemail.operator.compliance.cli;

import io.securemail.operator.compliance.CheckStatus;
import io.securemail.operator.compliance.Report;

/**
 * The {@code --fail-on} option: which verdict makes a checked domain exit 1. Compliance itself is
 * the profile's (no check fails); a CI gate that wants warnings fixed too says {@code warn}. The
 * lowercase names are the option's values.
 */
enum FailOn {
  /** Exit 1 only when a check fails: the domain is not compliant (the default). */
  fail,
  /** Exit 1 when a check fails or warns. */
  warn;

  /** {@link CheckCommand#COMPLIANT} or {@link CheckCommand#NOT_COMPLIANT} for one domain's report. */
  int exitCode(Report report) {
    boolean failing = !report.compliant() || (this == warn && report.count(CheckStatus.warn) > 0);
    return failing ? CheckCommand.NOT_COMPLIANT : CheckCommand.COMPLIANT;
  }
}
