package io.securemail.operator.compliance;

import io.securemail.operator.compliance.caa.CaaIssuer;
import io.securemail.operator.compliance.caa.RelevantCaa;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import java.security.cert.TrustAnchor;
import java.util.List;
import java.util.Set;

/**
 * Everything the probes gathered about one domain, as plain data. The checks are pure functions of
 * this (and the profile and the time), so they are tested without a network.
 *
 * @param mx the MX lookup of the domain
 * @param mxHosts one entry per MX host (the null MX of RFC 7505 is not a host)
 * @param mtaStsTxt the TXT lookup at {@code _mta-sts.<domain>}
 * @param policy the policy fetch, or null when no {@code v=STSv1} record invited one
 * @param tlsRptTxt the TXT lookup at {@code _smtp._tls.<domain>}
 * @param pkixRoots the roots a sending MTA trusts, for cert.pkix
 * @param caa the CAA Relevant RRset of each name certificates are requested for: every MX host, and the
 *     mta-sts host while the domain announces MTA-STS
 * @param caaIssuers the CAs the domain's certificates come from; empty when not known
 */
public record DomainObservation(String domain, DnsAnswer mx, List<MxObservation> mxHosts, DnsAnswer mtaStsTxt,
    PolicyFetch policy, DnsAnswer tlsRptTxt, Set<TrustAnchor> pkixRoots, List<RelevantCaa> caa,
    List<CaaIssuer> caaIssuers) {

  public DomainObservation {
    mxHosts = List.copyOf(mxHosts);
    pkixRoots = Set.copyOf(pkixRoots);
    caa = List.copyOf(caa);
    caaIssuers = List.copyOf(caaIssuers);
  }

  /** An observation without CAA lookups: the caa check has nothing to judge. */
  public DomainObservation(String domain, DnsAnswer mx, List<MxObservation> mxHosts, DnsAnswer mtaStsTxt,
      PolicyFetch policy, DnsAnswer tlsRptTxt, Set<TrustAnchor> pkixRoots) {
    this(domain, mx, mxHosts, mtaStsTxt, policy, tlsRptTxt, pkixRoots, List.of(), List.of());
  }
}
