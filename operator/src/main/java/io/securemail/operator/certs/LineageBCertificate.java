package io.securemail.operator.certs;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.DomainDependent;
import io.securemail.operator.kube.Labels;

/** MX lineage b's cert-manager Certificate ({@link CertificateManifests}), kept while an issuer is named. */
@KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR + "," + Labels.PART + "="
        + Labels.PART_MX_LINEAGE_B))
public class LineageBCertificate extends DomainDependent<Certificate> {

  public LineageBCertificate() {
    super(Certificate.class);
  }

  @Override
  protected String name(SecureMailDomain domain) {
    return CertNames.lineage(domain, CertNames.LINEAGE_B);
  }
}
