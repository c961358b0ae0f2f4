package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.condition;
import static io.securemail.e2e.Domains.ready;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.DnsRecordStatus;
import io.securemail.operator.api.SecureMailDomain;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A valid domain gets a status that describes its generation and says what it is waiting for. */
@ExtendWith(LabExtension.class)
class ReadyStatusTest {

  static final String NS = "ready-status";
  static KubernetesClient client;

  @BeforeAll
  static void namespace(KubernetesClient c) {
    client = c;
    Domains.createNamespace(client, NS);
  }

  @Test
  void validDomainReportsObservedGenerationAndWhatItWaitsFor() {
    api(client).resource(Domains.minimal(NS, "example-org", "example.org")).create();

    SecureMailDomain smd = awaitStatus(client, NS, "example-org", ready("False", "Progressing"));

    assertThat(smd.getStatus().getObservedGeneration()).isEqualTo(smd.getMetadata().getGeneration()).isEqualTo(1L);
    var readyCondition = condition(smd, "Ready").orElseThrow();
    assertThat(readyCondition.getMessage()).startsWith("Spec accepted. Waiting for");
    assertThat(readyCondition.getObservedGeneration()).isEqualTo(1L);
    assertThat(readyCondition.getLastTransitionTime()).isNotBlank();
    assertThat(smd.getStatus().getRecords())
        .extracting(DnsRecordStatus::getName, DnsRecordStatus::getType, DnsRecordStatus::getValue,
            DnsRecordStatus::getState)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("_smtp._tls.example.org.", "TXT",
            "\"v=TLSRPTv1; rua=mailto:tls-reports@example.org\"", DnsRecordStatus.State.Pending));
  }

  @Test
  void specChangeIsObservedWithoutMovingTheTransitionTime() {
    api(client).resource(Domains.minimal(NS, "example-net", "example.net")).create();
    SecureMailDomain first = awaitStatus(client, NS, "example-net", ready("False", "Progressing"));
    String since = condition(first, "Ready").orElseThrow().getLastTransitionTime();

    api(client).inNamespace(NS).withName("example-net").edit(smd -> {
      smd.getSpec().getDns().setTtl(900);
      return smd;
    });

    SecureMailDomain second = awaitStatus(client, NS, "example-net",
        smd -> smd.getMetadata().getGeneration() == 2L && ready("False", "Progressing").test(smd));
    assertThat(second.getStatus().getRecords()).extracting(DnsRecordStatus::getTtl).containsOnly(900);
    assertThat(condition(second, "Ready").orElseThrow().getObservedGeneration()).isEqualTo(2L);
    // Ready stayed False: its lastTransitionTime must not move (metav1.Condition semantics).
    assertThat(condition(second, "Ready").orElseThrow().getLastTransitionTime()).isEqualTo(since);
  }
}
