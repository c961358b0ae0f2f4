package io.securemail.operator.mtasts;

import io.securemail.operator.api.MtaStsSpec;
import io.securemail.operator.api.MtaStsStatus;
import io.securemail.operator.compliance.pki.CertificateNames;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one MTA-STS step: what is published now, and what is still to happen.
 *
 * @param target the policy the server was given (null: none)
 * @param published the policy the TXT record announces from now on (null: no TXT record)
 * @param served whether the server was observed serving exactly the target
 * @param fetchFailure why the sender-side fetch did not get the target, when it did not
 */
public record PolicyStep(PolicyDocument target, PolicyPlan.Published published, boolean served, String fetchFailure,
    List<MtaStsStatus.RetiringMx> retiring, Instant withdrawAt) {

  /**
   * Starts the withdrawal clock of a published 'none' policy once its TXT record is visible:
   * section 8.3 asks to keep serving it for the previous max_age after senders can learn of it.
   */
  public PolicyStep withTxtObserved(boolean seen, Instant now) {
    if (!seen || withdrawAt != null || published == null || published.mode() != MtaStsSpec.Mode.NONE) {
      return this;
    }
    return new PolicyStep(target, published, served, fetchFailure, retiring, now.plusSeconds(published.maxAge()));
  }

  /** The {@code _mta-sts} TXT text to publish, or null for none. */
  public String txtRecord() {
    return published == null ? null : "v=STSv1; id=" + published.id();
  }

  /**
   * Whether an MX record for the host may be published: always when no policy in force restricts
   * senders, otherwise only once the published policy lists it (invariant 2: a new MX host goes
   * into the policy before it goes into the MX record set).
   */
  public boolean allowsMx(String host) {
    return published == null || published.mode() == MtaStsSpec.Mode.NONE
        || published.mx().stream().anyMatch(p -> CertificateNames.matches(p, host));
  }

  /** status.mtaSts; null when nothing is published or pending (the field is then left out). */
  public MtaStsStatus status() {
    if (target == null && published == null && retiring.isEmpty() && withdrawAt == null) {
      return null;
    }
    MtaStsStatus status = new MtaStsStatus();
    if (published != null) {
      status.setPolicyId(published.id());
      status.setMode(PolicyDocument.modeName(published.mode()));
      status.setMx(published.mx());
      status.setMaxAge(published.maxAge());
    }
    if (target != null) {
      status.setServed(served);
      if (!served) {
        status.setDesiredPolicyId(target.id());
      }
    }
    status.setRetiringMx(retiring);
    status.setWithdrawAt(withdrawAt == null ? null : withdrawAt.toString());
    nextStep().ifPresent(step -> {
      status.setNextStep(step.what());
      status.setNextStepAt(step.at() == null ? null : step.at().toString());
    });
    return status;
  }

  /** A step still to come: what, and when (null: as soon as it is observed). */
  public record Next(String what, Instant at) {}

  public Optional<Next> nextStep() {
    if (target != null && !served) {
      return Optional.of(new Next("publish id " + target.id() + " in the _mta-sts TXT record once the "
          + "policy server serves that policy", null));
    }
    if (!retiring.isEmpty()) {
      MtaStsStatus.RetiringMx first = retiring.stream()
          .min(Comparator.comparing(MtaStsStatus.RetiringMx::getUntil)).orElseThrow();
      return Optional.of(new Next("remove " + first.getPattern() + " from the policy (senders' cached "
          + "policies list it until then)", Instant.parse(first.getUntil())));
    }
    if (withdrawAt != null) {
      return Optional.of(new Next("remove the 'none' policy and the _mta-sts TXT record (RFC 8461 "
          + "section 8.3)", withdrawAt));
    }
    if (published != null && published.mode() == MtaStsSpec.Mode.NONE) {
      return Optional.of(new Next("start the " + published.maxAge() + " s wait before withdrawal once the "
          + "_mta-sts record announcing the 'none' policy is visible", null));
    }
    return Optional.empty();
  }

  /** When the step should be looked at again: soon while waiting to be served, else at the next deadline. */
  public Duration retryAfter(Duration poll, Instant now) {
    return nextStep().map(n -> n.at() == null ? poll
        : Duration.between(now, n.at()).isNegative() ? Duration.ZERO : Duration.between(now, n.at()).plusSeconds(1))
        .orElse(null);
  }
}
