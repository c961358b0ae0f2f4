package io.securemail.operator.mta;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.DomainDependent;
import io.securemail.operator.kube.Labels;

/** The MTA's ConfigMap ({@link MtaManifests}), kept as planned while {@code spec.mta} is set. */
@KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR + "," + Labels.NO_PART))
public class MtaConfigMap extends DomainDependent<ConfigMap> {

  public MtaConfigMap() {
    super(ConfigMap.class);
  }

  @Override
  protected String name(SecureMailDomain domain) {
    return MtaManifests.name(domain);
  }
}
