package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.Profile;
import java.time.Instant;
import java.util.List;

/** One check id of the public contract: a pure function from observations to results. */
public interface Check {

  /** The stable id, e.g. {@code dane.match}. */
  String id();

  /** Results for every subject the check applies to; empty when there is no subject at all. */
  List<CheckResult> evaluate(DomainObservation observation, Profile profile, Instant now);
}
