package io.securemail.operator.dns;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.compliance.dns.TxtData;
import io.securemail.operator.kube.DomainDependent;
import io.securemail.operator.kube.Labels;
import io.securemail.operator.kube.OwnerReferences;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/**
 * The externalDNS provider's output: one DNSEndpoint per domain holding its records, owned by the
 * SecureMailDomain. external-dns publishes it (and, with its own TXT registry, owns the records);
 * deleting the domain garbage-collects the DNSEndpoint and external-dns withdraws them.
 *
 * <p>A dependent of the workflow, activated only while external-dns' CRD is installed (an
 * informer for a missing kind fails), planned only while the domain's provider is externalDNS
 * (switching away deletes it).
 */
@KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class ExternalDnsEndpoint extends DomainDependent<DnsEndpoint> {

  public ExternalDnsEndpoint() {
    super(DnsEndpoint.class);
  }

  @Override
  protected String name(SecureMailDomain domain) {
    return nameFor(domain);
  }

  public static String nameFor(SecureMailDomain domain) {
    return domain.getMetadata().getName() + "-records";
  }

  /** Plans the domain's DNSEndpoint with {@code records}. */
  static void plan(SecureMailDomain domain, Context<SecureMailDomain> context, List<DnsRecord> records) {
    DnsEndpoint desired = new DnsEndpoint();
    desired.setMetadata(new ObjectMetaBuilder()
        .withName(nameFor(domain)).withNamespace(domain.getMetadata().getNamespace())
        .withLabels(Labels.forDomain(domain))
        .withOwnerReferences(OwnerReferences.to(domain))
        .build());
    desired.setSpec(new DnsEndpoint.Spec(endpoints(records)));
    DomainDependent.plan(context, ExternalDnsEndpoint.class, desired);
  }

  /** One endpoint per name and type, in external-dns' format (no trailing dot, TXT unquoted). */
  static List<DnsEndpoint.Endpoint> endpoints(List<DnsRecord> records) {
    Map<String, DnsEndpoint.Endpoint> byKey = new LinkedHashMap<>();
    for (DnsRecord r : records) {
      String dnsName = r.name().endsWith(".") ? r.name().substring(0, r.name().length() - 1) : r.name();
      byKey.computeIfAbsent(dnsName + " " + r.type(),
          k -> new DnsEndpoint.Endpoint(dnsName, r.type(), (long) r.ttl(), new ArrayList<>())).targets().add(target(r));
    }
    return new ArrayList<>(byKey.values());
  }

  private static String target(DnsRecord r) {
    return switch (r.type()) {
      case "TXT" -> TxtData.text(r.value());
      case "MX", "CNAME" -> r.value().endsWith(".") ? r.value().substring(0, r.value().length() - 1) : r.value();
      default -> r.value();
    };
  }
}
