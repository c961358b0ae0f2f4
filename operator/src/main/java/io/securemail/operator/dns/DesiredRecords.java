package io.securemail.operator.dns;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.compliance.caa.CaaIssuer;
import io.securemail.operator.compliance.dns.TxtData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Derives the record set a domain needs from its spec. Pure: the same spec gives the same records
 * in the same order, so a reconcile of an unchanged domain changes nothing.
 */
public final class DesiredRecords {

  /** Marks the ownership record as ours, in the style of external-dns' TXT registry. */
  public static final String HERITAGE = "heritage=securemail-operator";
  /** Owner name prefix of the per-domain ownership record. */
  public static final String OWNERSHIP_PREFIX = "_securemail-owner.";

  private DesiredRecords() {}

  /**
   * @param tlsaSpkis the keys whose DANE TLSA records (3 1 1) every MX host gets, as the rollover
   *     decided them (empty: none, e.g. before the MX serves the key, with DANE disabled, or for a
   *     domain attached to a MailTransport, whose MX hosts' TLSA records are the transport's)
   */
  public static List<DnsRecord> of(SecureMailDomainSpec spec, List<String> tlsaSpkis) {
    return of(spec, tlsaSpkis, MtaStsRecords.NONE);
  }

  /**
   * @param sts the MTA-STS step's say: the TXT id (only once its policy is served), which MX hosts
   *     the published policy already lists, and the policy host's record
   */
  public static List<DnsRecord> of(SecureMailDomainSpec spec, List<String> tlsaSpkis, MtaStsRecords sts) {
    return of(spec, tlsaSpkis, sts, List.of());
  }

  /**
   * @param caa the CAA issue values pinning issuance to the domain's CA ({@link CaaRecords}); empty: none
   */
  public static List<DnsRecord> of(SecureMailDomainSpec spec, List<String> tlsaSpkis, MtaStsRecords sts,
      List<CaaIssuer> caa) {
    String domain = spec.getDomain() + ".";
    int ttl = spec.getDns().getTtl();
    List<DnsRecord> records = new ArrayList<>();
    spec.getMx().stream().map(mx -> mx.getHost().toLowerCase()).sorted().distinct()
        .forEach(host -> tlsaSpkis.forEach(spki -> records.add(Tlsa.record(host, spki, ttl))));
    if (Boolean.TRUE.equals(spec.getDns().getManageMx())) {
      spec.getMx().stream()
          .sorted(Comparator.comparing(MxHost::getPriority).thenComparing(MxHost::getHost))
          .filter(mx -> sts.mxAllowed().test(mx.getHost()))
          .forEach(mx -> records.add(new DnsRecord(domain, "MX", mx.getPriority() + " " + mx.getHost() + ".", ttl)));
    }
    if (spec.getTlsRpt() != null && !spec.getTlsRpt().getRua().isEmpty()) {
      // RFC 8460 section 3: one TXT record at _smtp._tls, "v=TLSRPTv1;" then rua as a comma-separated list.
      String txt = "v=TLSRPTv1; rua=" + String.join(",", spec.getTlsRpt().publishedRua(domain));
      records.add(new DnsRecord("_smtp._tls." + domain, "TXT", TxtData.presentation(txt), ttl));
    }
    if (sts.txt() != null) {
      // RFC 8461 section 3.1: one TXT record at _mta-sts announcing the policy's id.
      records.add(new DnsRecord("_mta-sts." + domain, "TXT", TxtData.presentation(sts.txt()), ttl));
    }
    if (sts.policyHost() != null) {
      String host = "mta-sts." + domain;
      if (sts.policyHost().getCname() != null) {
        records.add(new DnsRecord(host, "CNAME", sts.policyHost().getCname() + ".", ttl));
      } else {
        sts.policyHost().getAddresses().stream().sorted()
            .forEach(a -> records.add(new DnsRecord(host, a.contains(":") ? "AAAA" : "A", a, ttl)));
      }
    }
    records.addAll(CaaRecords.of(spec, caa, sts));
    return records;
  }

  /** Where the reconciler leaves this reconcile's records for the workflow's dependents. */
  static final String CONTEXT_KEY = "securemail.desired-records";

  public static void putIn(Context<SecureMailDomain> context, List<DnsRecord> records) {
    context.managedWorkflowAndDependentResourceContext().put(CONTEXT_KEY, records);
  }

  @SuppressWarnings("unchecked")
  static List<DnsRecord> in(Context<SecureMailDomain> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(CONTEXT_KEY, List.class);
  }

  /**
   * The domain's ownership record: which operator instance and resource publish its records. Its
   * presence is the prerequisite of every update (RFC 2136 section 2.4), so a second owner (another
   * cluster, another resource for the same domain) is refused instead of fighting over records.
   */
  public static DnsRecord ownership(SecureMailDomainSpec spec, String ownerId, String resourceRef) {
    return new DnsRecord(OWNERSHIP_PREFIX + spec.getDomain() + ".", "TXT",
        TxtData.presentation(HERITAGE + ",owner=" + ownerId + ",resource=" + resourceRef), spec.getDns().getTtl());
  }
}
