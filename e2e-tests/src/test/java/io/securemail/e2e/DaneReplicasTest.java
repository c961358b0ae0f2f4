package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.mail.MxMount;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.Labels;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.Type;

/**
 * Two MTA replicas behind one MX address, one of which lags: the old key's TLSA stays, and the
 * rollover waits in Switching, while any replica still serves the old key. The MX address is a
 * lab Postfix that follows the serving Secret; the second replica is a Pod the API server lists as
 * ready, whose address is another lab Postfix whose volume stops updating (as a kubelet that has
 * not refreshed the Secret yet, or a replica whose reload failed).
 */
@ExtendWith(LabExtension.class)
class DaneReplicasTest {

  static final String NS = "dane-replicas";
  static final String NAME = "replicas";
  static final String ZONE = "replicas.test";
  static final String MX_ADDRESS = "127.0.1.2";
  static final String LAGGING_ADDRESS = "127.0.1.3";

  static Lab lab;
  static KubernetesClient client;
  static final Started started = new Started();

  @BeforeAll
  static void setUp(Lab l) {
    lab = l;
    client = l.client();
  }

  @AfterAll
  static void tearDown() {
    started.closeAll();
  }

  @Test
  void theOldTlsaStaysWhileOneReplicaStillServesTheOldKey() throws Exception {
    LabMx mx = LabMx.prepare(lab, NS, NAME, ZONE, MX_ADDRESS);
    started.add(mx.mount());
    MxMount lagging = started.add(lab.postfix().mount(client, NS, NAME + "-mx-tls", LAGGING_ADDRESS));
    SecureMailDomain smd = mx.domain();
    MtaSpec mta = new MtaSpec();
    mta.getInbound().setDeliverTo("smtp:[mailstore.internal]:25");
    mta.setReplicas(1);
    smd.getSpec().setMta(mta);
    smd.getSpec().getDane().setPrePublish("1m");
    smd.getSpec().getDane().setRolloverEvery("0");
    api(client).resource(smd).create();
    // Not one of the StatefulSet's own names (NAME-mta-0, ...), so its controller leaves it alone.
    replica(NAME + "-mta-lagging", LAGGING_ADDRESS, Labels.mtaPods(smd));

    DaneStatus before = awaitDane(d -> "Stable".equals(d.getPhase()), Duration.ofSeconds(90));
    lagging.pause(); // this replica keeps the key it has
    Domains.edit(client, NS, NAME, d -> {
      d.getMetadata().setAnnotations(new HashMap<>(Map.of("securemail.io/dane-rollover", "replicas-1")));
      return d;
    });

    DaneStatus switching = awaitDane(d -> "Switching".equals(d.getPhase()), Duration.ofMinutes(3));
    // The MX address serves the new key soon; the lagging replica does not.
    await().atMost(Duration.ofSeconds(30)).until(() -> dane().getMessage() != null
        && dane().getMessage().contains("still serve [" + before.getCurrentSpkiSha256().substring(0, 12)));
    await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(15)).until(() -> true);
    assertThat(dane().getPhase()).as("no retirement while a replica serves the old key").isEqualTo("Switching");
    assertThat(tlsa()).contains(before.getCurrentSpkiSha256(), switching.getNextSpkiSha256());

    lagging.resume();
    DaneStatus after = awaitDane(d -> "Stable".equals(d.getPhase())
        && switching.getNextSpkiSha256().equals(d.getCurrentSpkiSha256()), Duration.ofMinutes(3));
    await().atMost(Duration.ofSeconds(30)).until(() -> tlsa().equals(Set.of(after.getCurrentSpkiSha256(),
        after.getNextSpkiSha256())));
  }

  /** A Pod the API server lists as a ready replica of the MTA at {@code address}, as a kubelet would report it. */
  private static void replica(String name, String address, Map<String, String> labels) {
    client.pods().inNamespace(NS).resource(new PodBuilder()
        .withNewMetadata().withName(name).withLabels(labels).endMetadata()
        // Gated: no scheduler places it and no kubelet runs it; its status is the test's.
        .withNewSpec().addNewSchedulingGate("securemail.io/lab-replica")
          .addNewContainer().withName("postfix").withImage("registry.invalid/mta:replica")
            .addNewPort().withName("smtp").withContainerPort(25).endPort()
          .endContainer()
        .endSpec().build()).create();
    // The scheduler notes the gate in the status meanwhile: write on top of the latest version.
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
      Pod pod = client.pods().inNamespace(NS).withName(name).get();
      pod.getStatus().setPhase("Running");
      pod.getStatus().setPodIP(address);
      pod.getStatus().setPodIPs(List.of(new io.fabric8.kubernetes.api.model.PodIPBuilder().withIp(address).build()));
      List<io.fabric8.kubernetes.api.model.PodCondition> conditions = new java.util.ArrayList<>(
          pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions());
      conditions.removeIf(c -> "Ready".equals(c.getType()));
      conditions.add(new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("Ready").withStatus("True")
          .build());
      pod.getStatus().setConditions(conditions);
      client.pods().inNamespace(NS).resource(pod).updateStatus();
    });
    assertThat(client.pods().inNamespace(NS).withName(name).get().getStatus().getPodIP()).isEqualTo(address);
  }

  private static DaneStatus dane() {
    SecureMailDomain smd = api(client).inNamespace(NS).withName(NAME).get();
    return smd == null || smd.getStatus() == null || smd.getStatus().getDane() == null ? new DaneStatus()
        : smd.getStatus().getDane();
  }

  private static DaneStatus awaitDane(java.util.function.Predicate<DaneStatus> wanted, Duration timeout) {
    return await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(DaneReplicasTest::dane, wanted);
  }

  private static Set<String> tlsa() throws Exception {
    return LabDns.served(lab.dns(), "_25._tcp.mx." + ZONE + ".", Type.TLSA).stream()
        .map(v -> v.replaceFirst("^3 1 1 ", "").toLowerCase()).collect(Collectors.toSet());
  }
}
