package io.securemail.operator.certs;

import io.fabric8.certmanager.api.model.v1.ClusterIssuer;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.kube.RecentReads;

/**
 * cert-manager's issuers as the domains read them: the Ready verdict ({@link CertManager#issuer})
 * and the ACME account for CAA ({@link AcmeAccount}) ask for the same object, shared for a moment
 * ({@link RecentReads}) since every domain names the same few issuers.
 */
final class Issuers {

  private Issuers() {}

  /** The ClusterIssuer, or null when it does not exist. */
  static ClusterIssuer clusterIssuer(KubernetesClient client, String name) {
    return RecentReads.SHARED.get(new RecentReads.Key("ClusterIssuer", null, name),
        () -> client.resources(ClusterIssuer.class).withName(name).get());
  }

  /** The Issuer of {@code namespace}, or null when it does not exist. */
  static Issuer issuer(KubernetesClient client, String namespace, String name) {
    return RecentReads.SHARED.get(new RecentReads.Key("Issuer", namespace, name),
        () -> client.resources(Issuer.class).inNamespace(namespace).withName(name).get());
  }
}
