package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.condition;
import static io.securemail.e2e.Rfc2136PublishingTest.dnsPublished;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.operator.api.DnsRecordStatus;
import io.securemail.operator.api.SecureMailDomain;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The manual provider: the operator sends nothing, hands over a zone-file snippet, and reports
 * DnsPublished only once a person (here the test) has published it and it validates (and, with
 * DANE enabled, is DNSSEC-secure).
 */
@ExtendWith(LabExtension.class)
class ManualProviderTest {

  static final String NS = "manual";
  static Lab lab;
  static KubernetesClient client;

  @BeforeAll
  static void setUp(Lab l) {
    lab = l;
    client = l.client();
    Domains.createNamespace(client, NS);
  }

  @Test
  void snippetPublishedByHandIsObservedAndValidates() throws Exception {
    SecureMailDomain smd = Domains.minimal(NS, "by-hand", "manual.test");
    smd.getSpec().getDns().setManageMx(true);
    api(client).resource(smd).create();

    SecureMailDomain waiting = awaitStatus(client, NS, "by-hand", dnsPublished("False", "NotYetObserved"));
    assertThat(condition(waiting, "DnsPublished").orElseThrow().getMessage())
        .contains("ConfigMap by-hand-dns-records").contains("0 of 2 records");
    assertThat(waiting.getStatus().getRecords()).extracting(DnsRecordStatus::getState)
        .containsOnly(DnsRecordStatus.State.Pending);
    long updatesBefore = lab.dns().updatesReceived();

    // A person pastes the snippet into the zone: every non-comment line, exactly as given.
    String snippet = client.configMaps().inNamespace(NS).withName("by-hand-dns-records").get()
        .getData().get("records.zone");
    List<String> lines = snippet.lines().filter(l -> !l.startsWith(";") && !l.isBlank()).toList();
    assertThat(lines).hasSize(2);
    for (String line : lines) {
      LabDns.addForeign(lab.dns(), "manual.test", line);
    }

    SecureMailDomain published = awaitStatus(client, NS, "by-hand", dnsPublished("True", "Published"));
    assertThat(published.getStatus().getRecords()).extracting(DnsRecordStatus::getState, DnsRecordStatus::getDnssec)
        .containsOnly(org.assertj.core.groups.Tuple.tuple(DnsRecordStatus.State.Published, "secure"));
    assertThat(published.getStatus().getPublishedRecords()).as("the operator published nothing itself").isEmpty();
    assertThat(lab.dns().updatesReceived() - updatesBefore).as("only the person's updates").isEqualTo(lines.size());
  }

  /**
   * The snippet published by hand into a zone that is not signed (a child of the lab's signed zone,
   * delegated without DS): served, but insecure, so with DANE enabled DnsPublished stays False with
   * its own reason (TLSA there would do nothing, RFC 7672 section 2.2); with DANE disabled it is True.
   */
  @Test
  void recordsInAnUnsignedZoneAreNotPublishedWhileDaneIsEnabled() throws Exception {
    String zone = "unsigned.manual.test";
    lab.dns().addUnsignedZone(zone, List.of());
    LabDns.addForeign(lab.dns(), "manual.test", zone + ". 60 IN NS ns.manual.test.");
    SecureMailDomain smd = Domains.minimal(NS, "unsigned", zone);
    smd.getSpec().getDns().setManageMx(true);
    api(client).resource(smd).create();
    awaitStatus(client, NS, "unsigned", dnsPublished("False", "NotYetObserved"));
    String snippet = client.configMaps().inNamespace(NS).withName("unsigned-dns-records").get()
        .getData().get("records.zone");
    for (String line : snippet.lines().filter(l -> !l.startsWith(";") && !l.isBlank()).toList()) {
      LabDns.addForeign(lab.dns(), zone, line);
    }

    SecureMailDomain refused = awaitStatus(client, NS, "unsigned", dnsPublished("False", "RecordsInsecure"));
    assertThat(condition(refused, "DnsPublished").orElseThrow().getMessage())
        .contains("2 of 2 records are served but not DNSSEC-signed (insecure)", zone + ". MX", "Sign the zone");
    assertThat(condition(refused, "Ready").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(refused.getStatus().getRecords()).extracting(DnsRecordStatus::getState, DnsRecordStatus::getDnssec)
        .containsOnly(org.assertj.core.groups.Tuple.tuple(DnsRecordStatus.State.Published, "insecure"));

    Domains.edit(client, NS, "unsigned", d -> {
      d.getSpec().getDane().setEnabled(false);
      return d;
    });
    SecureMailDomain withoutDane = awaitStatus(client, NS, "unsigned", dnsPublished("True", "Published"));
    assertThat(condition(withoutDane, "DnsPublished").orElseThrow().getMessage())
        .contains("only because spec.dane.enabled is false");
  }

  /**
   * A zone whose parent has a DS record that matches no key of it: every answer is bogus, so the
   * records are never seen, and DnsPublished says why instead of waiting for them, DANE or not.
   */
  @Test
  void recordsInABogusZoneAreNamedAsBogus() throws Exception {
    String zone = "bogus.manual.test";
    lab.dns().addUnsignedZone(zone, List.of());
    LabDns.addForeign(lab.dns(), "manual.test", List.of(zone + ". 60 IN NS ns.manual.test.",
        zone + ". 60 IN DS 4242 13 2 " + "5a".repeat(32)));
    SecureMailDomain smd = Domains.minimal(NS, "bogus", zone);
    smd.getSpec().getDns().setManageMx(true);
    smd.getSpec().getDane().setEnabled(false);
    api(client).resource(smd).create();

    SecureMailDomain refused = awaitStatus(client, NS, "bogus", dnsPublished("False", "RecordsBogus"));
    assertThat(condition(refused, "DnsPublished").orElseThrow().getMessage())
        .contains("fail DNSSEC validation (bogus)", zone + ". MX", "SERVFAIL");
    assertThat(refused.getStatus().getRecords()).extracting(DnsRecordStatus::getState, DnsRecordStatus::getDnssec)
        .containsOnly(org.assertj.core.groups.Tuple.tuple(DnsRecordStatus.State.Pending, "bogus"));
  }
}
