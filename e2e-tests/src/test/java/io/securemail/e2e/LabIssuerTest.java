package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.CertificateBuilder;
import io.fabric8.certmanager.api.model.v1.CertificateCondition;
import io.fabric8.certmanager.api.model.v1.CertificateRequest;
import io.fabric8.certmanager.api.model.v1.CertificateRequestCondition;
import io.fabric8.certmanager.api.model.v1.ClusterIssuer;
import io.fabric8.certmanager.api.model.v1.ClusterIssuerBuilder;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.certmanager.api.model.v1.IssuerBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.certmanager.LabIssuer;
import io.securemail.lab.support.LabPki;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lab's cert-manager stand-in: key handling under both rotation policies (also through a
 * manual renewal), the Secret in cert-manager's format, and cert-manager's conditions when the
 * issuer is missing, refuses, or the kept key does not fit the spec.
 */
@ExtendWith(LabExtension.class)
class LabIssuerTest {

  static final String NS = "lab-issuer";
  static final Duration ISSUED = Duration.ofSeconds(20);
  static KubernetesClient client;
  static LabIssuer issuer;

  @BeforeAll
  static void sharedLab(Lab lab) {
    client = lab.client();
    issuer = lab.issuer();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
  }

  @Test
  void labCaClusterIssuerIsReady() {
    ClusterIssuer ca = client.resources(ClusterIssuer.class).withName("lab-ca").get();
    assertThat(ca.getSpec().getCa().getSecretName()).isEqualTo("lab-ca");
    assertThat(ca.getStatus().getConditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("KeyPairVerified");
    });
    assertThat(LabPki.isSelfSigned(issuer.caCertificate())).isTrue();
    assertThat(issuer.caCertificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(LabPki.parseCertificates(issuer.caCertificatePem())).containsExactly(issuer.caCertificate());
  }

  @Test
  void rotationPolicyNeverKeepsThePreplacedKeyThroughIssuanceAndRenewal() throws Exception {
    KeyPair preplaced = LabPki.generateEcdsa();
    // A Secret made beforehand, holding only the key (PKCS#8), with metadata of its own.
    client.secrets().inNamespace(NS).resource(new SecretBuilder()
        .withNewMetadata().withName("never-tls").addToLabels("app", "mail").addToAnnotations("note", "keep me")
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of("tls.key", base64(LabPki.privateKeyPem(preplaced.getPrivate(), true))))
        .build()).create();
    client.resource(certificate("never", "never-tls", List.of("mx1.never.test", "mx2.never.test"), "Never")).create();

    Certificate first = awaitCertificate("never", c -> revision(c) == 1 && ready(c, "True"));
    assertThat(issuer.issuances(NS, "never")).isEqualTo(1);
    Secret secret = secret("never-tls");
    assertThat(encoded(publicKeyOf(secret))).isEqualTo(encoded(preplaced.getPublic()));
    assertThat(encoded(leaf(secret).getPublicKey())).isEqualTo(encoded(preplaced.getPublic()));
    // The Secret is updated in place: its type, labels and annotations stay.
    assertThat(secret.getType()).isEqualTo("Opaque");
    assertThat(secret.getMetadata().getLabels()).containsEntry("app", "mail")
        .containsEntry("controller.cert-manager.io/fao", "true");
    assertThat(secret.getMetadata().getAnnotations()).containsEntry("note", "keep me");
    // Key encoding PKCS1 (the default) re-encodes the kept ECDSA key in SEC 1.
    assertThat(data(secret, "tls.key")).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(condition(first, "Issuing")).isEmpty();

