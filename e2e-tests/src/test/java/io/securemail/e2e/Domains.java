package io.securemail.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.Rfc2136Spec;
import io.securemail.operator.api.SecretKeyRef;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.TlsRptSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/** Small helpers the scenarios share: namespaces, domains, waiting for status. */
final class Domains {

  static final Duration STATUS_TIMEOUT = Duration.ofSeconds(60);

  private Domains() {}

  static MixedOperation<SecureMailDomain, KubernetesResourceList<SecureMailDomain>, Resource<SecureMailDomain>> api(
      KubernetesClient client) {
    return client.resources(SecureMailDomain.class);
  }

  /**
   * Edits a domain as a user would, read-modify-write, trying again when the operator wrote the
   * resource in between (409 Conflict), as kubectl edit users do.
   */
  static SecureMailDomain edit(KubernetesClient client, String namespace, String name,
      java.util.function.UnaryOperator<SecureMailDomain> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return api(client).inNamespace(namespace).withName(name).edit(change);
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  static String createNamespace(KubernetesClient client, String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .serverSideApply();
    return name;
  }

  /** A valid domain: one MX host, a TLS-RPT address, manual DNS publishing (the default). */
  static SecureMailDomain minimal(String namespace, String name, String domain) {
    var smd = new SecureMailDomain();
    smd.getMetadata().setNamespace(namespace);
    smd.getMetadata().setName(name);
    var spec = new SecureMailDomainSpec();
    spec.setDomain(domain);
    spec.setMx(List.of(new MxHost("mx1." + domain, 10)));
    spec.setTlsRpt(new TlsRptSpec(List.of("mailto:tls-reports@" + domain)));
    smd.setSpec(spec);
    return smd;
  }

  /** Like {@link #minimal}, published by RFC 2136 to {@code server} with a TSIG key from Secret {@code secret}. */
  static SecureMailDomain rfc2136(String namespace, String name, String domain, String server, String zone,
      String keyName, String secret) {
    SecureMailDomain smd = minimal(namespace, name, domain);
    var rfc2136 = new Rfc2136Spec();
    rfc2136.setServer(server);
    rfc2136.setZone(zone);
    rfc2136.setTsigKeyName(keyName);
    rfc2136.setTsigSecretRef(new SecretKeyRef(secret, "secret"));
    smd.getSpec().getDns().setProvider(DnsSpec.Provider.RFC2136);
    smd.getSpec().getDns().setRfc2136(rfc2136);
    return smd;
  }

  /** A Secret holding a base64 TSIG secret under the key "secret". */
  static void tsigSecret(KubernetesClient client, String namespace, String name, String tsigSecret) {
    client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .withStringData(Map.of("secret", tsigSecret)).build()).serverSideApply();
  }

  static Optional<Condition> condition(SecureMailDomain smd, String type) {
    if (smd == null || smd.getStatus() == null) {
      return Optional.empty();
    }
    return smd.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Waits until the operator has reported on the current generation and the predicate holds. */
  static SecureMailDomain awaitStatus(KubernetesClient client, String namespace, String name,
      Predicate<SecureMailDomain> predicate) {
    try {
      return await().atMost(STATUS_TIMEOUT).pollInterval(Duration.ofMillis(250))
          .until(() -> api(client).inNamespace(namespace).withName(name).get(),
              smd -> smd != null && smd.getStatus() != null
                  && Objects.equals(smd.getStatus().getObservedGeneration(), smd.getMetadata().getGeneration())
                  && predicate.test(smd));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // The status as it was is what explains a timeout.
      SecureMailDomain last = api(client).inNamespace(namespace).withName(name).get();
      throw new AssertionError("the status of " + namespace + "/" + name + " never matched within " + STATUS_TIMEOUT
          + "; last status: " + (last == null ? "(no resource)" : client.getKubernetesSerialization().asJson(
              last.getStatus())), e);
    }
  }

  static Predicate<SecureMailDomain> ready(String status, String reason) {
    return smd -> condition(smd, "Ready").filter(c -> status.equals(c.getStatus()) && reason.equals(c.getReason()))
        .isPresent();
  }
}
