package io.securemail.operator.dns;

import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.compliance.caa.CaaIssuer;
import io.securemail.operator.compliance.caa.CaaProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * The CAA records (RFC 8659) that pin issuance for the names the operator requests certificates
 * for: one {@code issue} record per allowed CA at each MX host, and at the mta-sts host while the
 * operator publishes its addresses.
 *
 * <p>They go at those names themselves, not at an enclosing one: a CA looks at the name first and
 * climbs to its parents only while it finds nothing (RFC 8659 section 3), so records at the exact
 * names pin exactly the operator's certificates, override a domain-wide CAA for them, and restrict
 * no other name of the domain. Not at an alias: a CAA record cannot stand beside a CNAME (RFC 1034
 * section 3.6.2), so a CNAME policy host gets none (its target's CAA and the domain's apply), nor a
 * policy host whose record the operator does not publish. MX hosts are never aliases (RFC 2181
 * section 10.3). Foreign CAA records at these names stay: CAA authorizations add up (RFC 8659
 * section 4.2), so ours stand beside them like other record sets.
 *
 * <p>Not through external-dns, whose DNSEndpoint record types do not include CAA.
 */
final class CaaRecords {

  /** RFC 8659 section 4.1: no flags; the issue tag is one every CA knows, so no critical flag is needed. */
  private static final int FLAGS = 0;

  private CaaRecords() {}

  static List<DnsRecord> of(SecureMailDomainSpec spec, List<CaaIssuer> issuers, MtaStsRecords sts) {
    if (issuers.isEmpty() || spec.getDns().getProvider() == DnsSpec.Provider.EXTERNAL_DNS) {
      return List.of();
    }
    // An attached domain requests no certificate for its MX hosts: they are the transport's, whose own
    // domain publishes their CAA records.
    List<String> names = new ArrayList<>(spec.getTransport() != null ? List.of()
        : spec.getMx().stream().map(mx -> mx.getHost().toLowerCase() + ".").sorted().distinct().toList());
    if (sts.policyHost() != null && sts.policyHost().getCname() == null) {
      names.add("mta-sts." + spec.getDomain().toLowerCase() + ".");
    }
    int ttl = spec.getDns().getTtl();
    List<DnsRecord> records = new ArrayList<>();
    for (String name : names) {
      for (CaaIssuer issuer : issuers) {
        records.add(new DnsRecord(name, "CAA",
            new CaaProperty(FLAGS, CaaProperty.ISSUE, issuer.value()).presentation(), ttl));
      }
    }
    return records;
  }
}
