package io.securemail.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.kube.SecretsByName;
import io.securemail.operator.kube.SmallApiServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a reconcile asks the API server for its key Secrets, against a small API server that keeps
 * Secrets by name: each is read once, what the reconcile wrote is read back without asking, and a
 * refused write or a deletion makes the next read ask again.
 */
class SecretReadsTest {

  private static final String NS = "mail";
  private static final String PATH = "/api/v1/namespaces/" + NS + "/secrets";

  private final SecretsByName api = new SecretsByName(NS);
  private final List<String> calls = api.calls;
  private final Map<String, String> stored = api.stored;
  private SmallApiServer server;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    server = SmallApiServer.start(NS, api);
    client = server.client();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static SecureMailDomain domain() {
    SecureMailDomain domain = new SecureMailDomain();
    domain.getMetadata().setNamespace(NS);
    domain.getMetadata().setName("example");
    domain.getMetadata().setUid("6b1d0c7e-0000-4000-8000-000000000001");
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain("example.com");
    domain.setSpec(spec);
    return domain;
  }

  private static Secret secret(String name, String value) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS).withResourceVersion("1").endMetadata()
        .withType("Opaque").withData(Map.of("k", value)).build();
  }

  @Test
  void aNewLineageCostsOneReadAndOneCreateAndIsThenReadWithoutAsking() {
    SecretReads secrets = LineageSecrets.readsFor(client, domain());

    LineageKeys created = LineageSecrets.ensure(secrets, domain(), CertNames.LINEAGE_A);
    LineageKeys again = LineageSecrets.ensure(secrets, domain(), CertNames.LINEAGE_A);

    assertThat(calls).containsExactly("GET " + PATH + "/example-mx-a", "POST " + PATH);
    assertThat(again.spki()).as("the key the reconcile created, read back from what was written")
        .isEqualTo(created.spki());
  }

  @Test
  void eachSecretIsReadOnceAndAMissingOneIsNotAskedForAgain() {
    stored.put("present", client.getKubernetesSerialization().asJson(secret("present", "djE=")));
    SecretReads secrets = new SecretReads(client, NS);

    assertThat(secrets.get("present").getData()).containsEntry("k", "djE=");
    assertThat(secrets.get("present").getData()).containsEntry("k", "djE=");
    assertThat(secrets.get("missing")).isNull();
    assertThat(secrets.get("missing")).isNull();

    assertThat(calls).containsExactly("GET " + PATH + "/present", "GET " + PATH + "/missing");
    assertThat(new SecretReads(client, NS).get("present")).as("the next reconcile reads again").isNotNull();
    assertThat(calls).hasSize(3);
  }

  @Test
  void aRefusedUpdateOrADeletionMakesTheNextReadAsk() {
    stored.put("s", client.getKubernetesSerialization().asJson(secret("s", "djE=")));
    SecretReads secrets = new SecretReads(client, NS);
    Secret read = secrets.get("s");
    read.setData(Map.of("k", "djI="));
    api.conflicting.add("s");

    assertThatThrownBy(() -> secrets.update(read)).isInstanceOf(KubernetesClientException.class);
    assertThat(secrets.get("s").getData()).as("what the server holds, not the refused change")
        .containsEntry("k", "djE=");

    secrets.delete("s");
    assertThat(secrets.get("s")).isNull();
    assertThat(calls).containsExactly("GET " + PATH + "/s", "PUT " + PATH + "/s", "GET " + PATH + "/s",
        "DELETE " + PATH + "/s", "GET " + PATH + "/s");
  }
}
