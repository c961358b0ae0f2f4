package io.securemail.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.mtasts.PolicyMount;
import io.securemail.lab.support.LabPki;
import io.securemail.operator.mtasts.PolicyServer;
import io.securemail.operator.mtasts.PolicySite;
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
import java.util.TreeMap;

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
   * Puts each policy (keyed by its policy host, {@code mta-sts.<domain>}) with a certificate and key
   * for the host into the namespace's site Secrets, as the operator does, starts the lab policy
   * server for the namespace on {@code address}, and returns once that server has every file.
   * Closing the mount stops the server.
   */
  static PolicyMount serve(Lab lab, String namespace, String address, Map<String, String> policiesByHost,
      Certifier certifier) throws IOException {
    Domains.createNamespace(lab.client(), namespace);
    Map<String, Map<String, String>> site = new LinkedHashMap<>();
    policiesByHost.forEach((host, policy) -> {
      KeyPair key = LabPki.generateEcdsa();
      site.put(host.substring("mta-sts.".length()), PolicySite.entries(host.substring("mta-sts.".length()), policy,
          new PolicyServer.TlsPair(LabPki.certificatePem(certifier.certify(key.getPublic(), host)),
              LabPki.privateKeyPem(key.getPrivate(), true))));
    });
    writeSite(lab.client(), namespace, site);
    PolicyMount server = lab.policyServers().mount(lab.client(), namespace, address);
    try {
      await("the policy server on " + address + " with the files of " + policiesByHost.keySet())
          .atMost(Duration.ofSeconds(30)).until(() -> policiesByHost.keySet().stream()
              .allMatch(host -> Files.exists(server.siteDir().resolve(host + ".txt"))
                  && Files.exists(server.siteDir().resolve(host + ".key"))));
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * Writes each domain's site entries ({@link PolicySite#entries}) into the namespace's site
   * Secrets, each Secret holding exactly the entries given for its domains.
   */
  static void writeSite(KubernetesClient client, String namespace, Map<String, Map<String, String>> entriesByDomain) {
    Map<String, Map<String, String>> shards = new TreeMap<>();
    entriesByDomain.forEach((domain, entries) -> shards.computeIfAbsent(PolicySite.secretName(domain),
        name -> new LinkedHashMap<>()).putAll(entries));
    shards.forEach((name, data) -> {
      var secret = client.secrets().inNamespace(namespace).withName(name);
      if (secret.get() == null) {
        secret.create(new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
            .withData(data).build());
      } else {
        secret.edit(s -> new SecretBuilder(s).withData(data).build());
      }
    });
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
