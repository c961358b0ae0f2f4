package io.securemail.operator.mtasts;

import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressRuleValueBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.securemail.operator.api.PolicyIngressSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.TlsRptReceiveSpec;
import io.securemail.operator.certs.CertNames;
import io.securemail.operator.kube.Labels;
import io.securemail.operator.kube.DomainDependent;
import io.securemail.operator.kube.OwnerReferences;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The domain's optional Ingress for {@code mta-sts.<domain>}: only the policy path, TLS with the
 * domain's mta-sts certificate, backed by the namespace's policy server over plain HTTP inside the
 * cluster. Planned while the spec asks for it and a policy is published; the workflow deletes it
 * when the spec stops asking or MTA-STS is withdrawn, and repairs a hand edit on the event.
 */
@KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class PolicyIngress extends DomainDependent<Ingress> {

  static final String POLICY_PATH = "/.well-known/mta-sts.txt";

  public PolicyIngress() {
    super(Ingress.class);
  }

  @Override
  protected String name(SecureMailDomain domain) {
    return nameOf(domain);
  }

  static String nameOf(SecureMailDomain domain) {
    return domain.getMetadata().getName() + "-mta-sts";
  }

  static Ingress desired(SecureMailDomain domain, PolicyIngressSpec spec) {
    String host = "mta-sts." + domain.getSpec().getDomain();
    Map<String, String> annotations = new LinkedHashMap<>(spec.getAnnotations() == null ? Map.of() : spec.getAnnotations());
    List<String> paths = new ArrayList<>(List.of(POLICY_PATH));
    if (domain.getSpec().getTlsRpt() != null && domain.getSpec().getTlsRpt().receivesHttps()) {
      // TLS reports posted to the policy host (docs/tls-reports.md), passed on by the policy server.
      paths.add(TlsRptReceiveSpec.HTTPS_PATH);
    }
    var http = new HTTPIngressRuleValueBuilder();
    for (String path : paths) {
      http.addNewPath().withPath(path).withPathType("Exact")
          .withNewBackend().withNewService().withName(PolicyServer.INTERNAL)
            .withNewPort().withName("http").endPort().endService().endBackend()
          .endPath();
    }
    return new IngressBuilder()
        .withNewMetadata().withName(nameOf(domain)).withNamespace(domain.getMetadata().getNamespace())
          .withLabels(Labels.forDomain(domain)).withAnnotations(annotations)
          .withOwnerReferences(OwnerReferences.to(domain)).endMetadata()
        .withNewSpec()
          .withIngressClassName(spec.getClassName())
          .addNewTl().withHosts(host).withSecretName(CertNames.mtaStsSecret(domain)).endTl()
          .addNewRule().withHost(host).withHttp(http.build()).endRule()
        .endSpec()
        .build();
  }
}
