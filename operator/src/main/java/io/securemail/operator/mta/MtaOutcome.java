package io.securemail.operator.mta;

import io.securemail.operator.kube.PartStatus;

import java.time.Duration;

/**
 * The MTA step of a reconcile: the MtaReady condition and when to look again.
 *
 * @param status MtaReady's status (True/False)
 * @param reason MtaReady's reason
 * @param message what a person needs to know
 * @param retryAfter when to look again (null: no hurry)
 */
public record MtaOutcome(String status, String reason, String message, Duration retryAfter) {

  public static final String CONDITION = "MtaReady";

  public boolean ready() {
    return "True".equals(status);
  }

  /** MtaReady, as status combines it (its retry already backs off while the MTA stays unready). */
  public PartStatus part() {
    return PartStatus.of(CONDITION, status, reason, message, retryAfter, "MTA ready.", "the MTA")
        .stalledOn(java.util.Set.of("MtaNotUpdated", "MtaNotRemoved"));
  }
}
