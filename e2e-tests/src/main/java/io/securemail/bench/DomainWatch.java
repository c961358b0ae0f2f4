package io.securemail.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.securemail.operator.api.SecureMailDomain;
import java.util.function.Predicate;

/**
 * The benchmark's view of the domains: one list, then a watch, as a controller sees them. Listing
 * a thousand domains every poll instead (each a quorum read of every object from etcd) loaded the
 * API server the benchmark measures: at 1,000 domains such a list took more than 10 s to answer.
 */
final class DomainWatch implements AutoCloseable {

  private final SharedIndexInformer<SecureMailDomain> informer;

  private DomainWatch(SharedIndexInformer<SecureMailDomain> informer) {
    this.informer = informer;
  }

  /** Watches the domains of every namespace; returns once the first list is in. */
  static DomainWatch start(KubernetesClient client) {
    return new DomainWatch(client.resources(SecureMailDomain.class).inAnyNamespace().inform());
  }

  /** How many domains, as last seen, match. */
  int count(Predicate<SecureMailDomain> which) {
    return (int) informer.getStore().list().stream().filter(which).count();
  }

  @Override
  public void close() {
    informer.close();
  }
}
