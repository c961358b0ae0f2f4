package io.securemail.operator.mtasts;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.PolicyIngressSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.certs.CertNames;
import io.securemail.operator.kube.Labels;
import io.securemail.operator.kube.AppliedHash;
import io.securemail.operator.kube.OwnerReferences;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The domain's optional Ingress for {@code mta-sts.<domain>}: only the policy path, TLS with the
 * domain's mta-sts certificate, backed by the namespace's policy server over plain HTTP inside the
 * cluster. Written only when it differs from what the spec asks; removed (if ours) when the spec
 * stops asking or MTA-STS is withdrawn.
 */
final class PolicyIngress {

  static final String POLICY_PATH = "/.well-known/mta-sts.txt";

  private PolicyIngress() {}

  static String name(SecureMailDomain domain) {
    return domain.getMetadata().getName() + "-mta-sts";
  }

  /** @return 1 when it wrote (created, changed or deleted) the Ingress, else 0 */
  static int reconcile(KubernetesClient client, SecureMailDomain domain, boolean inUse) {
    String ns = domain.getMetadata().getNamespace();
    PolicyIngressSpec spec = domain.getSpec().getMtaSts().getIngress();
    Ingress current = client.network().v1().ingresses().inNamespace(ns).withName(name(domain)).get();
    if (spec == null || !inUse) {
      if (current != null && OwnerReferences.ownedBy(current, domain)) {
        client.resource(current).delete();
        return 1;
      }
      return 0;
    }
    Ingress desired = desired(domain, spec);
    String hash = AppliedHash.stamp(client.getKubernetesSerialization(), desired);
    if (AppliedHash.carries(current, hash)) {
      return 0;
    }
    client.resource(desired).createOr(existing -> existing.update());
    return 1;
  }

  static Ingress desired(SecureMailDomain domain, PolicyIngressSpec spec) {
    String host = "mta-sts." + domain.getSpec().getDomain();
    Map<String, String> annotations = new LinkedHashMap<>(spec.getAnnotations() == null ? Map.of() : spec.getAnnotations());
    return new IngressBuilder()
        .withNewMetadata().withName(name(domain)).withNamespace(domain.getMetadata().getNamespace())
          .withLabels(Labels.forDomain(domain)).withAnnotations(annotations)
          .withOwnerReferences(OwnerReferences.to(domain)).endMetadata()
        .withNewSpec()
          .withIngressClassName(spec.getClassName())
          .addNewTl().withHosts(host).withSecretName(CertNames.mtaStsSecret(domain)).endTl()
          .addNewRule().withHost(host).withNewHttp()
            .addNewPath().withPath(POLICY_PATH).withPathType("Exact")
              .withNewBackend().withNewService().withName(PolicyServer.INTERNAL)
                .withNewPort().withName("http").endPort().endService().endBackend()
            .endPath()
          .endHttp().endRule()
        .endSpec()
        .build();
  }
}
