package io.securemail.operator.dns;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The owner id in this operator's DNS ownership records. Two clusters publishing into one zone
 * must not take each other's records for their own, so unless {@code securemail.owner-id} names
 * one, it is derived from the UID of namespace kube-system, which every cluster has and which
 * differs from cluster to cluster (and survives operator reinstalls).
 */
@ApplicationScoped
public class OwnerId {

  /** The owner id every installation used before it was derived per cluster. */
  public static final String LEGACY = "securemail-operator";

  private final Optional<String> configured;
  private volatile String derived;

  public OwnerId(@ConfigProperty(name = "securemail.owner-id") Optional<String> configured) {
    this.configured = configured.map(String::trim).filter(s -> !s.isEmpty());
  }

  /**
   * @throws DnsFailure when the id must be derived and kube-system cannot be read; publishing
   *     under a guessed id could claim another cluster's records
   */
  public String get(KubernetesClient client) throws DnsFailure {
    if (configured.isPresent()) {
      return configured.get();
    }
    String id = derived;
    if (id == null) {
      id = "cluster-" + kubeSystemUid(client);
      derived = id;
    }
    return id;
  }

  private static String kubeSystemUid(KubernetesClient client) throws DnsFailure {
    try {
      Namespace kubeSystem = client.namespaces().withName("kube-system").get();
      if (kubeSystem != null && kubeSystem.getMetadata().getUid() != null) {
        return kubeSystem.getMetadata().getUid();
      }
      throw new DnsFailure(DnsFailure.Reason.OwnerIdUnknown, "namespace kube-system was not found, so the "
          + "operator cannot derive its owner id for DNS ownership records; set securemail.owner-id "
          + "(the chart's operator.ownerId)");
    } catch (KubernetesClientException e) {
      throw new DnsFailure(DnsFailure.Reason.OwnerIdUnknown, "reading namespace kube-system to derive the owner id "
          + "for DNS ownership records failed (HTTP " + e.getCode() + "); grant get on it or set "
          + "securemail.owner-id (the chart's operator.ownerId)", e);
    }
  }
}
