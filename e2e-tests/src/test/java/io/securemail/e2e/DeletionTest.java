package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deleting a SecureMailDomain removes every object the operator created for it (owner references,
 * collected by the real kube-controller-manager) and nothing else.
 */
@ExtendWith(LabExtension.class)
class DeletionTest {

  static final String NS = "deletion";
  static KubernetesClient client;

  @BeforeAll
  static void namespace(Lab lab) {
    client = lab.client();
    Domains.createNamespace(client, NS);
    assertThat(lab.controlPlane().garbageCollectorRunning()).isTrue();
  }

  @Test
  void deletingADomainRemovesItsObjectsAndNothingElse() {
    api(client).resource(Domains.minimal(NS, "gone", "gone.example")).create();
    api(client).resource(Domains.minimal(NS, "stays", "stays.example")).create();
    // Unrelated, even labelled as if it were ours: not owned by the domain, so it must survive.
    client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("unrelated")
        .withLabels(Map.of("app.kubernetes.io/managed-by", "securemail-operator", "securemail.io/domain", "gone"))
        .endMetadata().addToData("k", "v").build()).create();
    awaitStatus(client, NS, "gone", ready("False", "Progressing"));
    awaitStatus(client, NS, "stays", ready("False", "Progressing"));
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> client.configMaps().inNamespace(NS).withName("gone-dns-records").get() != null
        && client.configMaps().inNamespace(NS).withName("stays-dns-records").get() != null);
    var owned = client.configMaps().inNamespace(NS).withName("gone-dns-records").get();
    assertThat(owned.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> {
          assertThat(ref.getKind()).isEqualTo("SecureMailDomain");
          assertThat(ref.getName()).isEqualTo("gone");
          assertThat(ref.getUid()).isEqualTo(api(client).inNamespace(NS).withName("gone").get().getMetadata().getUid());
        });

    api(client).inNamespace(NS).withName("gone").delete();

    await().atMost(Domains.STATUS_TIMEOUT).until(() -> api(client).inNamespace(NS).withName("gone").get() == null
        && client.configMaps().inNamespace(NS).withName("gone-dns-records").get() == null);
    assertThat(client.configMaps().inNamespace(NS).withName("unrelated").get()).isNotNull();
    assertThat(client.configMaps().inNamespace(NS).withName("stays-dns-records").get()).isNotNull();
    assertThat(api(client).inNamespace(NS).withName("stays").get()).isNotNull();
  }
}
