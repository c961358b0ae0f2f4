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
 * DnsPublished only once a person (here the test) has published it and it validates.
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
}
