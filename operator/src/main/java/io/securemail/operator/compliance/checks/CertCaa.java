package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.caa.CaaAuthorization;
import io.securemail.operator.compliance.caa.CaaAuthorization.Decision;
import io.securemail.operator.compliance.caa.CaaAuthorization.Verdict;
import io.securemail.operator.compliance.caa.CaaIssuer;
import io.securemail.operator.compliance.caa.RelevantCaa;
import io.securemail.operator.compliance.dns.DnssecState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * cert.caa: the CAA records (RFC 8659) that apply to each name the domain needs a certificate for (every
 * MX host, and the mta-sts host with MTA-STS) allow its CA, so a renewal is not refused. With the
 * issuer known (the operator reads it from cert-manager; the check command takes
 * {@code --caa-issuer}) every one of its CAs must be allowed, its ACME account and challenge types
 * included (RFC 8657); without it, some CA must be. A lookup a validating resolver rejects fails
 * (a CA must not treat it as permission); one that does not answer warns.
 */
final class CertCaa implements Check {

  static final String ID = "cert.caa";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    List<CheckResult> results = new ArrayList<>();
    for (RelevantCaa relevant : o.caa()) {
      results.add(judge(relevant, o.caaIssuers()));
    }
    return results;
  }

  private static CheckResult judge(RelevantCaa relevant, List<CaaIssuer> issuers) {
    String name = relevant.name();
    if (relevant.failure() != null) {
      String what = "the CAA lookup of " + relevant.failure().describe();
      return relevant.failure().dnssec() == DnssecState.bogus
          ? CheckResult.fail(ID, name, what + ": it fails DNSSEC validation, so a CA must refuse to issue")
          : CheckResult.warn(ID, name, what + ": a CA that cannot look CAA up may refuse to issue");
    }
    String where = relevant.foundAt() == null ? "" : "at " + relevant.foundAt() + ": ";
    if (issuers.isEmpty()) {
      Decision any = CaaAuthorization.anyIssuer(relevant.properties(), false);
      return any.allowed()
          ? CheckResult.pass(ID, name, where + any.reason() + " (the issuer is not known, so it is not checked)")
          : CheckResult.fail(ID, name, where + any.reason());
    }
    List<String> uncertain = new ArrayList<>();
    List<String> allowed = new ArrayList<>();
    for (CaaIssuer issuer : issuers) {
      Decision decision = CaaAuthorization.forIssuer(relevant.properties(), issuer, false);
      if (decision.verdict() == Verdict.FORBIDDEN) {
        return CheckResult.fail(ID, name, where + decision.reason() + ": renewing the certificate for " + name
            + " from " + issuer.domain() + " will be refused (RFC 8659 section 3)");
      }
      (decision.verdict() == Verdict.UNCERTAIN ? uncertain : allowed).add(decision.reason());
    }
    if (!uncertain.isEmpty()) {
      return CheckResult.warn(ID, name, where + String.join("; ", uncertain));
    }
    return CheckResult.pass(ID, name, where + String.join("; ", allowed));
  }
}
