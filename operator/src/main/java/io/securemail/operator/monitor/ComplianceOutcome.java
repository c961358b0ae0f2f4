package io.securemail.operator.monitor;

import io.securemail.operator.api.ComplianceStatus;
import java.time.Duration;
import java.util.List;

/**
 * The compliance step of a reconcile.
 *
 * @param status status.compliance (the previous one when no check ran)
 * @param conditionStatus the Compliant condition (null: leave it as it is)
 * @param transitions pass/fail changes since the previous results, for events
 * @param nextCheckIn when the next check is due
 */
public record ComplianceOutcome(ComplianceStatus status, String conditionStatus, String reason, String message,
    List<CheckTransition> transitions, Duration nextCheckIn) {

  public static final String CONDITION = "Compliant";

  /** Whether a compliance run completed in this reconcile: its verdict is {@link #status()}. */
  public boolean ran() {
    return "True".equals(conditionStatus) || "False".equals(conditionStatus);
  }
}
