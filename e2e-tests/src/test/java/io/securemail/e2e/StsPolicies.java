package io.securemail.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.securemail.lab.Lab;
import io.securemail.lab.mtasts.PolicyMount;
import io.securemail.lab.mtasts.PolicyServers;
import io.securemail.lab.support.LabPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MTA-STS policies of destinations on the lab's "internet", served over HTTPS by one lab policy
 * server: what a destination domain's {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}
 * answers, with a certificate for the policy host from a CA of the caller's choice.
 */
final class StsPolicies {

  private StsPolicies() {}

  /** Certifies a policy host's key (the certificate the policy server presents for that name). */
  interface Certifier {
    X509Certificate certify(PublicKey key, String policyHost);
  }

  /**
   * Puts each policy (keyed by its policy host, {@code mta-sts.<domain>}) into the namespace's
   * policies ConfigMap and a certificate and key for each host into its TLS Secret, starts the lab
   * policy server for the namespace on {@code address}, and returns once that server has every
   * file. Closing the mount stops the server.
   */
  static PolicyMount serve(Lab lab, String namespace, String address, Map<String, String> policiesByHost,
      Certifier certifier) throws IOException {
    Domains.createNamespace(lab.client(), namespace);
    Map<String, String> files = new LinkedHashMap<>();
    Map<String, String> tls = new LinkedHashMap<>();
    policiesByHost.forEach((host, policy) -> {
      files.put(host + ".txt", policy);
      KeyPair key = LabPki.generateEcdsa();
      tls.put(host + ".crt", base64(LabPki.certificatePem(certifier.certify(key.getPublic(), host))));
      tls.put(host + ".key", base64(LabPki.privateKeyPem(key.getPrivate(), true)));
    });
    lab.client().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
        .withName(PolicyServers.POLICIES).endMetadata().withData(files).build()).serverSideApply();
    lab.client().secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata()
        .withName(PolicyServers.TLS).endMetadata().withData(tls).build()).serverSideApply();
    PolicyMount server = lab.policyServers().mount(lab.client(), namespace, address);
    try {
      await("the policy server on " + address + " with the files of " + policiesByHost.keySet())
          .atMost(Duration.ofSeconds(30)).until(() -> policiesByHost.keySet().stream()
              .allMatch(host -> Files.exists(server.policiesDir().resolve(host + ".txt"))
                  && Files.exists(server.tlsDir().resolve(host + ".key"))));
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
