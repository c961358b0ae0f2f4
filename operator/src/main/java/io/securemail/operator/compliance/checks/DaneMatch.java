package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.MxObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.dane.DaneMatcher;
import io.securemail.operator.compliance.dane.TlsaRecord;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** dane.match: the certificate each address of an MX host serves matches at least one usable TLSA record (RFC 7672 section 3). */
final class DaneMatch implements Check {

  static final String ID = "dane.match";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    List<CheckResult> results = new ArrayList<>();
    for (MxObservation mx : o.mxHosts()) {
      List<TlsaRecord> usable = Facts.usableTlsa(mx);
      for (SmtpObservation smtp : mx.smtp()) {
        results.add(evaluate(mx, usable, smtp, now));
      }
    }
    return results;
  }

  private CheckResult evaluate(MxObservation mx, List<TlsaRecord> usable, SmtpObservation smtp, Instant now) {
    String subject = smtp.subject();
    if (usable.isEmpty()) {
      return CheckResult.skip(ID, subject, "no usable DNSSEC-validated TLSA record for " + mx.host()
          + " (see dane.tlsa): nothing to match");
    }
    if (smtp.tls() == null) {
      // RFC 7672 section 2.2: with usable TLSA records, a sender must not deliver without TLS.
      return CheckResult.fail(ID, subject, "DANE requires TLS, but there was no TLS session: " + smtp.detail());
    }
    List<DaneMatcher.Outcome> outcomes = DaneMatcher.match(usable, smtp.tls().chain(), mx.referenceNames(), now);
    var matched = outcomes.stream().filter(DaneMatcher.Outcome::matched).findFirst();
    if (matched.isPresent()) {
      return CheckResult.pass(ID, subject, "TLSA " + matched.get().record().shortForm() + " " + matched.get().detail()
          + " of " + smtp.address());
    }
    if (outcomes.size() == 1) {
      DaneMatcher.Outcome only = outcomes.get(0);
      return CheckResult.fail(ID, subject, "TLSA " + only.record().parameters() + " for " + mx.tlsaName()
          + " does not match the certificate served by " + smtp.address() + ": " + only.detail());
    }
    return CheckResult.fail(ID, subject, "none of the " + outcomes.size() + " TLSA records for " + mx.tlsaName()
        + " matches the certificate served by " + smtp.address() + ": " + String.join("; ",
        outcomes.stream().map(out -> out.record().parameters() + ": " + out.detail()).toList()));
  }
}
