package io.securemail.operator.tlsrpt;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The domains whose reports the operator receives: every SecureMailDomain with {@code spec.tlsRpt}
 * set, as the reconciler last saw it. The reconciler tells it of each resource it reconciles and of
 * each it cleans up; a resource whose {@code spec.tlsRpt} went away is forgotten at its next reconcile.
 */
@ApplicationScoped
public class ReportedDomains {

  private final Map<String, SecureMailDomain> byDomain = new ConcurrentHashMap<>();

  /** The resource as reconciled now. */
  public void saw(SecureMailDomain resource) {
    if (resource.getSpec() == null || resource.getSpec().getDomain() == null) {
      return;
    }
    String name = StoredReport.domainName(resource.getSpec().getDomain());
    if (resource.getSpec().getTlsRpt() != null && resource.getMetadata().getDeletionTimestamp() == null) {
      byDomain.put(name, slim(resource));
    } else {
      forget(resource);
    }
  }

  /** The resource is going away. */
  public void forget(SecureMailDomain resource) {
    if (resource.getSpec() == null || resource.getSpec().getDomain() == null) {
      return;
    }
    String name = StoredReport.domainName(resource.getSpec().getDomain());
    SecureMailDomain known = byDomain.get(name);
    if (known != null && sameResource(known, resource)) {
      byDomain.remove(name, known);
    }
  }

  /** The resource managing a domain's reports, if any. */
  public Optional<SecureMailDomain> managing(String domain) {
    return domain == null ? Optional.empty() : Optional.ofNullable(byDomain.get(StoredReport.domainName(domain)));
  }

  /**
   * What a report needs of its resource: who it is (for its events, metrics and journal) and its
   * mail domain. Not the whole resource: that is in the controller's cache already, status and all,
   * and a second copy of every domain cost a quarter of the live heap at a thousand domains.
   */
  static SecureMailDomain slim(SecureMailDomain resource) {
    var meta = resource.getMetadata();
    SecureMailDomain slim = new SecureMailDomain();
    slim.setMetadata(new ObjectMetaBuilder().withName(meta.getName()).withNamespace(meta.getNamespace())
        .withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion()).withGeneration(meta.getGeneration())
        .build());
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain(resource.getSpec().getDomain());
    spec.setTlsRpt(resource.getSpec().getTlsRpt());
    slim.setSpec(spec);
    return slim;
  }

  private static boolean sameResource(SecureMailDomain a, SecureMailDomain b) {
    return a.getMetadata().getNamespace().equals(b.getMetadata().getNamespace())
        && a.getMetadata().getName().equals(b.getMetadata().getName());
  }
}
