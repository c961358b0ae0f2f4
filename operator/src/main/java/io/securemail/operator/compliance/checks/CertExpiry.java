package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * cert.expiry: no served certificate expires within 14 days (fail) or 30 days (warn). Renewal
 * normally happens 30 days ahead, so a certificate this close to its end means renewal is stuck.
 */
final class CertExpiry implements Check {

  static final String ID = "cert.expiry";
  static final Duration FAIL_WITHIN = Duration.ofDays(14);
  static final Duration WARN_WITHIN = Duration.ofDays(30);

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    return o.mxHosts().stream().flatMap(mx -> mx.smtp().stream()).map(s -> evaluate(s, now)).toList();
  }

  private CheckResult evaluate(SmtpObservation smtp, Instant now) {
    String subject = smtp.subject();
    if (smtp.tls() == null || smtp.tls().chain().isEmpty()) {
      return CheckResult.skip(ID, subject, "no certificate was served (see smtp.starttls)");
    }
    List<X509Certificate> chain = smtp.tls().chain();
    X509Certificate first = chain.stream().min(Comparator.comparing(X509Certificate::getNotAfter)).orElseThrow();
    Instant notAfter = first.getNotAfter().toInstant();
    String which = first == chain.get(0) ? "the certificate" : "the CA certificate "
        + first.getSubjectX500Principal().getName() + " in the chain";
    long days = Duration.between(now, notAfter).toDays();
    String served = " served by " + smtp.address();
    if (!notAfter.isAfter(now)) {
      return CheckResult.fail(ID, subject, which + served + " expired on " + notAfter);
    }
    if (notAfter.isBefore(now.plus(FAIL_WITHIN))) {
      return CheckResult.fail(ID, subject, which + served + " expires on " + notAfter + ", in " + days
          + " day(s): renewal is overdue");
    }
    if (notAfter.isBefore(now.plus(WARN_WITHIN))) {
      return CheckResult.warn(ID, subject, which + served + " expires on " + notAfter + ", in " + days
          + " days: renewal should have happened by now");
    }
    return CheckResult.pass(ID, subject, which + served + " is valid until " + notAfter + " (" + days + " days)");
  }
}
