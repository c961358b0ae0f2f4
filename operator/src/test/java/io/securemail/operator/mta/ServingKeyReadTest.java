package io.securemail.operator.mta;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.certs.CertNames;
import io.securemail.operator.certs.KeyPairs;
import io.securemail.operator.certs.LineageKeys;
import io.securemail.operator.certs.LineageSecrets;
import io.securemail.operator.certs.SecretReads;
import io.securemail.operator.compliance.TestPki;
import io.securemail.operator.kube.SecretsByName;
import io.securemail.operator.kube.SmallApiServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The MTA's check of the key it serves reads the serving Secret as the certificates step of the
 * same reconcile left it: the key just copied there, and no second request for it.
 */
class ServingKeyReadTest {

  private static final String NS = "mail";

  @Test
  void theMtaCheckFindsTheKeyTheCertificatesStepServedWithoutAskingAgain() throws Exception {
    SecureMailDomain domain = new SecureMailDomain();
    domain.getMetadata().setNamespace(NS);
    domain.getMetadata().setName("example");
    domain.getMetadata().setUid("6b1d0c7e-0000-4000-8000-000000000002");
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain("example.com");
    domain.setSpec(spec);
    SecretsByName api = new SecretsByName(NS);
    // Lineage a as cert-manager leaves it: the operator's key and a certificate issued for it.
    TestPki.Issued leaf = TestPki.leaf(TestPki.ca("Example CA"), "mx1.example.com");
    String lineageA = CertNames.lineage(domain, CertNames.LINEAGE_A);
    String pemCertificate = "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(leaf.certificate().getEncoded())
        + "\n-----END CERTIFICATE-----\n";
    try (SmallApiServer server = SmallApiServer.start(NS, api)) {
      api.stored.put(lineageA, server.client().getKubernetesSerialization().asJson(new SecretBuilder()
          .withNewMetadata().withName(lineageA).withNamespace(NS).withResourceVersion("1").endMetadata()
          .withType("kubernetes.io/tls")
          .withData(Map.of(LineageKeys.TLS_KEY, base64(KeyPairs.toPem(leaf.privateKey())), LineageKeys.TLS_CRT,
              base64(pemCertificate)))
          .build()));
      SecretReads secrets = LineageSecrets.readsFor(server.client(), domain);
      String spki = LineageKeys.of(secrets.get(lineageA)).spki();

      assertThat(LineageSecrets.serve(secrets, domain, CertNames.LINEAGE_A, spki)).as("the key copied to serving")
          .isTrue();
      assertThat(MtaDeployment.servingSpki(secrets, domain)).contains(spki);
      String path = api.path();
      assertThat(api.calls).containsExactly("GET " + path + "/" + lineageA,
          "GET " + path + "/" + CertNames.serving(domain), "POST " + path);
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
