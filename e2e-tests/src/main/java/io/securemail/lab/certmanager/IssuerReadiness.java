package io.securemail.lab.certmanager;

import io.fabric8.certmanager.api.model.v1.ClusterIssuer;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.certmanager.api.model.v1.IssuerCondition;
import io.fabric8.certmanager.api.model.v1.IssuerSpec;
import io.fabric8.certmanager.api.model.v1.IssuerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.securemail.lab.support.LabPki;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * cert-manager's issuer controller for CA issuers: an Issuer or ClusterIssuer with spec.ca is
 * Ready=True (reason KeyPairVerified, "Signing CA verified") when the Secret spec.ca.secretName
 * holds a certificate and its key, else Ready=False (ErrGetKeyPair when the Secret cannot be read,
 * ErrInvalidKeyPair when its content is unusable). A ClusterIssuer's Secret is looked up in the
 * cluster resource namespace, {@value LabIssuer#CA_NAMESPACE}. Issuers of other types are left
 * alone (their requests stay pending).
 */
final class IssuerReadiness {

  /** A CA's key and certificate chain (the CA first). */
  record CaKeyPair(KeyPair key, List<X509Certificate> chain) {}

  private final KubernetesClient client;
  private final IssuerState state;

  IssuerReadiness(KubernetesClient client, IssuerState state) {
    this.client = client;
    this.state = state;
  }

  void syncAll() {
    for (Issuer issuer : state.issuers.getStore().list()) {
      sync(issuer);
    }
    for (ClusterIssuer issuer : state.clusterIssuers.getStore().list()) {
      sync(issuer);
    }
  }

  private void sync(HasMetadata issuer) {
    IssuerSpec spec = LabIssuer.specOf(issuer);
    if (spec == null || spec.getCa() == null) {
      return;
    }
    String secretName = spec.getCa().getSecretName();
    String namespace = issuer instanceof ClusterIssuer ? LabIssuer.CA_NAMESPACE : issuer.getMetadata().getNamespace();
    String value = "True";
    String reason = "KeyPairVerified";
    String message = "Signing CA verified";
    try {
      keyPair(state.secret(namespace, secretName), secretName);
    } catch (KeyPairException e) {
      value = "False";
      reason = e.reason;
      message = "Error getting keypair for CA issuer: " + e.getMessage();
    }
    IssuerStatus status = LabIssuer.statusOf(issuer);
    List<IssuerCondition> current = status == null ? null : status.getConditions();
    IssuerCondition ready = current == null ? null
        : current.stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
    Long generation = issuer.getMetadata().getGeneration();
    if (ready != null && value.equals(ready.getStatus()) && reason.equals(ready.getReason())
        && message.equals(ready.getMessage()) && Objects.equals(generation, ready.getObservedGeneration())) {
      return;
    }
    // The informer's copy is shared: the update goes through a copy.
    HasMetadata copy = client.getKubernetesSerialization().clone(issuer);
    IssuerStatus updated = status == null ? new IssuerStatus() : client.getKubernetesSerialization().clone(status);
    updated.setConditions(LabIssuer.Conditions.setIssuer(current, value, reason, message, generation));
    if (copy instanceof ClusterIssuer ci) {
      ci.setStatus(updated);
    } else {
      ((Issuer) copy).setStatus(updated);
    }
    try {
      state.wrote(client.resource(copy).updateStatus());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409 && e.getCode() != 404) {
        System.out.printf("[lab] cert-manager stand-in: status of %s %s: %s%n", issuer.getKind(),
            issuer.getMetadata().getName(), e.getMessage());
      }
      // changed or deleted meanwhile: the next pass looks again
    }
  }

  /** The CA in the Secret, or why there is none usable. */
  static CaKeyPair keyPair(Secret secret, String secretName) throws KeyPairException {
    if (secret == null) {
      throw new KeyPairException("ErrGetKeyPair", "secrets \"" + secretName + "\" not found");
    }
    try {
      List<X509Certificate> chain = LabPki.parseCertificates(IssuancePolicies.data(secret, "tls.crt"));
      KeyPair key = LabPki.parsePrivateKey(IssuancePolicies.data(secret, "tls.key"));
      if (!LabPki.samePublicKey(chain.get(0).getPublicKey(), key.getPublic())) {
        throw new KeyPairException("ErrInvalidKeyPair", "the private key does not match the certificate");
      }
      return new CaKeyPair(key, chain);
    } catch (IllegalArgumentException e) {
      throw new KeyPairException("ErrInvalidKeyPair", e.getMessage());
    }
  }

  static final class KeyPairException extends Exception {
    final String reason;

    KeyPairException(String reason, String message) {
      super(message);
      this.reason = reason;
    }
  }
}
