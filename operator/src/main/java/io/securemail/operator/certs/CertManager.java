package io.securemail.operator.certs;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.CertificateCondition;
import io.fabric8.certmanager.api.model.v1.ClusterIssuer;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.certmanager.api.model.v1.IssuerCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.InstalledCrds;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator's side of cert-manager's API: Certificates are written only when they differ (an
 * idle reconcile writes nothing), and what cert-manager says about them and their issuer is read
 * back into one verdict. Written directly rather than as Java Operator SDK dependents, because
 * cert-manager is optional and an informer on a missing CRD fails.
 */
public final class CertManager {

  public static final String CRD = "certificates.cert-manager.io";

  /** What cert-manager says about the issuer and one Certificate. */
  public record Verdict(boolean ready, String reason, String message) {
    static Verdict ok() {
      return new Verdict(true, "Ready", "");
    }
  }

  private CertManager() {}

  public static boolean installed(KubernetesClient client) {
    return InstalledCrds.installed(client, CRD);
  }

  /**
   * Creates or updates the Certificate; a no-op when spec, labels and owner already agree.
   *
   * @return the Certificate as the API server has it now (its status is cert-manager's verdict)
   */
  public static Certificate apply(KubernetesClient client, Certificate desired) {
    var certificates = client.resources(Certificate.class).inNamespace(desired.getMetadata().getNamespace());
    Certificate existing = certificates.withName(desired.getMetadata().getName()).get();
    if (existing != null && Objects.equals(existing.getSpec(), desired.getSpec())
        && existing.getMetadata().getLabels() != null
        && existing.getMetadata().getLabels().entrySet().containsAll(desired.getMetadata().getLabels().entrySet())
        && !existing.getMetadata().getOwnerReferences().isEmpty()) {
      return existing;
    }
    return certificates.resource(desired).forceConflicts().serverSideApply();
  }

  /** Whether the spec's issuer exists and says it is Ready (cert-manager's own Ready condition). */
  public static Verdict issuer(KubernetesClient client, SecureMailDomain domain) {
    IssuerRef ref = domain.getSpec().getCertificates().getIssuerRef();
    if (!"cert-manager.io".equals(ref.getGroup())) {
      return Verdict.ok(); // an external issuer: its own controller reports on the requests
    }
    List<IssuerCondition> conditions;
    String what;
    if (ref.getKind() == IssuerRef.Kind.CLUSTER_ISSUER) {
      ClusterIssuer issuer = client.resources(ClusterIssuer.class).withName(ref.getName()).get();
      what = "ClusterIssuer " + ref.getName();
      conditions = issuer == null ? null : issuer.getStatus() == null ? List.of() : issuer.getStatus().getConditions();
    } else {
      Issuer issuer = client.resources(Issuer.class).inNamespace(domain.getMetadata().getNamespace())
          .withName(ref.getName()).get();
      what = "Issuer " + domain.getMetadata().getNamespace() + "/" + ref.getName();
      conditions = issuer == null ? null : issuer.getStatus() == null ? List.of() : issuer.getStatus().getConditions();
    }
    if (conditions == null) {
      return new Verdict(false, "IssuerNotFound", what + " (spec.certificates.issuerRef) does not exist");
    }
    Optional<IssuerCondition> ready = conditions.stream().filter(c -> "Ready".equals(c.getType())).findFirst();
    if (ready.isEmpty() || !"True".equals(ready.get().getStatus())) {
      return new Verdict(false, "IssuerNotReady", what + " is not Ready" + ready.map(c -> ": " + c.getMessage()).orElse(""));
    }
    return Verdict.ok();
  }

  /** cert-manager's verdict on one Certificate: Ready, still issuing, or failed (with its message). */
  public static Verdict certificate(Certificate certificate) {
    String name = certificate.getMetadata().getName();
    if (certificate.getStatus() == null || certificate.getStatus().getConditions() == null) {
      return new Verdict(false, "Issuing", "Certificate " + name + " is waiting for cert-manager");
    }
    List<CertificateCondition> conditions = certificate.getStatus().getConditions();
    Optional<CertificateCondition> ready = find(conditions, "Ready");
    Optional<CertificateCondition> issuing = find(conditions, "Issuing");
    if (issuing.filter(c -> "False".equals(c.getStatus()) && "Failed".equals(c.getReason())).isPresent()) {
      return new Verdict(false, "IssuanceFailed", "Certificate " + name + ": " + issuing.get().getMessage());
    }
    if (ready.filter(c -> "True".equals(c.getStatus())).isPresent()
        && issuing.filter(c -> "True".equals(c.getStatus())).isEmpty()) {
      return Verdict.ok();
    }
    return new Verdict(false, "Issuing", "Certificate " + name + " is being issued"
        + ready.map(c -> " (" + c.getReason() + ": " + c.getMessage() + ")").orElse(""));
  }

  private static Optional<CertificateCondition> find(List<CertificateCondition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
