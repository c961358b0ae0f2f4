package io.securemail.operator.dns;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.Labels;
import io.securemail.operator.kube.DomainDependent;

/**
 * The manual provider's output: a ConfigMap holding the records as a zone-file snippet. Owned by
 * the SecureMailDomain, so the garbage collector removes it with the domain. Applied whether or
 * not the informer has seen it yet (a restarted operator's informer may not have), and selected
 * by its part label, so the MTA's ConfigMaps are not cached here too.
 */
@KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR + "," + Labels.PART + "="
        + Labels.PART_DNS_RECORDS))
public class ZoneSnippetConfigMap extends DomainDependent<ConfigMap> {

  public static final String DATA_KEY = "records.zone";

  public ZoneSnippetConfigMap() {
    super(ConfigMap.class);
  }

  public static String nameFor(SecureMailDomain domain) {
    return domain.getMetadata().getName() + "-dns-records";
  }

  @Override
  protected String name(SecureMailDomain domain) {
    return nameFor(domain);
  }

  @Override
  protected ConfigMap desired(SecureMailDomain domain, Context<SecureMailDomain> context) {
    var spec = domain.getSpec();
    String ref = domain.getMetadata().getNamespace() + "/" + domain.getMetadata().getName();
    return new ConfigMapBuilder()
        .withNewMetadata()
          .withName(nameFor(domain))
          .withNamespace(domain.getMetadata().getNamespace())
          .withLabels(Labels.forDomainPart(domain, Labels.PART_DNS_RECORDS))
        .endMetadata()
        .addToData(DATA_KEY, ZoneSnippet.render(spec.getDomain(), ref, DesiredRecords.in(context)))
        .build();
  }
}
