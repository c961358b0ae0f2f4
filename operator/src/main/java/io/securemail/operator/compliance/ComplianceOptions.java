package io.securemail.operator.compliance;

import io.securemail.operator.compliance.caa.CaaIssuer;
import io.securemail.operator.compliance.dns.DnssecMode;
import io.securemail.operator.compliance.dns.TrustAnchors;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * How to look at a domain: which resolvers, where DNSSEC verdicts come from, which extra PKIX roots
 * to trust, which ports to connect to, and the timeout of each network step.
 *
 * @param resolvers recursive resolvers; empty means the system's
 * @param dnssecMode in-process validation (safe anywhere) or the resolver's AD bit (trusted path only)
 * @param trustAnchors DNSSEC trust anchors for {@link DnssecMode#VALIDATE}; the root's by default
 * @param extraRoots PKIX roots trusted in addition to the JRE's (a private CA)
 * @param smtpPort where SMTP probes connect (25; TLSA names stay {@code _25._tcp})
 * @param httpsPort where the MTA-STS policy is fetched (443)
 * @param timeout for each step: one DNS query, connecting, each SMTP reply, a TLS handshake, a policy fetch
 * @param caaIssuers the CAs the domain's certificates come from, as the {@code caa} check looks for them in CAA
 *     records (with their ACME account and challenge types when known); empty when not known
 */
public record ComplianceOptions(List<InetSocketAddress> resolvers, DnssecMode dnssecMode, TrustAnchors trustAnchors,
    List<X509Certificate> extraRoots, int smtpPort, int httpsPort, Duration timeout, List<CaaIssuer> caaIssuers) {

  public ComplianceOptions {
    resolvers = List.copyOf(resolvers);
    extraRoots = List.copyOf(extraRoots);
    caaIssuers = List.copyOf(caaIssuers);
    if (smtpPort < 1 || smtpPort > 65535 || httpsPort < 1 || httpsPort > 65535) {
      throw new IllegalArgumentException("ports must be between 1 and 65535");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the timeout must be positive");
    }
  }

  /** System resolvers, in-process validation from the root anchor, JRE roots, ports 25 and 443, 10 s. */
  public static ComplianceOptions defaults() {
    return new ComplianceOptions(List.of(), DnssecMode.VALIDATE, TrustAnchors.root(), List.of(), 25, 443,
        Duration.ofSeconds(10), List.of());
  }

  public ComplianceOptions withResolvers(List<InetSocketAddress> resolvers) {
    return new ComplianceOptions(resolvers, dnssecMode, trustAnchors, extraRoots, smtpPort, httpsPort, timeout, caaIssuers);
  }

  public ComplianceOptions withDnssec(DnssecMode mode, TrustAnchors anchors) {
    return new ComplianceOptions(resolvers, mode, anchors, extraRoots, smtpPort, httpsPort, timeout, caaIssuers);
  }

  public ComplianceOptions withExtraRoots(List<X509Certificate> roots) {
    return new ComplianceOptions(resolvers, dnssecMode, trustAnchors, roots, smtpPort, httpsPort, timeout, caaIssuers);
  }

  public ComplianceOptions withPorts(int smtp, int https) {
    return new ComplianceOptions(resolvers, dnssecMode, trustAnchors, extraRoots, smtp, https, timeout, caaIssuers);
  }

  public ComplianceOptions withTimeout(Duration stepTimeout) {
    return new ComplianceOptions(resolvers, dnssecMode, trustAnchors, extraRoots, smtpPort, httpsPort, stepTimeout, caaIssuers);
  }

  /** The same options for a domain whose certificates come from {@code issuers}. */
  public ComplianceOptions withCaaIssuers(List<CaaIssuer> issuers) {
    return new ComplianceOptions(resolvers, dnssecMode, trustAnchors, extraRoots, smtpPort, httpsPort, timeout, issuers);
  }
}
