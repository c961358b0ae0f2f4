package io.securemail.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.MailTransportSpec;
import io.securemail.operator.api.MailTransportStatus;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.PolicyHostSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.TransportRef;
import io.securemail.operator.certs.CertStep;
import io.securemail.operator.compliance.caa.CaaIssuer;
import io.securemail.operator.dns.DesiredRecords;
import io.securemail.operator.dns.DnsRecord;
import io.securemail.operator.dns.MtaStsRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An attached domain as its parts see it: the fleet's MX hosts, no MTA, no TLSA of its own. */
class EffectiveDomainTest {

  static final KubernetesSerialization JSON = new KubernetesSerialization();

  static MailTransport transport(String namespace, String name, String... mx) {
    MailTransport transport = new MailTransport();
    transport.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withGeneration(1L).build());
    MailTransportSpec spec = new MailTransportSpec();
    spec.setDomain("provider.example");
    List<MxHost> hosts = new ArrayList<>();
    for (int i = 0; i < mx.length; i++) {
      hosts.add(new MxHost(mx[i], 10 * (i + 1)));
    }
    spec.setMx(hosts);
    spec.setMta(new MtaSpec());
    transport.setSpec(spec);
    return transport;
  }

  static SecureMailDomain attached(String namespace, String name, String domain, TransportRef ref) {
    SecureMailDomain smd = new SecureMailDomain();
    smd.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withUid("uid-" + name).build());
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain(domain);
    spec.setTransport(ref);
    smd.setSpec(spec);
    return smd;
  }

  @Test
  void theFleetsMxHostsAndDaneServeTheDomainWhichRunsNoMta() {
    MailTransport fleet = transport("mail-provider", "fleet", "mx1.provider.example", "mx2.provider.example");
    fleet.getSpec().getDane().setRolloverEvery("720h");
    SecureMailDomain domain = attached("customer-a", "shop", "shop.example", new TransportRef("fleet", "mail-provider"));

    SecureMailDomain effective = EffectiveDomain.of(domain, fleet, JSON);

    assertThat(effective.getSpec().getMx()).extracting(MxHost::getHost)
        .containsExactly("mx1.provider.example", "mx2.provider.example");
    assertThat(effective.getSpec().getDane().getRolloverEvery()).isEqualTo("720h");
    assertThat(effective.getSpec().getMta()).isNull();
    assertThat(effective.getSpec().getDomain()).isEqualTo("shop.example");
    assertThat(EffectiveDomain.attached(effective)).isTrue();
    // A view: neither the domain nor the transport is changed.
    assertThat(domain.getSpec().getMx()).isEmpty();
    effective.getSpec().getMx().get(0).setHost("changed.example");
    assertThat(fleet.getSpec().getMx().get(0).getHost()).isEqualTo("mx1.provider.example");
  }

  /**
   * The records an attached domain publishes: MX records at its own name pointing at the fleet, its
   * TLS-RPT and MTA-STS records and its policy host's CAA, and no TLSA record or CAA at the fleet's MX
   * names, which the fleet's own domain publishes.
   */
  @Test
  void anAttachedDomainPublishesNoTlsaAndNoCaaAtTheFleetsMxNames() {
    MailTransport fleet = transport("mail-provider", "fleet", "mx2.provider.example", "mx1.provider.example");
    SecureMailDomain domain = attached("customer-a", "shop", "shop.example", new TransportRef("fleet", null));
    domain.getSpec().getDns().setManageMx(true);
    domain.getSpec().getDns().setProvider(DnsSpec.Provider.RFC2136);
    domain.getSpec().setTlsRpt(new io.securemail.operator.api.TlsRptSpec(List.of("mailto:tlsrpt@shop.example")));
    PolicyHostSpec host = new PolicyHostSpec();
    host.setAddresses(List.of("192.0.2.7"));
    SecureMailDomain effective = EffectiveDomain.of(domain, fleet, JSON);
    CertStep certs = CertStep.servedByTransport(AttachedTransport.idOf(effective), Duration.ofSeconds(10));

    List<DnsRecord> records = DesiredRecords.of(effective.getSpec(), certs.tlsaSpkis(),
        new MtaStsRecords("v=STSv1; id=1", h -> true, host), List.of(CaaIssuer.of("pki.example.net")));

    assertThat(records).noneMatch(r -> r.type().equals("TLSA"));
    assertThat(records).filteredOn(r -> r.type().equals("MX")).extracting(DnsRecord::name, DnsRecord::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("shop.example.", "10 mx2.provider.example."),
            org.assertj.core.groups.Tuple.tuple("shop.example.", "20 mx1.provider.example."));
    assertThat(records).filteredOn(r -> r.type().equals("CAA")).extracting(DnsRecord::name)
        .containsExactly("mta-sts.shop.example.");
    assertThat(records).extracting(DnsRecord::name)
        .contains("_smtp._tls.shop.example.", "_mta-sts.shop.example.", "mta-sts.shop.example.")
        .allMatch(name -> name.endsWith("shop.example."));
  }

  @Test
  void certificatesReadySaysTheMxKeysAreTheTransports() {
    CertStep step = CertStep.servedByTransport("mail-provider/fleet", Duration.ofSeconds(10));

    assertThat(step.tlsaSpkis()).isEmpty();
    assertThat(step.dane()).as("no status.dane: the rollover is the fleet's").isNull();
    assertThat(step.daneEnabled()).isFalse();
    assertThat(step.readyMessage()).contains("mta-sts certificate is issued",
        "keys, certificates and TLSA records are MailTransport mail-provider/fleet's");
  }

  @Test
  void theReferenceDefaultsToTheDomainsNamespace() {
    assertThat(AttachedTransport.idOf(attached("customer-a", "shop", "shop.example", new TransportRef("fleet", null))))
        .isEqualTo("customer-a/fleet");
    assertThat(AttachedTransport.idOf(attached("customer-a", "shop", "shop.example",
        new TransportRef("fleet", "mail-provider")))).isEqualTo("mail-provider/fleet");
    assertThat(AttachedTransport.idOf(attached("customer-a", "shop", "shop.example", null))).isNull();
    assertThat(TransportWatch.indexKeys(attached("customer-a", "shop", "shop.example", null))).isEmpty();
  }

  @Test
  void statusTransportCarriesTheTransportsReadyAndDanePhase() {
    MailTransport fleet = transport("mail-provider", "fleet", "mx1.provider.example");
    assertThat(new AttachedTransport("mail-provider/fleet", fleet, null).status())
        .satisfies(s -> {
          assertThat(s.getName()).isEqualTo("mail-provider/fleet");
          assertThat(s.getAttached()).isTrue();
          assertThat(s.getReady()).isFalse();
          assertThat(s.getDanePhase()).isNull();
        });

    fleet.setStatus(readyWithPhase("True", "Switching"));
    var status = new AttachedTransport("mail-provider/fleet", fleet, null).status();
    assertThat(status.getReady()).isTrue();
    assertThat(status.getDanePhase()).isEqualTo("Switching");

    var refused = new AttachedTransport("mail-provider/fleet", fleet, "not allowed");
    assertThat(refused.attached()).isFalse();
    assertThat(refused.reason()).isEqualTo(AttachedTransport.NOT_ALLOWED);
    assertThat(refused.status().getAttached()).isFalse();
    var missing = new AttachedTransport("mail-provider/fleet", null, null);
    assertThat(missing.reason()).isEqualTo(AttachedTransport.NOT_FOUND);
    assertThat(missing.message()).contains("MailTransport mail-provider/fleet does not exist");
    assertThat(missing.status().getReady()).isNull();
  }

  /** A transport's changes reach its domains when they change what the domains read: spec, Ready, DANE phase. */
  @Test
  void onlyChangesTheDomainsReadWakeThem() {
    MailTransport before = transport("mail-provider", "fleet", "mx1.provider.example");
    before.setStatus(readyWithPhase("True", "Stable"));

    MailTransport counted = JSON.clone(before);
    counted.getStatus().setAttachedDomains(7);
    assertThat(TransportWatch.readByDomains(counted, before)).isFalse();

    MailTransport rolling = JSON.clone(before);
    rolling.getStatus().getDane().setPhase("PrePublishing");
    assertThat(TransportWatch.readByDomains(rolling, before)).isTrue();

    MailTransport notReady = JSON.clone(before);
    notReady.getStatus().getConditions().get(0).setStatus("False");
    assertThat(TransportWatch.readByDomains(notReady, before)).isTrue();

    MailTransport edited = JSON.clone(before);
    edited.getMetadata().setGeneration(2L);
    assertThat(TransportWatch.readByDomains(edited, before)).isTrue();
  }

  static MailTransportStatus readyWithPhase(String ready, String phase) {
    MailTransportStatus status = new MailTransportStatus();
    status.setConditions(new ArrayList<>(List.of(new ConditionBuilder().withType("Ready").withStatus(ready)
        .withReason("Ready").withMessage("").build())));
    DaneStatus dane = new DaneStatus();
    dane.setPhase(phase);
    status.setDane(dane);
    return status;
  }
}
