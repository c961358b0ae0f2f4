package io.securemail.operator.dns;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.compliance.dns.TxtData;
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
 * <p>Written directly rather than as a Java Operator SDK dependent: a dependent's informer for a
 * type whose CRD may be missing fails on every reconcile in this SDK version, and external-dns is
 * optional. The object is read first and written only when it differs, so idle costs no write.
 */
public final class ExternalDnsEndpoint {

  static final ResourceDefinitionContext DNS_ENDPOINTS = new ResourceDefinitionContext.Builder()
      .withGroup("externaldns.k8s.io").withVersion("v1alpha1").withKind(ExternalDnsCrd.KIND)
      .withPlural("dnsendpoints").withNamespaced(true).build();

  private ExternalDnsEndpoint() {}

  public static String nameFor(SecureMailDomain domain) {
    return domain.getMetadata().getName() + "-records";
  }

  /** Creates or updates the domain's DNSEndpoint; a no-op when it already says the same. */
  static void apply(SecureMailDomain domain, KubernetesClient client, List<DnsRecord> records) {
    var existing = endpoints(client, domain).withName(nameFor(domain)).get();
    Object spec = Map.of("endpoints", endpoints(records));
    if (existing != null && spec.equals(existing.getAdditionalProperties().get("spec"))) {
      return;
    }
    GenericKubernetesResource desired = new GenericKubernetesResourceBuilder()
        .withApiVersion(ExternalDnsCrd.API_VERSION).withKind(ExternalDnsCrd.KIND)
        .withNewMetadata()
          .withName(nameFor(domain)).withNamespace(domain.getMetadata().getNamespace())
          .withLabels(Labels.forDomain(domain))
          .withOwnerReferences(OwnerReferences.to(domain))
        .endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
    endpoints(client, domain).resource(desired).forceConflicts().serverSideApply();
  }

  /** Deletes the domain's DNSEndpoint if it has one (the provider was switched away from externalDNS). */
  static void remove(SecureMailDomain domain, KubernetesClient client) {
    var existing = endpoints(client, domain).withName(nameFor(domain)).get();
    if (OwnerReferences.ownedBy(existing, domain)) {
      endpoints(client, domain).withName(nameFor(domain)).delete();
    }
  }

  private static NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> endpoints(KubernetesClient client, SecureMailDomain domain) {
    return client.genericKubernetesResources(DNS_ENDPOINTS).inNamespace(domain.getMetadata().getNamespace());
  }

  /** One endpoint per name and type, in external-dns' format (no trailing dot, TXT unquoted). */
  static List<Map<String, Object>> endpoints(List<DnsRecord> records) {
    Map<String, Map<String, Object>> byKey = new LinkedHashMap<>();
    for (DnsRecord r : records) {
      String dnsName = r.name().endsWith(".") ? r.name().substring(0, r.name().length() - 1) : r.name();
      Map<String, Object> endpoint = byKey.computeIfAbsent(dnsName + " " + r.type(), k -> {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("dnsName", dnsName);
        e.put("recordType", r.type());
        e.put("recordTTL", r.ttl());
        e.put("targets", new ArrayList<String>());
        return e;
      });
      @SuppressWarnings("unchecked")
      List<String> targets = (List<String>) endpoint.get("targets");
      targets.add(target(r));
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
