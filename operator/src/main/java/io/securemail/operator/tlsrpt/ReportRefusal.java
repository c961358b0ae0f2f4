package io.securemail.operator.tlsrpt;

import io.securemail.operator.tlsrpt.ReportIntake.Verdict;

/** A report refused while being read: the verdict and the reason a sender's operator reads. */
final class ReportRefusal extends Exception {

  private final Verdict verdict;

  ReportRefusal(Verdict verdict, String reason) {
    super(reason, null, false, false);
    this.verdict = verdict;
  }

  Verdict verdict() {
    return verdict;
  }

  ReportIntake.Outcome outcome() {
    return new ReportIntake.Outcome(verdict, getMessage());
  }
}
