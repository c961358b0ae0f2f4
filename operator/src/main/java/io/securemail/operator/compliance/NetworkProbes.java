package io.securemail.operator.compliance;

import io.securemail.operator.compliance.dns.DnsjavaProbe;
import io.securemail.operator.compliance.mtasts.HttpsPolicyFetcher;
import io.securemail.operator.compliance.pki.PkixRoots;
import io.securemail.operator.compliance.smtp.SmtpClientProbe;

/** The real probes: dnsjava, SMTP over TCP with BouncyCastle TLS, HTTPS with the JDK. */
public final class NetworkProbes implements Probes.Factory {

  @Override
  public Probes create(ComplianceOptions options) {
    PkixRoots roots = PkixRoots.systemPlus(options.extraRoots());
    return new Probes(
        DnsjavaProbe.create(options.resolvers(), options.dnssecMode(), options.trustAnchors(), options.timeout()),
        new SmtpClientProbe(options.timeout()),
        new HttpsPolicyFetcher(roots, options.timeout()),
        roots);
  }
}
