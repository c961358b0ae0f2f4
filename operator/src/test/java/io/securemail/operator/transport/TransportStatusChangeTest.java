package io.securemail.operator.transport;

import static io.securemail.operator.transport.Fleets.transport;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainStatus;
import io.securemail.operator.kube.Conditions;
import io.securemail.operator.validation.SpecProblem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TransportStatusChangeTest {

  static final Instant NOW = Instant.parse("2026-12-07T01:00:00Z");
  static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static SecureMailDomain fleet(String status, String reason, String message, String danePhase) {
    SecureMailDomain fleet = new SecureMailDomain();
    fleet.setMetadata(new ObjectMetaBuilder().withName("fleet").withNamespace("mail").build());
    SecureMailDomainStatus s = new SecureMailDomainStatus();
    s.setConditions(new ArrayList<>(List.of(Fleets.readyCondition(status, reason, message))));
    DaneStatus dane = new DaneStatus();
    dane.setPhase(danePhase);
    s.setDane(dane);
    fleet.setStatus(s);
    return fleet;
  }

  private static Attachment attachment(int attached, int notReady, int refused) {
    List<String> names = IntStream.range(0, attached).mapToObj(i -> "customer/d" + (100 + i)).toList();
    return new Attachment(List.of(), names, names.subList(0, notReady),
        IntStream.range(0, refused).mapToObj(i -> "outsider/r" + (100 + i)).toList(), names);
  }

  private static Condition ready(TransportStatusChange status) {
    return Conditions.find(status.next().getConditions(), Conditions.READY).orElseThrow();
  }

  @Test
  void readyMirrorsTheFleetDomainAndCountsTheDomains() {
    var status = new TransportStatusChange(transport(), JSON, NOW);
    status.markServing(fleet("True", "Ready", "All parts in effect.", "Stable"), attachment(2, 1, 0));

    assertThat(ready(status).getStatus()).isEqualTo("True");
    assertThat(ready(status).getReason()).isEqualTo("Ready");
    assertThat(ready(status).getMessage()).isEqualTo("The fleet's SecureMailDomain mail/fleet is Ready (Ready: All "
        + "parts in effect.). 2 domains attached, 1 not ready.");
    assertThat(status.next().getDane().getPhase()).isEqualTo("Stable");
    assertThat(status.next().getFleetDomain()).isEqualTo("mail/fleet");
    assertThat(status.next().getAttachedDomains()).isEqualTo(2);
    assertThat(status.next().getNotReadyDomains()).containsExactly("customer/d100");
    assertThat(status.next().getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void aFleetDomainNotReadyOrNotYetSeenMakesTheTransportNotReady() {
    var notReady = new TransportStatusChange(transport(), JSON, NOW);
    notReady.markServing(fleet("False", "CertificatesPending", "Waiting for cert-manager.", "Stable"),
        attachment(0, 0, 1));
    assertThat(ready(notReady).getStatus()).isEqualTo("False");
    assertThat(ready(notReady).getReason()).isEqualTo("CertificatesPending");
    assertThat(ready(notReady).getMessage()).contains("is not Ready", "Waiting for cert-manager.",
        "0 domains attached, 0 not ready, 1 refused");

    var unseen = new TransportStatusChange(transport(), JSON, NOW);
    unseen.markServing(null, attachment(1, 1, 0));
    assertThat(ready(unseen).getReason()).isEqualTo(TransportStatusChange.FLEET_DOMAIN_PENDING);
    assertThat(unseen.next().getDane()).isNull();
  }

  @Test
  void listsAreCappedAtTwentyWhileTheCountIsWhole() {
    var status = new TransportStatusChange(transport(), JSON, NOW);
    status.markServing(fleet("True", "Ready", "ok", "Stable"), attachment(30, 25, 22));
    assertThat(status.next().getAttachedDomains()).isEqualTo(30);
    assertThat(status.next().getNotReadyDomains()).hasSize(20).first().isEqualTo("customer/d100");
    assertThat(status.next().getRefusedDomains()).hasSize(20);
    assertThat(ready(status).getMessage()).contains("30 domains attached, 25 not ready, 22 refused");
  }

  @Test
  void anUnchangedWorldIsNoChangeAndNoWrite() {
    MailTransport seen = transport();
    var first = new TransportStatusChange(seen, JSON, NOW);
    first.markServing(fleet("True", "Ready", "ok", "Stable"), attachment(2, 0, 0));
    assertThat(first.changed()).isTrue();

    seen.setStatus(first.next());
    var again = new TransportStatusChange(seen, JSON, NOW.plusSeconds(600));
    again.markServing(fleet("True", "Ready", "ok", "Stable"), attachment(2, 0, 0));
    assertThat(again.changed()).isFalse();

    var dane = new TransportStatusChange(seen, JSON, NOW.plusSeconds(600));
    dane.markServing(fleet("True", "Ready", "ok", "PrePublishing"), attachment(2, 0, 0));
    assertThat(dane.changed()).as("the fleet's rollover moved").isTrue();
  }

  @Test
  void anInvalidSpecNamesTheFieldAndIsNewsOnlyOnce() {
    MailTransport seen = transport();
    var status = new TransportStatusChange(seen, JSON, NOW);
    assertThat(status.markInvalid(List.of(new SpecProblem("spec.mta", "required")))).isTrue();
    assertThat(ready(status).getReason()).isEqualTo("InvalidSpec");
    assertThat(ready(status).getMessage()).isEqualTo("Invalid spec: spec.mta: required");
    seen.setStatus(status.next());
    var again = new TransportStatusChange(seen, JSON, NOW);
    assertThat(again.markInvalid(List.of(new SpecProblem("spec.mta", "required")))).isFalse();
    assertThat(again.changed()).isFalse();
  }

  @Test
  void aBlockedDeletionNamesTheFirstAttachedDomainsAndSaysWhatToDo() {
    var status = new TransportStatusChange(transport(), JSON, NOW);
    assertThat(status.markDeletionBlocked(attachment(7, 0, 0))).isTrue();
    assertThat(ready(status).getStatus()).isEqualTo("False");
    assertThat(ready(status).getReason()).isEqualTo(TransportStatusChange.DELETION_BLOCKED);
    assertThat(ready(status).getMessage()).isEqualTo("MailTransport mail/fleet is not deleted while "
        + "SecureMailDomains are attached to it (7): customer/d100, customer/d101, customer/d102, customer/d103, "
        + "customer/d104 and 2 more. Detach or delete them first (remove their spec.transport); the deletion then "
        + "completes.");
  }
}
