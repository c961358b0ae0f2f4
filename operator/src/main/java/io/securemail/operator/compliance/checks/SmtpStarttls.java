package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import java.time.Instant;
import java.util.List;

/**
 * smtp.starttls: every address of every MX host offers STARTTLS (RFC 3207) and the handshake
 * completes, followed by a working exchange over TLS. Both DANE (RFC 7672 section 2.2) and MTA-STS
 * (RFC 8461 section 5) make TLS mandatory, so anything less is a failure under every profile.
 */
final class SmtpStarttls implements Check {

  static final String ID = "smtp.starttls";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    return o.mxHosts().stream().flatMap(mx -> mx.smtp().stream()).map(this::evaluate).toList();
  }

  private CheckResult evaluate(SmtpObservation smtp) {
    String subject = smtp.subject();
    if (smtp.outcome() == SmtpObservation.Outcome.TLS_OK) {
      return CheckResult.pass(ID, subject, "STARTTLS offered; " + smtp.tls().version() + " handshake with "
          + smtp.tls().cipherSuite() + " completed");
    }
    return CheckResult.fail(ID, subject, switch (smtp.outcome()) {
      case NO_STARTTLS -> smtp.endpoint() + " does not offer STARTTLS: mail to it travels unencrypted";
      default -> smtp.detail();
    });
  }
}
