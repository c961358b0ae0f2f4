package io.securemail.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.TlsRptSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The benchmark's domains: manual DNS (the default), MTA-STS hosted by the namespace's policy
 * server (mode testing, the default), TLS reporting, certificates from an Issuer that never becomes
 * Ready, so nothing is ever issued.
 */
final class BenchDomains {

  /** A CA Issuer whose CA Secret does not exist: cert-manager would report it not Ready, forever. */
  static final String ISSUER = "never-ready";
  static final String DNS_SUFFIX = "bench.test";

  /** The kinds of objects the operator makes for a domain, by API version and kind. */
  static final List<List<String>> CHILD_KINDS = List.of(
      List.of("cert-manager.io/v1", "Certificate"),
      List.of("v1", "Secret"),
      List.of("v1", "ConfigMap"),
      List.of("v1", "Service"),
      List.of("apps/v1", "Deployment"),
      List.of("apps/v1", "StatefulSet"),
      List.of("networking.k8s.io/v1", "Ingress"));

  record Ref(String namespace, String name, String dnsName) {}

  private final int count;
  private final Layout layout;

  BenchDomains(int count, Layout layout) {
    this.count = count;
    this.layout = layout;
  }

  List<Ref> refs() {
    List<Ref> refs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = String.format("d%05d", i);
      refs.add(new Ref(layout.namespaceOf(i, count), name, name + "." + DNS_SUFFIX));
    }
    return refs;
  }

  List<String> namespaces() {
    return layout.namespaces(count);
  }

  /** The namespaces and their never-ready Issuers. */
  void prepare(KubernetesClient client) {
    for (String namespace : namespaces()) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .serverSideApply();
      GenericKubernetesResource issuer = new GenericKubernetesResourceBuilder()
          .withApiVersion("cert-manager.io/v1").withKind("Issuer")
          .withNewMetadata().withName(ISSUER).withNamespace(namespace).endMetadata()
          .withAdditionalProperties(Map.of("spec", Map.of("ca", Map.of("secretName", "no-such-ca"))))
          .build();
      client.genericKubernetesResources("cert-manager.io/v1", "Issuer").inNamespace(namespace).resource(issuer)
          .create();
    }
  }

  static SecureMailDomain domain(Ref ref) {
    SecureMailDomain smd = new SecureMailDomain();
    smd.getMetadata().setNamespace(ref.namespace());
    smd.getMetadata().setName(ref.name());
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain(ref.dnsName());
    spec.setMx(List.of(new MxHost("mx1." + ref.dnsName(), 10)));
    spec.setTlsRpt(new TlsRptSpec(List.of("mailto:tls-reports@" + ref.dnsName())));
    spec.getCertificates().setIssuerRef(new IssuerRef(ISSUER, IssuerRef.Kind.ISSUER));
    smd.setSpec(spec);
    return smd;
  }

  /** Creates every domain, one request after the other (as kubectl apply does a file). */
  void create(KubernetesClient client) {
    for (Ref ref : refs()) {
      client.resources(SecureMailDomain.class).inNamespace(ref.namespace()).resource(domain(ref)).create();
    }
  }

  /** How many domains have a status for their current generation. */
  int withStatusForGeneration(DomainWatch watch) {
    java.util.Set<String> namespaces = new java.util.HashSet<>(namespaces());
    return watch.count(smd -> namespaces.contains(smd.getMetadata().getNamespace()) && smd.getStatus() != null
        && Objects.equals(smd.getStatus().getObservedGeneration(), smd.getMetadata().getGeneration()));
  }

  /** The domains as stored, generic (for copying). */
  List<GenericKubernetesResource> stored(KubernetesClient client) {
    List<GenericKubernetesResource> domains = new ArrayList<>();
    for (String namespace : namespaces()) {
      domains.addAll(client.genericKubernetesResources("securemail.io/v1alpha1", "SecureMailDomain")
          .inNamespace(namespace).list().getItems());
    }
    return domains;
  }

  /** Every object in the domains' namespaces that a domain owns (an owner reference to a SecureMailDomain). */
  List<GenericKubernetesResource> children(KubernetesClient client) {
    List<GenericKubernetesResource> children = new ArrayList<>();
    for (String namespace : namespaces()) {
      for (List<String> kind : CHILD_KINDS) {
        for (GenericKubernetesResource object : client.genericKubernetesResources(kind.get(0), kind.get(1))
            .inNamespace(namespace).list().getItems()) {
          if (ownedByADomain(object)) {
            children.add(object);
          }
        }
      }
    }
    return children;
  }

  /**
   * The objects the operator made for the domains of a namespace together (the policy server's
   * Deployment, Services, configuration and site Secrets): its own too, owned by the server's
   * configuration rather than by a domain.
   */
  int shared(KubernetesClient client) {
    int shared = 0;
    for (String namespace : namespaces()) {
      for (List<String> kind : CHILD_KINDS) {
        shared += client.genericKubernetesResources(kind.get(0), kind.get(1)).inNamespace(namespace)
            .withLabel("app.kubernetes.io/name", "securemail-mta-sts").list().getItems().size();
      }
    }
    return shared;
  }

  static boolean ownedByADomain(HasMetadata object) {
    return object.getMetadata().getOwnerReferences() != null && object.getMetadata().getOwnerReferences().stream()
        .anyMatch(r -> "SecureMailDomain".equals(r.getKind()));
  }
}