    X509Certificate firstLeaf = leaf(secret);
    issuer.renew(NS, "never");
    awaitCertificate("never", c -> revision(c) == 2 && ready(c, "True"));
    assertThat(issuer.issuances(NS, "never")).isEqualTo(2);
    Secret renewed = secret("never-tls");
    assertThat(leaf(renewed).getSerialNumber()).isNotEqualTo(firstLeaf.getSerialNumber());
    assertThat(encoded(publicKeyOf(renewed))).isEqualTo(encoded(preplaced.getPublic()));
    assertThat(encoded(leaf(renewed).getPublicKey())).isEqualTo(encoded(preplaced.getPublic()));
    // cert-manager keeps one CertificateRequest (revisionHistoryLimit 1).
    await().atMost(ISSUED).until(() -> requests("never").equals(List.of("never-2")));
  }

  @Test
  void rotationPolicyAlwaysMakesANewKeyForEveryIssuance() {
    KeyPair preplaced = LabPki.generateEcdsa();
    client.secrets().inNamespace(NS).resource(new SecretBuilder()
        .withNewMetadata().withName("always-tls").endMetadata()
        .withData(Map.of("tls.key", base64(LabPki.privateKeyPem(preplaced.getPrivate(), false))))
        .build()).create();
    client.resource(certificate("always", "always-tls", List.of("mx.always.test"), "Always")).create();

    awaitCertificate("always", c -> revision(c) == 1 && ready(c, "True"));
    PublicKey firstKey = publicKeyOf(secret("always-tls"));
    assertThat(encoded(firstKey)).isNotEqualTo(encoded(preplaced.getPublic()));
    assertThat(encoded(leaf(secret("always-tls")).getPublicKey())).isEqualTo(encoded(firstKey));

    issuer.renew(NS, "always");
    awaitCertificate("always", c -> revision(c) == 2 && ready(c, "True"));
    PublicKey secondKey = publicKeyOf(secret("always-tls"));
    assertThat(encoded(secondKey)).isNotEqualTo(encoded(firstKey)).isNotEqualTo(encoded(preplaced.getPublic()));
    assertThat(encoded(leaf(secret("always-tls")).getPublicKey())).isEqualTo(encoded(secondKey));
    assertThat(issuer.issuances(NS, "always")).isEqualTo(2);
  }

  @Test
  void secretAndStatusAreInCertManagerFormat() throws Exception {
    Certificate spec = certificate("format", "format-tls", List.of("mx.format.test", "mx2.format.test"), null);
    spec.getSpec().setPrivateKey(null); // defaults: RSA 2048, rotation Always, PKCS1
    client.resource(spec).create();

    Certificate issued = awaitCertificate("format", c -> revision(c) == 1 && ready(c, "True"));
    Secret secret = secret("format-tls");
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
    assertThat(secret.getMetadata().getAnnotations())
        .containsEntry("cert-manager.io/certificate-name", "format")
        .containsEntry("cert-manager.io/issuer-name", "lab-ca")
        .containsEntry("cert-manager.io/issuer-kind", "ClusterIssuer")
        .containsEntry("cert-manager.io/issuer-group", "cert-manager.io")
        .containsEntry("cert-manager.io/common-name", "mx.format.test")
        .containsEntry("cert-manager.io/alt-names", "mx.format.test,mx2.format.test");
    // A root CA's certificates: the leaf alone in tls.crt, the root in ca.crt.
    List<X509Certificate> chain = LabPki.parseCertificates(data(secret, "tls.crt"));
    assertThat(chain).hasSize(1);
    assertThat(LabPki.parseCertificates(data(secret, "ca.crt"))).containsExactly(issuer.caCertificate());
    assertThat(data(secret, "tls.key")).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    X509Certificate leaf = chain.get(0);
    assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(LabPki.dnsNames(leaf)).containsExactly("mx.format.test", "mx2.format.test");
    assertThat(LabPki.commonName(leaf)).isEqualTo("mx.format.test");
    assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofDays(90));
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThatNoException(() -> leaf.verify(issuer.caCertificate().getPublicKey()));

    CertificateCondition ready = condition(issued, "Ready").orElseThrow();
    assertThat(ready.getReason()).isEqualTo("Ready");
    assertThat(ready.getMessage()).isEqualTo("Certificate is up to date and has not expired");
    assertThat(ready.getObservedGeneration()).isEqualTo(issued.getMetadata().getGeneration());
    assertThat(Instant.parse(issued.getStatus().getNotAfter())).isEqualTo(leaf.getNotAfter().toInstant());
    assertThat(Instant.parse(issued.getStatus().getNotBefore())).isEqualTo(leaf.getNotBefore().toInstant());
    // Renewal a third of the lifetime (30 days) before expiry.
    assertThat(Instant.parse(issued.getStatus().getRenewalTime()))
        .isEqualTo(leaf.getNotAfter().toInstant().minus(Duration.ofDays(30)));

    CertificateRequest request = client.resources(CertificateRequest.class).inNamespace(NS).withName("format-1").get();
    assertThat(request.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(issued.getMetadata().getUid()));
    assertThat(requestCondition(request, "Approved").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(requestCondition(request, "Ready").orElseThrow().getReason()).isEqualTo("Issued");

    // Changing the names re-issues (cert-manager: RequestChanged).
    client.resources(Certificate.class).inNamespace(NS).withName("format").edit(c -> {
      c.getSpec().setDnsNames(List.of("mx3.format.test"));
      return c;
    });
    awaitCertificate("format", c -> revision(c) == 2 && ready(c, "True"));
    assertThat(LabPki.dnsNames(leaf(secret("format-tls")))).containsExactly("mx3.format.test");
  }

  @Test
  void missingIssuerLeavesTheRequestPendingUntilTheIssuerExists() {
    client.resource(new CertificateBuilder()
        .withNewMetadata().withName("orphan").withNamespace(NS).endMetadata()
        .withNewSpec().withSecretName("orphan-tls").withDnsNames("mx.orphan.test")
          .withNewIssuerRef().withName("not-yet").withKind("Issuer").endIssuerRef()
        .endSpec().build()).create();

    Certificate waiting = awaitCertificate("orphan", c -> condition(c, "Issuing").isPresent()
        && condition(c, "Ready").isPresent());
    assertCondition(waiting, "Issuing", "True", "DoesNotExist", "Issuing certificate as Secret does not exist");
    assertCondition(waiting, "Ready", "False", "DoesNotExist", "Issuing certificate as Secret does not exist");
    CertificateRequest pending = await().atMost(ISSUED).until(
        () -> client.resources(CertificateRequest.class).inNamespace(NS).withName("orphan-1").get(),
        r -> r != null && requestCondition(r, "Ready").isPresent());
    CertificateRequestCondition ready = requestCondition(pending, "Ready").orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("Pending");
    assertThat(ready.getMessage()).isEqualTo("Referenced \"Issuer\" not found: issuer.cert-manager.io \"not-yet\" not found");
    assertThat(issuer.issuances(NS, "orphan")).isZero();

    // A CA Issuer in the namespace, with a copy of the lab CA: the waiting request is signed.
    Secret ca = client.secrets().inNamespace(LabIssuer.CA_NAMESPACE).withName(LabIssuer.CA_NAME).get();
    client.resource(new SecretBuilder().withNewMetadata().withName("copied-ca").withNamespace(NS).endMetadata()
        .withType(ca.getType()).withData(ca.getData()).build()).create();
    client.resource(new IssuerBuilder().withNewMetadata().withName("not-yet").withNamespace(NS).endMetadata()
        .withNewSpec().withNewCa().withSecretName("copied-ca").endCa().endSpec().build()).create();
    awaitCertificate("orphan", c -> revision(c) == 1 && ready(c, "True"));
    assertThat(issuer.issuances(NS, "orphan")).isEqualTo(1);
    assertThat(secret("orphan-tls").getMetadata().getAnnotations()).containsEntry("cert-manager.io/issuer-kind", "Issuer");
    assertThat(client.resources(Issuer.class).inNamespace(NS).withName("not-yet").get().getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("KeyPairVerified"));
  }

  @Test
  void refusingIssuerFailsTheIssuanceUntilRenewedAfterItStopsRefusing() {
    String refusal = "the lab CA refuses: policy says no";
    client.resource(new ClusterIssuerBuilder()
        .withNewMetadata().withName("lab-refusing").addToAnnotations(LabIssuer.REFUSE_ANNOTATION, refusal).endMetadata()
        .withNewSpec().withNewCa().withSecretName(LabIssuer.CA_NAME).endCa().endSpec().build()).create();
    Certificate spec = certificate("refused", "refused-tls", List.of("mx.refused.test"), "Always");
    spec.getSpec().getIssuerRef().setName("lab-refusing");
    client.resource(spec).create();

    Certificate failed = awaitCertificate("refused", c -> condition(c, "Issuing")
        .filter(i -> "False".equals(i.getStatus())).isPresent());
    assertCondition(failed, "Issuing", "False", "Failed",
        "The certificate request has failed to complete and will be retried: " + refusal);
    assertCondition(failed, "Ready", "False", "DoesNotExist", "Issuing certificate as Secret does not exist");
    assertThat(failed.getStatus().getFailedIssuanceAttempts()).isEqualTo(1);
    assertThat(failed.getStatus().getLastFailureTime()).isNotBlank();
    CertificateRequest request = client.resources(CertificateRequest.class).inNamespace(NS).withName("refused-1").get();
    assertThat(requestCondition(request, "Ready").orElseThrow().getReason()).isEqualTo("Failed");
    assertThat(request.getStatus().getFailureTime()).isNotBlank();
    assertThat(issuer.issuances(NS, "refused")).isZero();

    // Like cert-manager, no automatic retry within the back-off; a manual renewal retries at once.
    client.resources(ClusterIssuer.class).withName("lab-refusing").edit(ci -> {
      ci.getMetadata().getAnnotations().remove(LabIssuer.REFUSE_ANNOTATION);
      return ci;
    });
    issuer.renew(NS, "refused");
    Certificate issued = awaitCertificate("refused", c -> revision(c) == 1 && ready(c, "True"));
    assertThat(issued.getStatus().getFailedIssuanceAttempts()).isNull();
    assertThat(issued.getStatus().getLastFailureTime()).isNull();
    assertThat(issuer.issuances(NS, "refused")).isEqualTo(1);
  }

  @Test
  void damagedSecretIsReissued() {
    client.resource(certificate("damaged", "damaged-tls", List.of("mx.damaged.test"), "Always")).create();
    awaitCertificate("damaged", c -> revision(c) == 1 && ready(c, "True"));

    // An unreadable certificate (cert-manager: InvalidCertificate) ...
    client.secrets().inNamespace(NS).withName("damaged-tls").edit(s -> {
      s.getData().put("tls.crt", base64("not a certificate"));
      return s;
    });
    awaitCertificate("damaged", c -> revision(c) == 2 && ready(c, "True"));
    // ... and a key that is not the certificate's (InvalidKeyPair) are replaced.
    client.secrets().inNamespace(NS).withName("damaged-tls").edit(s -> {
      s.getData().put("tls.key", base64(LabPki.privateKeyPem(LabPki.generateEcdsa().getPrivate(), false)));
      return s;
    });
    awaitCertificate("damaged", c -> revision(c) == 3 && ready(c, "True"));
    Secret secret = secret("damaged-tls");
    assertThat(encoded(leaf(secret).getPublicKey())).isEqualTo(encoded(publicKeyOf(secret)));
    assertThat(issuer.issuances(NS, "damaged")).isEqualTo(3);
  }

  @Test
  void certificateIsRenewedRenewBeforeItsExpiry() throws Exception {
    Certificate spec = certificate("short", "short-tls", List.of("mx.short.test"), "Never");
    // Renewal due 2 s after issuance: a lifetime of one hour, renewed 59 min 58 s before its end.
    spec.getSpec().setDuration(io.fabric8.kubernetes.api.model.Duration.parse("1h"));
    spec.getSpec().setRenewBefore(io.fabric8.kubernetes.api.model.Duration.parse("59m58s"));
    client.resource(spec).create();
    try {
      Certificate first = awaitCertificate("short", c -> revision(c) == 1 && ready(c, "True"));
      assertThat(Instant.parse(first.getStatus().getRenewalTime()))
          .isEqualTo(Instant.parse(first.getStatus().getNotBefore()).plusSeconds(2));
      PublicKey key = publicKeyOf(secret("short-tls"));
      awaitCertificate("short", c -> revision(c) == 2 && ready(c, "True"));
      assertThat(encoded(publicKeyOf(secret("short-tls")))).isEqualTo(encoded(key));
    } finally {
      // Else it would be renewed every 2 s for the rest of the run.
      client.resources(Certificate.class).inNamespace(NS).withName("short").delete();
    }
  }

  @Test
  void keptKeyThatDoesNotFitTheSpecWaitsForTheUser() {
    KeyPair rsa = LabPki.generate(LabPki.KeySpec.of("RSA", 2048));
    client.secrets().inNamespace(NS).resource(new SecretBuilder()
        .withNewMetadata().withName("mismatch-tls").endMetadata()
        .withData(Map.of("tls.key", base64(LabPki.privateKeyPem(rsa.getPrivate(), false))))
        .build()).create();
    client.resource(certificate("mismatch", "mismatch-tls", List.of("mx.mismatch.test"), "Never")).create();

    Certificate waiting = awaitCertificate("mismatch", c -> condition(c, "Issuing").isPresent()
        && condition(c, "Ready").isPresent());
    assertCondition(waiting, "Issuing", "True", "MissingData",
        "Issuing certificate as Secret does not contain a certificate");
    assertCondition(waiting, "Ready", "False", "MissingData",
        "Issuing certificate as Secret does not contain a certificate");
    await().atMost(ISSUED).until(() -> client.v1().events().inNamespace(NS).list().getItems().stream()
        .anyMatch(e -> "CannotRegenerateKey".equals(e.getReason())
            && "mismatch".equals(e.getInvolvedObject().getName())
            && e.getMessage().contains("[spec.privateKey.algorithm]")));
    assertThat(client.resources(CertificateRequest.class).inNamespace(NS).withName("mismatch-1").get()).isNull();
    assertThat(issuer.issuances(NS, "mismatch")).isZero();
    assertThat(encoded(publicKeyOf(secret("mismatch-tls")))).isEqualTo(encoded(rsa.getPublic()));
  }

  // --- helpers ---

  /** A Certificate for the lab CA's ClusterIssuer, ECDSA P-256 keys. */
  static Certificate certificate(String name, String secretName, List<String> dnsNames, String rotationPolicy) {
    return new CertificateBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withNewSpec()
          .withSecretName(secretName)
          .withDnsNames(dnsNames)
          .withNewIssuerRef().withName("lab-ca").withKind("ClusterIssuer").withGroup("cert-manager.io").endIssuerRef()
          .withNewPrivateKey().withAlgorithm("ECDSA").withSize(256).withRotationPolicy(rotationPolicy).endPrivateKey()
        .endSpec()
        .build();
  }

  static Certificate awaitCertificate(String name, Predicate<Certificate> until) {
    return await().atMost(ISSUED).pollInterval(Duration.ofMillis(200)).until(
        () -> client.resources(Certificate.class).inNamespace(NS).withName(name).get(),
        c -> c != null && c.getStatus() != null && until.test(c));
  }

  static int revision(Certificate certificate) {
    return certificate.getStatus().getRevision() == null ? 0 : certificate.getStatus().getRevision();
  }

  static boolean ready(Certificate certificate, String value) {
    return condition(certificate, "Ready").filter(c -> value.equals(c.getStatus())).isPresent();
  }

  static Optional<CertificateCondition> condition(Certificate certificate, String type) {
    return certificate.getStatus().getConditions() == null ? Optional.empty()
        : certificate.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  static Optional<CertificateRequestCondition> requestCondition(CertificateRequest request, String type) {
    return request.getStatus() == null || request.getStatus().getConditions() == null ? Optional.empty()
        : request.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  static void assertCondition(Certificate certificate, String type, String status, String reason, String message) {
    CertificateCondition condition = condition(certificate, type).orElseThrow();
    assertThat(condition.getStatus()).as(type + " status").isEqualTo(status);
    assertThat(condition.getReason()).as(type + " reason").isEqualTo(reason);
    assertThat(condition.getMessage()).as(type + " message").isEqualTo(message);
    assertThat(condition.getObservedGeneration()).isEqualTo(certificate.getMetadata().getGeneration());
  }

  static List<String> requests(String certificate) {
    return client.resources(CertificateRequest.class).inNamespace(NS).list().getItems().stream()
        .filter(r -> r.getMetadata().getName().startsWith(certificate + "-"))
        .map(r -> r.getMetadata().getName()).sorted().toList();
  }

  static Secret secret(String name) {
    return client.secrets().inNamespace(NS).withName(name).get();
  }

  static String data(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.US_ASCII);
  }

  static PublicKey publicKeyOf(Secret secret) {
    return LabPki.parsePrivateKey(data(secret, "tls.key")).getPublic();
  }

  /** Keys compare by their encoding: the same key may come from different security providers. */
  static byte[] encoded(PublicKey key) {
    return key.getEncoded();
  }

  static X509Certificate leaf(Secret secret) {
    return LabPki.parseCertificates(data(secret, "tls.crt")).get(0);
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  static void assertThatNoException(ThrowingRunnable action) {
    org.assertj.core.api.Assertions.assertThatCode(action::run).doesNotThrowAnyException();
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
