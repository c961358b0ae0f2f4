package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.condition;
import static io.securemail.e2e.Rfc2136PublishingTest.dnsPublished;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.dns.DnsLab;
import io.securemail.operator.api.DnsRecordStatus;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.TlsRptSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.Type;

/**
 * RFC 2136 interop: the operator publishes to BIND 9 (the lab's second authoritative server, zone
 * bind.test, signed by BIND, same TSIG key as Knot) exactly as it does to Knot, observed through
 * the lab's validating Unbound and checked at BIND directly.
 *
 * <p>One difference from Knot shows up with plain defaults: BIND's {@code check-integrity} (on by
 * default for primary zones) refuses a whole UPDATE that adds an MX whose target lies inside the
 * zone but has no A/AAAA record there; Knot accepts it. The lab's Knot zones have no address for
 * mx1.<domain>, so the scenarios here give the mail host an address first, as a real zone would,
 * and one scenario shows what happens when it has none.
 */
@ExtendWith(LabExtension.class)
class BindInteropTest {

  static final String NS = "bind-interop";
  static final String ZONE = "bind.test";
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
  }

  @Test
  void recordsArePublishedReplacedAndWithdrawnAtBind() throws Exception {
    LabDns.addForeignAtBind(dns, ZONE, "mx1.bind.test. 300 IN A 127.0.1.1");
    SecureMailDomain smd = domain("bind-publish", ZONE);
    smd.getSpec().getDns().setManageMx(true);
    api(client).resource(smd).create();

    SecureMailDomain published = awaitStatus(client, NS, "bind-publish", dnsPublished("True", "Published"));
    // The operator observes through Unbound, which validates BIND's signatures with BIND's KSK.
    assertThat(published.getStatus().getRecords())
        .extracting(DnsRecordStatus::getType, DnsRecordStatus::getState, DnsRecordStatus::getDnssec)
        .containsExactlyInAnyOrder(
            tuple("MX", DnsRecordStatus.State.Published, "secure"),
            tuple("TXT", DnsRecordStatus.State.Published, "secure"));
    assertThat(published.getStatus().getPublishedRecords()).extracting(DnsRecordStatus::getType)
        .as("MX, TLS-RPT TXT and the ownership TXT").containsExactlyInAnyOrder("MX", "TXT", "TXT");
    assertThat(LabDns.servedByBind(dns, "_smtp._tls.bind.test.", Type.TXT))
        .containsExactly("\"v=TLSRPTv1; rua=mailto:tls-reports@bind.test\"");
    assertThat(LabDns.servedByBind(dns, "bind.test.", Type.MX)).containsExactly("10 mx1.bind.test.");
    assertThat(LabDns.servedByBind(dns, "_securemail-owner.bind.test.", Type.TXT)).singleElement().asString()
        .contains("heritage=securemail-operator").contains("resource=" + NS + "/bind-publish");

    // What BIND serves reads back as what the operator wants (TXT quoting, TTLs): no UPDATE at all
    // while nothing changes.
    long updatesBefore = dns.bindUpdatesApproved();
    long reconcilesBefore = IdleReconcileTest.reconciles(lab, "bind-publish");
    await().atMost(Duration.ofSeconds(30))
        .until(() -> IdleReconcileTest.reconciles(lab, "bind-publish") >= reconcilesBefore + 3);
    assertThat(dns.bindUpdatesApproved() - updatesBefore).as("UPDATE messages to BIND for an unchanged domain")
        .isZero();

    Domains.edit(client, NS, "bind-publish", d -> {
      d.getSpec().setTlsRpt(new TlsRptSpec(List.of("https://reports.bind.test/tlsrpt")));
      return d;
    });
    SecureMailDomain changed = awaitStatus(client, NS, "bind-publish", d -> d.getMetadata().getGeneration() == 2
        && dnsPublished("True", "Published").test(d));
    assertThat(changed.getStatus().getRecords()).extracting(DnsRecordStatus::getDnssec).containsOnly("secure");
    assertThat(LabDns.servedByBind(dns, "_smtp._tls.bind.test.", Type.TXT))
        .containsExactly("\"v=TLSRPTv1; rua=https://reports.bind.test/tlsrpt\"");
    assertThat(LabDns.servedByBind(dns, "bind.test.", Type.MX)).containsExactly("10 mx1.bind.test.");
    assertThat(dns.bindUpdatesApproved() - updatesBefore).as("one UPDATE replaces exactly the changed record")
        .isEqualTo(1);

    api(client).inNamespace(NS).withName("bind-publish").delete();
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> api(client).inNamespace(NS).withName("bind-publish").get() == null);
    assertThat(LabDns.servedByBind(dns, "_smtp._tls.bind.test.", Type.TXT)).isEmpty();
    assertThat(LabDns.servedByBind(dns, "bind.test.", Type.MX)).isEmpty();
    assertThat(LabDns.servedByBind(dns, "_securemail-owner.bind.test.", Type.TXT)).isEmpty();
    assertThat(LabDns.servedByBind(dns, "mx1.bind.test.", Type.A)).as("a record the operator did not publish")
        .containsExactly("127.0.1.1");
  }

  @Test
  void bindRefusesAnMxToAHostWithoutAddressUntilItHasOne() throws Exception {
    SecureMailDomain smd = domain("bind-noaddr", "noaddr.bind.test");
    smd.getSpec().getDns().setManageMx(true);
    api(client).resource(smd).create();

    // BIND refuses the whole UPDATE (ownership claim, MX and TXT together): nothing is published.
    SecureMailDomain refused = awaitStatus(client, NS, "bind-noaddr", dnsPublished("False", "UpdateRefused"));
    assertThat(condition(refused, "DnsPublished").orElseThrow().getMessage()).contains("REFUSED");
    assertThat(refused.getStatus().getPublishedRecords()).isEmpty();
    assertThat(LabDns.servedByBind(dns, "_securemail-owner.noaddr.bind.test.", Type.TXT)).isEmpty();
    assertThat(LabDns.servedByBind(dns, "_smtp._tls.noaddr.bind.test.", Type.TXT)).isEmpty();
    assertThat(LabDns.servedByBind(dns, "noaddr.bind.test.", Type.MX)).isEmpty();

    LabDns.addForeignAtBind(dns, ZONE, "mx1.noaddr.bind.test. 300 IN A 127.0.1.2");
    awaitStatus(client, NS, "bind-noaddr", dnsPublished("True", "Published"));
    assertThat(LabDns.servedByBind(dns, "noaddr.bind.test.", Type.MX)).containsExactly("10 mx1.noaddr.bind.test.");
    assertThat(LabDns.servedByBind(dns, "_smtp._tls.noaddr.bind.test.", Type.TXT)).hasSize(1);

    api(client).inNamespace(NS).withName("bind-noaddr").delete();
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> api(client).inNamespace(NS).withName("bind-noaddr").get() == null);
    assertThat(LabDns.servedByBind(dns, "noaddr.bind.test.", Type.MX)).isEmpty();
    assertThat(LabDns.servedByBind(dns, "_smtp._tls.noaddr.bind.test.", Type.TXT)).isEmpty();
    assertThat(LabDns.servedByBind(dns, "_securemail-owner.noaddr.bind.test.", Type.TXT)).isEmpty();
  }

  private static SecureMailDomain domain(String name, String domain) {
    return Domains.rfc2136(NS, name, domain, dns.bindAddress() + ":" + dns.bindPort(), ZONE + ".",
        dns.tsigKeyName(), "tsig");
  }
}
