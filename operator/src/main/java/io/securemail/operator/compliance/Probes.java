package io.securemail.operator.compliance;

import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.mtasts.PolicyFetcher;
import io.securemail.operator.compliance.pki.PkixRoots;
import io.securemail.operator.compliance.smtp.SmtpProbe;

/** The adapters one check run uses to look at the world. */
public record Probes(DnsProbe dns, SmtpProbe smtp, PolicyFetcher policy, PkixRoots roots) {

  /** Makes the probes for one check run. */
  @FunctionalInterface
  public interface Factory {
    Probes create(ComplianceOptions options);
  }
}
