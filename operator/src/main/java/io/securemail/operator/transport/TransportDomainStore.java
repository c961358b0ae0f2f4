package io.securemail.operator.transport;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.SecureMailDomainStatus;
import io.securemail.operator.kube.SlimStore;

/**
 * The transports' cache of SecureMailDomains: each as a transport decides on it (metadata, spec,
 * status conditions, DANE state and transport), without the managed fields and the larger parts of
 * status a transport never reads (compliance results, record lists, the MTA-STS and TLS-RPT state).
 * Of a domain neither attached to a transport nor a fleet domain, a transport reads only its
 * metadata and the mail domain it holds ({@link Attachment}), so only those are kept.
 * The controller's own cache holds every domain whole; a second whole copy cost a quarter of the
 * operator's live heap at a thousand domains on one transport (docs/performance.md).
 */
final class TransportDomainStore extends SlimStore<SecureMailDomain> {

  TransportDomainStore() {
    super(TransportDomainStore::slim);
  }

  static SecureMailDomain slim(SecureMailDomain domain) {
    SecureMailDomain slim = new SecureMailDomain();
    slim.setMetadata(new ObjectMetaBuilder(domain.getMetadata()).withManagedFields().build());
    if (!TransportDomains.concernsATransport(domain)) {
      // Neither attached nor a fleet domain: a transport reads only which mail domain it holds.
      SecureMailDomainSpec spec = new SecureMailDomainSpec();
      spec.setDomain(domain.getSpec() == null ? null : domain.getSpec().getDomain());
      slim.setSpec(spec);
      slim.setStatus(null);
      return slim;
    }
    slim.setSpec(domain.getSpec());
    SecureMailDomainStatus whole = domain.getStatus();
    if (whole != null) {
      SecureMailDomainStatus status = new SecureMailDomainStatus();
      status.setObservedGeneration(whole.getObservedGeneration());
      status.setConditions(whole.getConditions());
      status.setDane(whole.getDane());
      status.setTransport(whole.getTransport());
      slim.setStatus(status);
    }
    return slim;
  }
}
