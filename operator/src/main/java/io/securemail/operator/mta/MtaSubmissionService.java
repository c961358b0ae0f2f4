package io.securemail.operator.mta;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.DomainDependent;
import io.securemail.operator.kube.Labels;

/**
 * The MTA's submission Service ({@link MtaManifests#submissionService}), a ClusterIP Service for
 * port 587, kept as planned while submission is open.
 */
@KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class MtaSubmissionService extends DomainDependent<Service> {

  public MtaSubmissionService() {
    super(Service.class);
  }

  @Override
  protected String name(SecureMailDomain domain) {
    return MtaManifests.submissionName(domain);
  }
}
