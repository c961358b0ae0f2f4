package io.securemail.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.KeyAlgorithm;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CertificateManifestsTest {

  static SecureMailDomain domain() {
    var smd = new SecureMailDomain();
    smd.getMetadata().setName("example-com");
    smd.getMetadata().setNamespace("mail");
    smd.getMetadata().setUid("uid-1");
    var spec = new SecureMailDomainSpec();
    spec.setDomain("example.com");
    spec.setMx(List.of(new MxHost("MX2.example.com", 20), new MxHost("mx1.example.com", 10)));
    spec.getCertificates().setIssuerRef(new IssuerRef("letsencrypt", IssuerRef.Kind.CLUSTER_ISSUER));
    smd.setSpec(spec);
    return smd;
  }

  @Test
  void lineageCertificateKeepsTheOperatorsKeyAndNamesEveryMxHost() {
    var certificate = CertificateManifests.lineage(domain(), "b", KeyAlgorithm.ECDSA, 256);

    assertThat(certificate.getMetadata().getName()).isEqualTo("example-com-mx-b");
    assertThat(certificate.getSpec().getSecretName()).isEqualTo("example-com-mx-b");
    assertThat(certificate.getSpec().getDnsNames()).containsExactly("mx1.example.com", "mx2.example.com");
    assertThat(certificate.getSpec().getPrivateKey().getRotationPolicy()).isEqualTo("Never");
    assertThat(certificate.getSpec().getPrivateKey().getAlgorithm()).isEqualTo("ECDSA");
    assertThat(certificate.getSpec().getPrivateKey().getEncoding()).isEqualTo("PKCS8");
    assertThat(certificate.getSpec().getIssuerRef().getKind()).isEqualTo("ClusterIssuer");
    assertThat(certificate.getSpec().getIssuerRef().getGroup()).isEqualTo("cert-manager.io");
    assertThat(certificate.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo("uid-1"));
  }

  @Test
  void lineageCertificateDescribesTheKeyInTheSecretNotTheSpecsWish() {
    var smd = domain();
    smd.getSpec().getCertificates().setKeyAlgorithm(KeyAlgorithm.ECDSA);

    var certificate = CertificateManifests.lineage(smd, "a", KeyAlgorithm.RSA, 3072);

    assertThat(certificate.getSpec().getPrivateKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(certificate.getSpec().getPrivateKey().getSize()).isEqualTo(3072);
  }

  @Test
  void mtaStsCertificateNamesTheMtaStsHostAndRotatesItsKey() {
    var certificate = CertificateManifests.mtaSts(domain());

    assertThat(certificate.getSpec().getDnsNames()).containsExactly("mta-sts.example.com");
    assertThat(certificate.getSpec().getSecretName()).isEqualTo("example-com-mta-sts-tls");
    assertThat(certificate.getSpec().getPrivateKey().getRotationPolicy()).isEqualTo("Always");
  }

  /**
   * Each Certificate is seen by exactly the dependent that applies it: one that no informer sees
   * would be applied at every reconcile, one seen by several would be cached several times.
   */
  @Test
  void eachCertificateIsSelectedByTheInformerOfItsOwnDependentOnly() {
    Map<Class<?>, Certificate> applied = Map.of(
        LineageACertificate.class, CertificateManifests.lineage(domain(), CertNames.LINEAGE_A, KeyAlgorithm.ECDSA, 256),
        LineageBCertificate.class, CertificateManifests.lineage(domain(), CertNames.LINEAGE_B, KeyAlgorithm.ECDSA, 256),
        MtaStsCertificate.class, CertificateManifests.mtaSts(domain()));

    applied.forEach((dependent, certificate) -> {
      List<Class<?>> selecting = applied.keySet().stream()
          .filter(d -> selects(d.getAnnotation(KubernetesDependent.class).informer().labelSelector(),
              certificate.getMetadata().getLabels()))
          .toList();
      assertThat(selecting).as(certificate.getMetadata().getName()).containsExactly(dependent);
    });
  }

  /** Equality-based label selectors (key=value, comma-separated), the only kind the operator uses. */
  private static boolean selects(String selector, Map<String, String> labels) {
    return java.util.Arrays.stream(selector.split(",")).map(term -> term.split("=", 2))
        .allMatch(kv -> kv[1].equals(labels.get(kv[0])));
  }
}
