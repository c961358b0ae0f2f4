package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.securemail.lab.Lab;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.SecureMailDomain;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the operator owns stays as the spec says: a hand edit of the MTA's StatefulSet is undone,
 * and a deleted Service comes back, through the objects' informers. The operator's fields are
 * compared, not a stamp of what it last applied: a stamp survives a hand edit, and the edit with it.
 */
@ExtendWith(LabExtension.class)
class DriftRepairTest {

  static final String NS = "drift";
  static final String MTA = "steady-mta";

  static KubernetesClient client;

  @BeforeAll
  static void domain(Lab lab) {
    client = lab.client();
    Domains.createNamespace(client, NS);
    SecureMailDomain domain = Domains.minimal(NS, "steady", "steady.example");
    MtaSpec mta = new MtaSpec();
    mta.getInbound().setDeliverTo("smtp:[mailstore.internal]:25");
    domain.getSpec().setMta(mta);
    api(client).resource(domain).create();
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> client.apps().statefulSets().inNamespace(NS).withName(MTA)
        .get() != null && client.services().inNamespace(NS).withName(MTA).get() != null);
  }

  @Test
  void handEditedStatefulSetIsRestored() {
    StatefulSet before = client.apps().statefulSets().inNamespace(NS).withName(MTA).get();
    String image = before.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    int replicas = before.getSpec().getReplicas();

    Instant edited = Instant.now();
    // As kubectl patch does it: a merge patch without a resourceVersion, so the StatefulSet
    // controller's own status writes cannot make it conflict.
    String container = before.getSpec().getTemplate().getSpec().getContainers().get(0).getName();
    client.apps().statefulSets().inNamespace(NS).withName(MTA).patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
        "{\"spec\":{\"replicas\":" + (replicas + 3) + ",\"template\":{\"spec\":{\"containers\":[{\"name\":\""
            + container + "\",\"image\":\"registry.invalid/not-ours:1\"}]}}}}");

    StatefulSet restored = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(
        () -> client.apps().statefulSets().inNamespace(NS).withName(MTA).get(),
        s -> s.getSpec().getReplicas() == replicas
            && image.equals(s.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()));
    System.out.printf("[drift] StatefulSet %s/%s restored %d ms after the hand edit%n", NS, MTA,
        Duration.between(edited, Instant.now()).toMillis());
    assertThat(restored.getMetadata().getUid()).as("changed back in place, not re-created")
        .isEqualTo(before.getMetadata().getUid());
  }

  @Test
  void deletedServiceIsRecreated() {
    Service before = client.services().inNamespace(NS).withName(MTA).get();
    client.resource(before).delete();

    Service recreated = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(
        () -> client.services().inNamespace(NS).withName(MTA).get(),
        s -> s != null && !s.getMetadata().getUid().equals(before.getMetadata().getUid()));
    assertThat(recreated.getSpec().getPorts()).extracting(p -> p.getPort()).contains(25);
  }
}
