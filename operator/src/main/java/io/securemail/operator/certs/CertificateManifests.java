package io.securemail.operator.certs;

import io.fabric8.certmanager.api.model.meta.v1.ObjectReferenceBuilder;
import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.CertificateBuilder;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.KeyAlgorithm;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.Labels;
import io.securemail.operator.kube.OwnerReferences;
import java.util.List;

/**
 * The cert-manager Certificates of a domain, as pure functions of the spec.
 *
 * <p>MX lineages use {@code privateKey.rotationPolicy: Never}: cert-manager then generates a key
 * only when the Secret holds none, and otherwise issues for the key already there (its API
 * reference for CertificatePrivateKey says so; a key of another algorithm or size makes it wait
 * for "user intervention" instead). The operator writes the key into the Secret first, so every
 * issuance and renewal of a lineage is for the operator's key and its TLSA stays valid. The
 * algorithm and size in the Certificate are those of the key in the Secret, never the spec's
 * wish, so cert-manager never sees a mismatch; a changed spec reaches the next key the operator
 * generates.
 */
public final class CertificateManifests {

  static final String API_VERSION = "cert-manager.io/v1";

  private CertificateManifests() {}

  public static List<String> mxHosts(SecureMailDomain domain) {
    return domain.getSpec().getMx().stream().map(MxHost::getHost).map(String::toLowerCase).sorted().distinct().toList();
  }

  public static Certificate lineage(SecureMailDomain domain, String lineage, KeyAlgorithm algorithm, int bits) {
    var name = CertNames.lineage(domain, lineage);
    return base(domain, name, name, mxHosts(domain), CertNames.LINEAGE_A.equals(lineage) ? Labels.PART_MX_LINEAGE_A
        : Labels.PART_MX_LINEAGE_B)
        .editSpec()
          .withNewPrivateKey()
            .withAlgorithm(algorithm.name())
            .withSize(algorithm == KeyAlgorithm.RSA ? bits : 256)
            .withEncoding("PKCS8")
            .withRotationPolicy("Never")
          .endPrivateKey()
        .endSpec()
        .build();
  }

  /** The mta-sts host's certificate: only PKIX matters for it (RFC 8461 section 3.3), so keys rotate freely. */
  public static Certificate mtaSts(SecureMailDomain domain) {
    var certs = domain.getSpec().getCertificates();
    boolean rsa = certs.getKeyAlgorithm() == KeyAlgorithm.RSA;
    return base(domain, CertNames.mtaSts(domain), CertNames.mtaStsSecret(domain),
        List.of("mta-sts." + domain.getSpec().getDomain().toLowerCase()), Labels.PART_MTA_STS)
        .editSpec()
          .withNewPrivateKey()
            .withAlgorithm(certs.getKeyAlgorithm().name())
            .withSize(rsa ? (certs.getRsaKeySize() == null ? KeyPairs.DEFAULT_RSA_BITS : certs.getRsaKeySize()) : 256)
            .withEncoding("PKCS8")
            .withRotationPolicy("Always")
          .endPrivateKey()
        .endSpec()
        .build();
  }

  private static CertificateBuilder base(SecureMailDomain domain, String name, String secretName,
      List<String> dnsNames, String part) {
    IssuerRef issuer = domain.getSpec().getCertificates().getIssuerRef();
    return new CertificateBuilder()
        .withApiVersion(API_VERSION).withKind("Certificate")
        .withNewMetadata()
          .withName(name).withNamespace(domain.getMetadata().getNamespace())
          .withLabels(Labels.forDomainPart(domain, part))
          .withOwnerReferences(OwnerReferences.to(domain))
        .endMetadata()
        .withNewSpec()
          .withSecretName(secretName)
          .withCommonName(dnsNames.get(0))
          .withDnsNames(dnsNames)
          .withUsages("digital signature", "server auth")
          .withIssuerRef(new ObjectReferenceBuilder().withName(issuer.getName())
              .withKind(issuer.getKind() == IssuerRef.Kind.CLUSTER_ISSUER ? "ClusterIssuer" : "Issuer")
              .withGroup(issuer.getGroup()).build())
        .endSpec();
  }
}
