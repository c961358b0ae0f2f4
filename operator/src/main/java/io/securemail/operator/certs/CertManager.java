package io.securemail.operator.certs;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.CertificateCondition;
import io.fabric8.certmanager.api.model.v1.ClusterIssuer;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.certmanager.api.model.v1.IssuerCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.SecureMailDomain;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.securemail.operator.kube.DomainDependent;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * The operator's side of cert-manager's API: the domain's three Certificates (only the mta-sts one
 * for a domain attached to a MailTransport) are planned for the
 * workflow's dependents ({@link LineageACertificate}, {@link LineageBCertificate},
 * {@link MtaStsCertificate}), which apply them and watch them; what cert-manager then says about
 * them and their issuer is read back into one verdict.
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

  /**
   * Plans the Certificates once an issuer is named (none before: a Certificate without an issuer
   * means nothing to cert-manager). The lineages' algorithm and size are those of the keys in
   * their Secrets (see {@link CertificateManifests}).
   */
  static void plan(SecureMailDomain domain, Context<SecureMailDomain> context, Map<String, LineageKeys> keys) {
    if (domain.getSpec().getCertificates().getIssuerRef() == null) {
      return;
    }
    DomainDependent.plan(context, MtaStsCertificate.class, CertificateManifests.mtaSts(domain));
    if (domain.getSpec().getTransport() != null) {
      return; // the MX hosts' lineages are the transport's
    }
    LineageKeys a = keys.get(CertNames.LINEAGE_A);
    LineageKeys b = keys.get(CertNames.LINEAGE_B);
    DomainDependent.plan(context, LineageACertificate.class,
        CertificateManifests.lineage(domain, CertNames.LINEAGE_A, a.algorithm(), a.bits()));
    DomainDependent.plan(context, LineageBCertificate.class,
        CertificateManifests.lineage(domain, CertNames.LINEAGE_B, b.algorithm(), b.bits()));
  }

  /**
   * After the workflow: cert-manager is installed (the Certificates' activation condition held),
   * the issuer is Ready, and each Certificate, as the informer has it, is Ready.
   */
  static Verdict verdict(SecureMailDomain domain, KubernetesClient client, Context<SecureMailDomain> context,
      WorkflowReconcileResult workflow) {
    if (domain.getSpec().getCertificates().getIssuerRef() == null) {
      return new Verdict(false, "IssuerNotConfigured", "spec.certificates.issuerRef is not set: name "
          + "the cert-manager Issuer or ClusterIssuer that signs the MX and mta-sts certificates");
    }
    boolean applied = workflow.getReconciledDependents().stream().anyMatch(d -> d instanceof MtaStsCertificate);
    if (!applied) {
      return new Verdict(false, "CertManagerNotInstalled", "cert-manager is not installed (no CRD " + CRD
          + "): install cert-manager, then the Certificates are created");
    }
    Verdict issuer = issuer(client, domain);
    if (!issuer.ready()) {
      return issuer;
    }
    for (String name : certificates(domain)) {
      Verdict verdict = DomainDependent.observed(context, Certificate.class, name).map(CertManager::certificate)
          .orElse(new Verdict(false, "Issuing", "Certificate " + name + " is waiting for cert-manager"));
      if (!verdict.ready()) {
        return verdict;
      }
    }
    return Verdict.ok();
  }

  /** The domain's Certificates: an attached domain's MX hosts are the transport's, and so are their lineages. */
  private static List<String> certificates(SecureMailDomain domain) {
    return domain.getSpec().getTransport() != null ? List.of(CertNames.mtaSts(domain))
        : List.of(CertNames.lineage(domain, CertNames.LINEAGE_A), CertNames.lineage(domain, CertNames.LINEAGE_B),
            CertNames.mtaSts(domain));
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
      ClusterIssuer issuer = Issuers.clusterIssuer(client, ref.getName());
      what = "ClusterIssuer " + ref.getName();
      conditions = issuer == null ? null : issuer.getStatus() == null ? List.of() : issuer.getStatus().getConditions();
    } else {
      Issuer issuer = Issuers.issuer(client, domain.getMetadata().getNamespace(), ref.getName());
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
