package io.securemail.operator.certs;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.DomainDependent;
import io.securemail.operator.kube.Labels;

/** The mta-sts host's cert-manager Certificate ({@link CertificateManifests}), kept while an issuer is named. */
@KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR + "," + Labels.PART + "="
        + Labels.PART_MTA_STS))
public class MtaStsCertificate extends DomainDependent<Certificate> {

  public MtaStsCertificate() {
    super(Certificate.class);
  }

  @Override
  protected String name(SecureMailDomain domain) {
    return CertNames.mtaSts(domain);
  }
}
