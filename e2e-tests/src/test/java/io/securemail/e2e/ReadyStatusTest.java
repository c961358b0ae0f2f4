package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.condition;
import static io.securemail.e2e.Domains.ready;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.DnsRecordStatus;
import io.securemail.operator.api.IssuerRef;
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
    api(client).resource(Domains.minimal(NS, "example-org", "org.ready-status.example")).create();

    SecureMailDomain smd = awaitStatus(client, NS, "example-org", ready("False", "Progressing"));

    assertThat(smd.getStatus().getObservedGeneration()).isEqualTo(smd.getMetadata().getGeneration()).isEqualTo(1L);
    var readyCondition = condition(smd, "Ready").orElseThrow();
    assertThat(readyCondition.getMessage()).startsWith("Spec accepted. Waiting for");
    assertThat(readyCondition.getObservedGeneration()).isEqualTo(1L);
    assertThat(readyCondition.getLastTransitionTime()).isNotBlank();
    assertThat(smd.getStatus().getRecords())
        .extracting(DnsRecordStatus::getName, DnsRecordStatus::getType, DnsRecordStatus::getValue,
            DnsRecordStatus::getState)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("_smtp._tls.org.ready-status.example.", "TXT",
            "\"v=TLSRPTv1; rua=mailto:tls-reports@org.ready-status.example\"", DnsRecordStatus.State.Pending));
  }

  /**
   * Flux's wait (kstatus) and Argo CD read Reconciling and Stalled: a domain the operator is still
   * working on is Reconciling; one that cannot go on without a person (no issuer named) is Stalled,
   * so the GitOps tool fails at once instead of waiting for its timeout.
   */
  @Test
  void gitOpsToolsSeeProgressAndWhatWaitsForAPerson() {
    SecureMailDomain working = Domains.minimal(NS, "working", "working.example");
    working.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    api(client).resource(working).create();
    SecureMailDomain progressing = awaitStatus(client, NS, "working", smd -> condition(smd, "Reconciling")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    assertThat(condition(progressing, "Stalled").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(condition(progressing, "Reconciling").orElseThrow().getObservedGeneration()).isEqualTo(1L);

    api(client).resource(Domains.minimal(NS, "no-issuer", "no-issuer.example")).create();
    SecureMailDomain stalled = awaitStatus(client, NS, "no-issuer", smd -> condition(smd, "Stalled")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    assertThat(condition(stalled, "Stalled").orElseThrow().getReason()).isEqualTo("IssuerNotConfigured");
    assertThat(condition(stalled, "Reconciling").orElseThrow().getStatus()).isEqualTo("False");
  }

  @Test
  void specChangeIsObservedWithoutMovingTheTransitionTime() {
    api(client).resource(Domains.minimal(NS, "example-net", "net.ready-status.example")).create();
    SecureMailDomain first = awaitStatus(client, NS, "example-net", ready("False", "Progressing"));
    String since = condition(first, "Ready").orElseThrow().getLastTransitionTime();

    Domains.edit(client, NS, "example-net", smd -> {
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
