package io.securemail.operator.tenancy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.kube.SlimStore;

/**
 * The claims informer's cache: of each SecureMailDomain only what a claim is decided on (name,
 * namespace, uid, creation and deletion time, spec.domain). The controller's own cache already
 * holds every resource whole; a second whole copy, status and all, would double the operator's
 * memory per domain for a few fields.
 */
final class ClaimStore extends SlimStore<SecureMailDomain> {

  ClaimStore() {
    super(ClaimStore::slim);
  }

  static SecureMailDomain slim(SecureMailDomain domain) {
    var meta = domain.getMetadata();
    SecureMailDomain slim = new SecureMailDomain();
    slim.setMetadata(new ObjectMetaBuilder().withName(meta.getName()).withNamespace(meta.getNamespace())
        .withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion()).withGeneration(meta.getGeneration())
        .withCreationTimestamp(meta.getCreationTimestamp()).withDeletionTimestamp(meta.getDeletionTimestamp())
        .build());
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain(domain.getSpec() == null ? null : domain.getSpec().getDomain());
    slim.setSpec(spec);
    slim.setStatus(null);
    return slim;
  }
}
