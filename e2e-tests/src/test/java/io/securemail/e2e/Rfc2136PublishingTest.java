package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.dns.DnsLab;
import io.securemail.operator.api.DnsRecordStatus;
import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.TlsRptSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.Type;

/**
 * RFC 2136 publishing against the lab's Knot (DNSSEC-signed zones, TSIG-authorised updates),
 * observed through the lab's validating Unbound, cross-checked with kdig.
 */
@ExtendWith(LabExtension.class)
class Rfc2136PublishingTest {

  static final String NS = "rfc2136";
  static Lab lab;
  static KubernetesClient client;
  static DnsLab dns;

  @BeforeAll
  static void setUp(Lab l) {
    lab = l;
    client = l.client();
    dns = l.dns();
    Domains.createNamespace(client, NS);
    Domains.tsigSecret(client, NS, "tsig", dns.tsigSecret());
    Domains.tsigSecret(client, NS, "tsig-wrong", Base64.getEncoder().encodeToString("not the lab key, 32 bytes long!!".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void recordsAppearValidateAndAnUnchangedDomainSendsNoUpdates() throws Exception {
    SecureMailDomain smd = domain("publish", "publish.test", "tsig");
    smd.getSpec().getDns().setManageMx(true);
    api(client).resource(smd).create();

    SecureMailDomain published = awaitStatus(client, NS, "publish", dnsPublished("True", "Published"));
    assertThat(published.getStatus().getRecords()).extracting(DnsRecordStatus::getType, DnsRecordStatus::getState,
            DnsRecordStatus::getDnssec)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("MX", DnsRecordStatus.State.Published, "secure"),
            org.assertj.core.groups.Tuple.tuple("TXT", DnsRecordStatus.State.Published, "secure"));
    assertThat(published.getStatus().getPublishedRecords()).extracting(DnsRecordStatus::getType)
        .as("MX, TLS-RPT TXT and the ownership TXT").containsExactlyInAnyOrder("MX", "TXT", "TXT");
    assertThat(LabDns.served(dns, "_smtp._tls.publish.test.", Type.TXT))
        .containsExactly("\"v=TLSRPTv1; rua=mailto:tls-reports@publish.test\"");
    assertThat(LabDns.served(dns, "publish.test.", Type.MX)).containsExactly("10 mx1.publish.test.");
    assertThat(LabDns.served(dns, "_securemail-owner.publish.test.", Type.TXT)).singleElement().asString()
        .contains("heritage=securemail-operator").contains("resource=rfc2136/publish");
    // An independent validating client sees the same record with the AD flag.
    String kdig = kdig("_smtp._tls.publish.test", "TXT");
    assertThat(kdig).containsPattern("(?m)^;; Flags:.* ad[ ;]").contains("v=TLSRPTv1; rua=mailto:tls-reports@publish.test");

    long updatesBefore = dns.updatesReceived();
    // Any write to the domain (status included) would change its resourceVersion.
    String versionBefore = api(client).inNamespace(NS).withName("publish").get().getMetadata().getResourceVersion();
    long reconcilesBefore = IdleReconcileTest.reconciles(lab, "publish");
    await().atMost(Duration.ofSeconds(30)).until(() -> IdleReconcileTest.reconciles(lab, "publish") >= reconcilesBefore + 3);
    assertThat(dns.updatesReceived() - updatesBefore).as("UPDATE messages for an unchanged domain").isZero();
    assertThat(api(client).inNamespace(NS).withName("publish").get().getMetadata().getResourceVersion())
        .as("an unchanged, published domain is not written").isEqualTo(versionBefore);

    Domains.edit(client, NS, "publish", d -> {
      d.getSpec().setTlsRpt(new TlsRptSpec(List.of("https://reports.publish.test/tlsrpt")));
      return d;
    });
    awaitStatus(client, NS, "publish", d -> d.getMetadata().getGeneration() == 2
        && dnsPublished("True", "Published").test(d));
    assertThat(LabDns.served(dns, "_smtp._tls.publish.test.", Type.TXT))
        .containsExactly("\"v=TLSRPTv1; rua=https://reports.publish.test/tlsrpt\"");
    assertThat(LabDns.served(dns, "publish.test.", Type.MX)).containsExactly("10 mx1.publish.test.");
    assertThat(dns.updatesReceived() - updatesBefore).as("one UPDATE replaces exactly the changed record").isEqualTo(1);
  }

  @Test
  void wrongTsigSecretIsReportedAndPublishesNothing() throws Exception {
    api(client).resource(domain("wrong-key", "tsig.test", "tsig-wrong")).create();

    SecureMailDomain failed = awaitStatus(client, NS, "wrong-key", dnsPublished("False", "TsigRejected"));
    assertThat(condition(failed, "DnsPublished").orElseThrow().getMessage()).contains("TSIG key");
    assertThat(condition(failed, "Ready").orElseThrow().getReason()).isEqualTo("TsigRejected");
    assertThat(failed.getStatus().getPublishedRecords()).isEmpty();
    assertThat(LabDns.served(dns, "_smtp._tls.tsig.test.", Type.TXT)).isEmpty();
    assertThat(LabDns.served(dns, "_securemail-owner.tsig.test.", Type.TXT)).isEmpty();

    Domains.edit(client, NS, "wrong-key", d -> {
      d.getSpec().getDns().getRfc2136().getTsigSecretRef().setName("tsig");
      return d;
    });
    awaitStatus(client, NS, "wrong-key", dnsPublished("True", "Published"));
  }

  @Test
  void unreachableServerIsReportedAndPublishingResumesWhenItReturns() throws Exception {
    dns.stopAuthoritative();
    try {
      api(client).resource(domain("outage", "outage.test", "tsig")).create();
      SecureMailDomain down = awaitStatus(client, NS, "outage", dnsPublished("False", "DnsServerUnreachable"));
      assertThat(condition(down, "DnsPublished").orElseThrow().getMessage()).contains("127.0.53.2");
    } finally {
      dns.startAuthoritative();
    }
    awaitStatus(client, NS, "outage", dnsPublished("True", "Published"));
    assertThat(LabDns.served(dns, "_smtp._tls.outage.test.", Type.TXT)).hasSize(1);
  }

  @Test
  void foreignRecordsAreLeftAloneAndReported() throws Exception {
    LabDns.addForeign(dns, "foreign.test",
        "_smtp._tls.foreign.test. 300 IN TXT \"v=TLSRPTv1; rua=mailto:someone-else@foreign.test\"");
    api(client).resource(domain("foreign", "foreign.test", "tsig")).create();

    SecureMailDomain clash = awaitStatus(client, NS, "foreign", dnsPublished("False", "ForeignRecordConflict"));
    assertThat(condition(clash, "DnsPublished").orElseThrow().getMessage()).contains("someone-else@foreign.test");
    assertThat(LabDns.served(dns, "_smtp._tls.foreign.test.", Type.TXT))
        .containsExactly("\"v=TLSRPTv1; rua=mailto:someone-else@foreign.test\"");

    api(client).inNamespace(NS).withName("foreign").delete();
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> api(client).inNamespace(NS).withName("foreign").get() == null);
    assertThat(LabDns.served(dns, "_smtp._tls.foreign.test.", Type.TXT))
        .containsExactly("\"v=TLSRPTv1; rua=mailto:someone-else@foreign.test\"");
  }

  @Test
  void deletionWithdrawsExactlyWhatWasPublishedAndWaitsForAnUnreachableServer() throws Exception {
    LabDns.addForeign(dns, "deletion.test", "_smtp._tls.deletion.test. 300 IN TXT \"note=not-ours\"");
    SecureMailDomain smd = domain("deletion", "deletion.test", "tsig");
    smd.getSpec().getDns().setManageMx(true);
    api(client).resource(smd).create();
    awaitStatus(client, NS, "deletion", dnsPublished("True", "Published"));
    assertThat(LabDns.served(dns, "_smtp._tls.deletion.test.", Type.TXT)).hasSize(2);

    dns.stopAuthoritative();
    try {
      api(client).inNamespace(NS).withName("deletion").delete();
      SecureMailDomain waiting = await().atMost(Domains.STATUS_TIMEOUT).until(
          () -> api(client).inNamespace(NS).withName("deletion").get(),
          d -> d != null && condition(d, "DnsPublished").map(c -> c.getMessage().startsWith("Deletion waits")).orElse(false));
      assertThat(condition(waiting, "DnsPublished").orElseThrow().getReason()).isEqualTo("DnsServerUnreachable");
    } finally {
      dns.startAuthoritative();
    }

    await().atMost(Duration.ofSeconds(90)).until(() -> api(client).inNamespace(NS).withName("deletion").get() == null);
    assertThat(LabDns.served(dns, "_smtp._tls.deletion.test.", Type.TXT)).containsExactly("\"note=not-ours\"");
    assertThat(LabDns.served(dns, "deletion.test.", Type.MX)).isEmpty();
    assertThat(LabDns.served(dns, "_securemail-owner.deletion.test.", Type.TXT)).isEmpty();
  }

  @Test
  void abandonAnnotationLeavesRecordsInPlace() throws Exception {
    api(client).resource(domain("abandon", "abandon.test", "tsig")).create();
    awaitStatus(client, NS, "abandon", dnsPublished("True", "Published"));
    Domains.edit(client, NS, "abandon", d -> {
      d.getMetadata().setAnnotations(Map.of("securemail.io/abandon-dns-records", "true"));
      return d;
    });
    api(client).inNamespace(NS).withName("abandon").delete();

    await().atMost(Domains.STATUS_TIMEOUT).until(() -> api(client).inNamespace(NS).withName("abandon").get() == null);
    assertThat(LabDns.served(dns, "_smtp._tls.abandon.test.", Type.TXT)).hasSize(1);
  }

  @Test
  void zoneTheServerDoesNotServeIsReported() {
    api(client).resource(domain("no-zone", "nosuch.test", "tsig")).create();

    SecureMailDomain failed = awaitStatus(client, NS, "no-zone", dnsPublished("False", "ZoneNotFound"));
    assertThat(condition(failed, "DnsPublished").orElseThrow().getMessage()).contains("nosuch.test.");
    assertThat(failed.getStatus().getPublishedRecords()).isEmpty();
  }

  @Test
  void switchingAwayFromRfc2136WithdrawsWhatWasPublished() throws Exception {
    SecureMailDomain smd = domain("switch", "switch.test", "tsig");
    smd.getSpec().getDns().setManageMx(true);
    api(client).resource(smd).create();
    awaitStatus(client, NS, "switch", dnsPublished("True", "Published"));
    assertThat(LabDns.served(dns, "switch.test.", Type.MX)).hasSize(1);

    Domains.edit(client, NS, "switch", d -> {
      d.getSpec().getDns().setProvider(DnsSpec.Provider.MANUAL);
      return d;
    });

    SecureMailDomain manual = awaitStatus(client, NS, "switch",
        d -> d.getMetadata().getGeneration() == 2 && dnsPublished("False", "NotYetObserved").test(d));
    assertThat(manual.getStatus().getPublishedRecords()).isEmpty();
    assertThat(LabDns.served(dns, "switch.test.", Type.MX)).isEmpty();
    assertThat(LabDns.served(dns, "_smtp._tls.switch.test.", Type.TXT)).isEmpty();
    assertThat(LabDns.served(dns, "_securemail-owner.switch.test.", Type.TXT)).isEmpty();
    assertThat(client.configMaps().inNamespace(NS).withName("switch-dns-records").get()).isNotNull();
  }

  static Predicate<SecureMailDomain> dnsPublished(String status, String reason) {
    return d -> condition(d, "DnsPublished").filter(c -> status.equals(c.getStatus()) && reason.equals(c.getReason()))
        .isPresent();
  }

  private static SecureMailDomain domain(String name, String zone, String secretName) {
    return Domains.rfc2136(NS, name, zone, dns.authoritativeAddress() + ":" + dns.authoritativePort(), zone + ".",
        dns.tsigKeyName(), secretName);
  }

  private static String kdig(String name, String type) throws Exception {
    Process p = new ProcessBuilder("kdig", "@" + dns.resolverAddress(), "-p", String.valueOf(dns.resolverPort()),
        "+dnssec", name, type).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
