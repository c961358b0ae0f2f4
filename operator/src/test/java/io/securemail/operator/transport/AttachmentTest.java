package io.securemail.operator.transport;

import static io.securemail.operator.transport.Fleets.attached;
import static io.securemail.operator.transport.Fleets.transport;
import static io.securemail.operator.transport.Fleets.withReady;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.securemail.operator.api.AttachSpec;
import io.securemail.operator.api.InboundRoute;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.TransportRef;
import io.securemail.operator.tenancy.TenantDomains;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AttachmentTest {

  static final Function<String, Map<String, String>> NO_LABELS = ns -> {
    throw new AssertionError("labels of " + ns + " read although no selector decides");
  };

  private static MailTransport allowing(String... namespaces) {
    MailTransport transport = transport();
    AttachSpec attach = new AttachSpec();
    attach.setNamespaces(List.of(namespaces));
    transport.getSpec().setAttach(attach);
    return transport;
  }

  private static List<String> routes(Attachment attachment) {
    return attachment.routes().stream().map(r -> r.getDomain() + " " + r.getDeliverTo() + " " + r.getDeliverToTls())
        .toList();
  }

  @Test
  void everyAllowedDomainGetsARouteSortedByMailDomainWithItsOwnOrTheFleetsNextHop() {
    SecureMailDomain b = attached("customer-b", "shop", "Shop.Example.", "2026-12-01T10:00:00Z");
    b.getSpec().getTransport().setDeliverTo("smtp:[mx.customer-b.internal]:25");
    b.getSpec().getTransport().setDeliverToTls(MtaSpec.HopTls.MAY);
    SecureMailDomain a = withReady(attached("customer-a", "corp", "corp.example", "2026-12-01T11:00:00Z"),
        "True", "Ready");

    Attachment attachment = Attachment.of(allowing("customer-a", "customer-b"), List.of(b, a),
        TenantDomains.unrestricted(), NO_LABELS);

    assertThat(routes(attachment)).containsExactly(
        "corp.example " + Fleets.DEFAULT_HOP + " ENCRYPT",
        "shop.example smtp:[mx.customer-b.internal]:25 MAY");
    assertThat(attachment.attached()).containsExactly("customer-a/corp", "customer-b/shop");
    assertThat(attachment.notReady()).as("no status yet is not ready").containsExactly("customer-b/shop");
    assertThat(attachment.refused()).isEmpty();
    assertThat(attachment.holding()).containsExactly("customer-a/corp", "customer-b/shop");
  }

  @Test
  void aDomainListedTwiceIsRoutedOnce() {
    SecureMailDomain a = attached("customer-a", "corp", "corp.example", "2026-12-01T11:00:00Z");
    Attachment attachment = Attachment.of(allowing("customer-a"), List.of(a, a), TenantDomains.unrestricted(),
        NO_LABELS);
    assertThat(routes(attachment)).hasSize(1);
    assertThat(attachment.attached()).containsExactly("customer-a/corp");
  }

  @Test
  void anUnchangedSetGivesTheSameRoutesWhateverTheOrderTheDomainsAreSeenIn() {
    List<SecureMailDomain> domains = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      domains.add(attached("customer-a", "d" + i, "d" + i + ".example", "2026-12-01T10:00:0" + i + "Z"));
    }
    MailTransport transport = allowing("customer-a");
    List<InboundRoute> first = Attachment.of(transport, domains, TenantDomains.unrestricted(), NO_LABELS).routes();
    java.util.Collections.reverse(domains);
    List<InboundRoute> again = Attachment.of(transport, domains, TenantDomains.unrestricted(), NO_LABELS).routes();
    assertThat(again).usingRecursiveComparison().isEqualTo(first);
  }

  @Test
  void aDomainFromANamespaceTheTransportDoesNotAllowIsRefusedAndGetsNoRoute() {
    SecureMailDomain allowed = attached("customer-a", "corp", "corp.example", "2026-12-01T10:00:00Z");
    SecureMailDomain outsider = attached("outsider", "grab", "grab.example", "2026-12-01T10:00:00Z");

    Attachment attachment = Attachment.of(allowing("customer-a"), List.of(allowed, outsider),
        TenantDomains.unrestricted(), NO_LABELS);

    assertThat(routes(attachment)).singleElement().asString().startsWith("corp.example ");
    assertThat(attachment.refused()).containsExactly("outsider/grab");
    assertThat(attachment.holding()).as("a refused domain does not hold the transport").containsExactly(
        "customer-a/corp");
  }

  @Test
  void aNamespaceSelectorDecidesByTheNamespacesLabels() {
    MailTransport transport = transport();
    AttachSpec attach = new AttachSpec();
    attach.setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("mail.example/fleet", "yes").build());
    transport.getSpec().setAttach(attach);
    Map<String, Map<String, String>> labels = Map.of("customer-a", Map.of("mail.example/fleet", "yes"),
        "customer-b", Map.of());

    Attachment attachment = Attachment.of(transport, List.of(
            attached("customer-a", "corp", "corp.example", "2026-12-01T10:00:00Z"),
            attached("customer-b", "shop", "shop.example", "2026-12-01T10:00:00Z"),
            attached("mail", "own", "own.example", "2026-12-01T10:00:00Z")),
        TenantDomains.unrestricted(), labels::get);

    assertThat(attachment.attached()).containsExactly("customer-a/corp", "mail/own");
    assertThat(attachment.refused()).containsExactly("customer-b/shop");
  }

  @Test
  void twoResourcesNamingOneMailDomainTheOldestIsRoutedAndAClaimedOneNever() {
    SecureMailDomain older = attached("customer-a", "first", "shared.example", "2026-12-01T10:00:00Z");
    SecureMailDomain younger = attached("customer-b", "second", "shared.example", "2026-12-01T09:00:00Z");
    younger.getMetadata().setCreationTimestamp("2026-12-01T11:00:00Z");
    SecureMailDomain claimed = withReady(attached("customer-a", "says-claimed", "other.example",
        "2026-12-01T10:00:00Z"), "False", "DomainClaimed");

    Attachment attachment = Attachment.of(allowing("customer-a", "customer-b"), List.of(younger, older, claimed),
        TenantDomains.unrestricted(), NO_LABELS);

    assertThat(routes(attachment)).singleElement().asString().startsWith("shared.example ");
    assertThat(attachment.attached()).containsExactly("customer-a/first");
    assertThat(attachment.holding()).as("unrouted domains still hold the transport")
        .containsExactly("customer-a/first", "customer-a/says-claimed", "customer-b/second");
  }

  @Test
  void anOlderUnattachedResourceHoldingTheMailDomainOrTenancyRulesKeepTheRouteAway() {
    SecureMailDomain own = attached("customer-a", "own", "held.example", "2026-12-01T09:00:00Z");
    own.getSpec().setTransport(null); // an ordinary domain with its own MX hosts, older
    SecureMailDomain diverting = attached("customer-b", "divert", "held.example", "2026-12-01T10:00:00Z");
    SecureMailDomain notTheirs = attached("customer-b", "bank", "bank.example", "2026-12-01T10:00:00Z");

    Attachment attachment = Attachment.of(allowing("customer-a", "customer-b"), List.of(own, diverting, notTheirs),
        TenantDomains.parse(List.of("customer-a=held.example", "customer-b=held.example", "customer-a=bank.example")),
        NO_LABELS);

    assertThat(attachment.routes()).isEmpty();
    assertThat(attachment.holding()).containsExactly("customer-b/bank", "customer-b/divert");
  }

  @Test
  void aDomainBeingDeletedOrReferencingAnotherTransportIsNotAttachedNorTheFleetsOwnMailDomain() {
    SecureMailDomain deleting = attached("mail", "going", "going.example", "2026-12-01T10:00:00Z");
    deleting.getMetadata().setDeletionTimestamp("2026-12-02T10:00:00Z");
    SecureMailDomain elsewhere = attached("mail", "other", "other.example", "2026-12-01T10:00:00Z");
    elsewhere.getSpec().setTransport(new TransportRef("other-fleet", null));
    SecureMailDomain sameNameOtherNamespace = attached("customer-a", "x", "x.example", "2026-12-01T10:00:00Z");
    sameNameOtherNamespace.getSpec().setTransport(new TransportRef("fleet", null)); // customer-a/fleet
    SecureMailDomain fleetsOwn = attached("mail", "own", "provider.example", "2026-12-01T10:00:00Z");

    Attachment attachment = Attachment.of(allowing("customer-a"),
        List.of(deleting, elsewhere, sameNameOtherNamespace, fleetsOwn), TenantDomains.unrestricted(), NO_LABELS);

    assertThat(attachment.routes()).isEmpty();
    assertThat(attachment.holding()).containsExactly("mail/own");
  }
}
