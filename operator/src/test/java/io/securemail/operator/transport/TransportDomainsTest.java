package io.securemail.operator.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.TransportRef;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransportDomainsTest {

  @Test
  void aDomainsChangeReconcilesTheTransportItReferencesAndTheOneItLeft() {
    var events = new TransportDomains();
    SecureMailDomain domain = Fleets.attached("customer-a", "corp", "corp.example", "2026-12-01T10:00:00Z");
    assertThat(events.transportsOf(domain)).containsExactly(new ResourceID("fleet", "mail"));

    domain.getSpec().setTransport(new TransportRef("other", null));
    assertThat(events.transportsOf(domain)).containsExactlyInAnyOrder(new ResourceID("fleet", "mail"),
        new ResourceID("other", "customer-a"));

    domain.getSpec().setTransport(null);
    assertThat(events.transportsOf(domain)).containsExactly(new ResourceID("other", "customer-a"));
    assertThat(events.transportsOf(domain)).isEmpty();
  }

  @Test
  void aFleetDomainsChangeReconcilesItsTransport() {
    SecureMailDomain fleet = Fleets.attached("mail", "fleet", "provider.example", "2026-12-01T10:00:00Z");
    fleet.getSpec().setTransport(null);
    fleet.getMetadata().setLabels(Map.of(FleetDomain.TRANSPORT_LABEL, "fleet"));
    assertThat(new TransportDomains().transportsOf(fleet)).containsExactly(new ResourceID("fleet", "mail"));
  }

  @Test
  void statusWritesThatChangeNothingATransportDecidesOnAreNoNews() {
    SecureMailDomain before = Fleets.withReady(
        Fleets.attached("customer-a", "corp", "corp.example", "2026-12-01T10:00:00Z"), "True", "Ready");
    SecureMailDomain after = Fleets.withReady(
        Fleets.attached("customer-a", "corp", "corp.example", "2026-12-01T10:00:00Z"), "True", "Ready");
    after.getStatus().getConditions().get(0).setMessage("a new message");
    assertThat(TransportDomains.relevant(after)).isEqualTo(TransportDomains.relevant(before));
    Fleets.withReady(after, "False", "CertificatesPending");
    assertThat(TransportDomains.relevant(after)).isNotEqualTo(TransportDomains.relevant(before));
  }
}
