package io.securemail.operator.transport;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.SecureMailDomainStatus;
import io.securemail.operator.kube.Conditions;
import java.util.ArrayList;

/**
 * The transports' informer cache: fleet domains whole (their status is mirrored, their applied
 * digest compared); of every other SecureMailDomain only what attachment is decided on (name,
 * namespace, uid, owner references, creation and deletion time, spec.domain, spec.transport and
 * the Ready condition). The domain controller's cache already holds every resource whole; a
 * second whole copy would cost the operator's memory per domain for a few fields.
 */
final class TransportStore extends BasicItemStore<SecureMailDomain> {

  TransportStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public SecureMailDomain put(String key, SecureMailDomain domain) {
    return super.put(key, FleetDomain.isFleet(domain) ? domain : slim(domain));
  }

  static SecureMailDomain slim(SecureMailDomain domain) {
    var meta = domain.getMetadata();
    SecureMailDomain slim = new SecureMailDomain();
    slim.setMetadata(new ObjectMetaBuilder().withName(meta.getName()).withNamespace(meta.getNamespace())
        .withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion()).withGeneration(meta.getGeneration())
        .withCreationTimestamp(meta.getCreationTimestamp()).withDeletionTimestamp(meta.getDeletionTimestamp())
        .withOwnerReferences(meta.getOwnerReferences())
        .build());
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    if (domain.getSpec() != null) {
      spec.setDomain(domain.getSpec().getDomain());
      spec.setTransport(domain.getSpec().getTransport());
    }
    slim.setSpec(spec);
    if (domain.getSpec() != null && domain.getSpec().getTransport() != null && domain.getStatus() != null) {
      SecureMailDomainStatus status = new SecureMailDomainStatus();
      status.setConditions(new ArrayList<>());
      Conditions.find(domain.getStatus().getConditions(), Conditions.READY).ifPresent(status.getConditions()::add);
      slim.setStatus(status);
    } else {
      slim.setStatus(null);
    }
    return slim;
  }
}
