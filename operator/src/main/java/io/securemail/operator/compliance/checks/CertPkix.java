package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.MxObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.mtasts.StsPolicy;
import io.securemail.operator.compliance.pki.CertificateNames;
import io.securemail.operator.compliance.pki.ChainValidator;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * cert.pkix: each MX certificate chains to a trusted root and names the MX host. MTA-STS senders
 * require exactly that (RFC 8461 section 4.2), so a failure is fatal when a policy in mode enforce
 * is published and a warning otherwise (DANE-EE senders ignore PKIX, RFC 7672 section 3.1.1;
 * opportunistic ones do not check at all).
 */
final class CertPkix implements Check {

  static final String ID = "cert.pkix";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    Optional<StsPolicy> policy = Facts.stsPolicy(o);
    List<CheckResult> results = new ArrayList<>();
    for (MxObservation mx : o.mxHosts()) {
      for (SmtpObservation smtp : mx.smtp()) {
        results.add(evaluate(o, mx, smtp, policy, now));
      }
    }
    return results;
  }

  private CheckResult evaluate(DomainObservation o, MxObservation mx, SmtpObservation smtp,
      Optional<StsPolicy> policy, Instant now) {
    String subject = smtp.subject();
    if (smtp.tls() == null) {
      return CheckResult.skip(ID, subject, "no TLS session to judge (see smtp.starttls)");
    }
    List<X509Certificate> chain = smtp.tls().chain();
    Optional<String> chainProblem = ChainValidator.problem(chain, o.pkixRoots(), now);
    List<String> problems = new ArrayList<>();
    chainProblem.ifPresent(problems::add);
    if (!chain.isEmpty() && !CertificateNames.matches(chain.get(0), mx.host())) {
      problems.add("the certificate names " + CertificateNames.names(chain.get(0)) + ", not " + mx.host());
    }
    if (problems.isEmpty()) {
      return CheckResult.pass(ID, subject, "the certificate of " + smtp.address() + " chains to a trusted root and names "
          + mx.host());
    }
    String message = "the certificate of " + smtp.address() + " is not PKIX-valid for " + mx.host() + ": "
        + String.join("; ", problems);
    StsPolicy.Mode mode = policy.map(StsPolicy::mode).orElse(StsPolicy.Mode.none);
    return switch (mode) {
      case enforce -> CheckResult.fail(ID, subject, message + "; MTA-STS senders will not deliver to it");
      case testing -> CheckResult.warn(ID, subject, message + "; with MTA-STS in enforce mode senders would not deliver");
      case none -> CheckResult.warn(ID, subject, message + "; senders that validate certificates will not trust it");
    };
  }
}
