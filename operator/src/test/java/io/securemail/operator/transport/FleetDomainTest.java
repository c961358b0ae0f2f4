package io.securemail.operator.transport;

import static io.securemail.operator.transport.Fleets.transport;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.securemail.operator.api.AttachSpec;
import io.securemail.operator.api.InboundRoute;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.certs.MxCertificates;
import io.securemail.operator.kube.AppliedHash;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetDomainTest {

  static final KubernetesSerialization JSON = new KubernetesSerialization();

  @Test
  void theFleetDomainIsTheTransportsSpecWithoutAttachPlusTheRoutesOwnedAndLabelled() {
    MailTransport transport = transport();
    transport.getSpec().setAttach(new AttachSpec());
    transport.getSpec().getAttach().setNamespaces(List.of("customer-a"));
    List<InboundRoute> routes = List.of(new InboundRoute("a.example", "smtp:[a.internal]:25", MtaSpec.HopTls.MAY));

    SecureMailDomain fleet = FleetDomain.desired(transport, JSON, routes);

    assertThat(fleet.getMetadata().getName()).isEqualTo("fleet");
    assertThat(fleet.getMetadata().getNamespace()).isEqualTo("mail");
    assertThat(fleet.getMetadata().getLabels()).containsEntry(FleetDomain.TRANSPORT_LABEL, "fleet");
    assertThat(fleet.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
      assertThat(ref.getKind()).isEqualTo("MailTransport");
      assertThat(ref.getUid()).isEqualTo("transport-uid");
      assertThat(ref.getController()).isTrue();
    });
    assertThat(FleetDomain.ownedBy(fleet, transport)).isTrue();
    assertThat(JSON.asJson(fleet.getSpec())).doesNotContain("attach", "customer-a");
    assertThat(fleet.getSpec().getDomain()).isEqualTo("provider.example");
    assertThat(fleet.getSpec().getMx()).extracting(m -> m.getHost()).containsExactly("mx1.provider.example");
    assertThat(fleet.getSpec().getMta().getInbound().getDeliverTo()).isEqualTo(Fleets.DEFAULT_HOP);
    assertThat(fleet.getSpec().getMta().getInbound().getRoutes()).extracting(InboundRoute::getDomain)
        .containsExactly("a.example");
    assertThat(transport.getSpec().getMta().getInbound().getRoutes()).as("the transport's spec is not changed")
        .isEmpty();
  }

  @Test
  void theSameRoutesGiveTheSameDigestSoNoWrite() {
    MailTransport transport = transport();
    List<InboundRoute> routes = List.of(new InboundRoute("a.example", "smtp:[a.internal]:25", MtaSpec.HopTls.MAY));
    String first = AppliedHash.stamp(JSON, FleetDomain.desired(transport, JSON, routes));
    String again = AppliedHash.stamp(JSON, FleetDomain.desired(transport, JSON, List.copyOf(routes)));
    String other = AppliedHash.stamp(JSON, FleetDomain.desired(transport, JSON, List.of()));
    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void aRolloverRequestedOnTheTransportIsCarriedToItsFleetDomainAndNothingElse() {
    MailTransport transport = transport();
    String before = AppliedHash.stamp(JSON, FleetDomain.desired(transport, JSON, List.of()));
    transport.getMetadata().setAnnotations(java.util.Map.of(MxCertificates.ROLLOVER_ANNOTATION, "2026-12-07",
        "kubectl.kubernetes.io/last-applied-configuration", "{}"));

    SecureMailDomain fleet = FleetDomain.desired(transport, JSON, List.of());

    assertThat(fleet.getMetadata().getAnnotations()).containsExactly(
        java.util.Map.entry(MxCertificates.ROLLOVER_ANNOTATION, "2026-12-07"));
    assertThat(AppliedHash.stamp(JSON, fleet)).as("a new request is applied to the fleet domain").isNotEqualTo(before);
  }

  @Test
  void theTransportControllerHearsOfAnnotationsButNotOfItsOwnStatusWrites() {
    MailTransport before = transport();
    before.getMetadata().setGeneration(3L);
    MailTransport statusWritten = JSON.clone(before);
    statusWritten.setStatus(new io.securemail.operator.api.MailTransportStatus());
    statusWritten.getStatus().setAttachedDomains(7);
    MailTransport annotated = JSON.clone(before);
    annotated.getMetadata().setAnnotations(java.util.Map.of(MxCertificates.ROLLOVER_ANNOTATION, "now"));
    MailTransport edited = JSON.clone(before);
    edited.getMetadata().setGeneration(4L);

    TransportUpdates filter = new TransportUpdates();
    assertThat(filter.accept(statusWritten, before)).isFalse();
    assertThat(filter.accept(annotated, before)).isTrue();
    assertThat(filter.accept(edited, before)).isTrue();
  }

  @Test
  void aDomainWithoutTheTransportsControllerReferenceIsNotItsFleetDomain() {
    MailTransport transport = transport();
    SecureMailDomain someone = Fleets.attached("mail", "fleet", "provider.example", "2026-12-01T10:00:00Z");
    assertThat(FleetDomain.ownedBy(someone, transport)).isFalse();
  }
}
