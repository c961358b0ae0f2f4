package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Rfc2136PublishingTest.dnsPublished;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.certmanager.api.model.acme.v1.ACMEChallengeSolverBuilder;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.certmanager.api.model.v1.IssuerBuilder;
import io.fabric8.certmanager.api.model.v1.IssuerStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.dns.DnsLab;
import io.securemail.operator.api.ComplianceStatus;
import io.securemail.operator.api.DnsRecordStatus;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.SecureMailDomain;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.Type;

/**
 * CAA records pinned to the domain's ACME issuer (RFC 8659, RFC 8657), published by RFC 2136 into
 * the lab's signed Knot zone, and the cert.caa compliance check the operator runs for the domain:
 * a foreign CAA record that forbids the issuer is left alone and reported before a renewal would
 * fail on it.
 *
 * <p>The lab's cert-manager stand-in does not act on ACME issuers; the test writes the Issuer's
 * spec and status (the account cert-manager would have registered) as cert-manager would.
 */
@ExtendWith(LabExtension.class)
class CaaPublishingTest {

  static final String NS = "caa";
  static final String ZONE = "caa.test";
  static final String MX = "mx1." + ZONE;
  static final String ACCOUNT = "https://acme-v02.api.letsencrypt.org/acme/acct/424242";
  static final String PINNED = "0 issue \"letsencrypt.org; accounturi=" + ACCOUNT + "; validationmethods=dns-01\"";

  /** The lab resolver caches answers for at most 2 s. */
  static final Duration CACHE_WAIT = Duration.ofSeconds(3);
  /** A check interval (at most 2 minutes here), its offset (a tenth) and the check itself. */
  static final Duration CHECK_TIMEOUT = Duration.ofMinutes(3);

  static KubernetesClient client;
  static DnsLab dns;

  @BeforeAll
  static void setUp(Lab lab) {
    client = lab.client();
    dns = lab.dns();
    Domains.createNamespace(client, NS);
    Domains.tsigSecret(client, NS, "tsig", dns.tsigSecret());
    Issuer issuer = client.resources(Issuer.class).inNamespace(NS).resource(new IssuerBuilder()
        .withNewMetadata().withName("letsencrypt").withNamespace(NS).endMetadata()
        .withNewSpec().withNewAcme().withServer("https://acme-v02.api.letsencrypt.org/directory")
        .withNewPrivateKeySecretRef().withName("letsencrypt-account").endPrivateKeySecretRef()
        .withSolvers(new ACMEChallengeSolverBuilder().withNewDns01().withNewRfc2136()
            .withNameserver(dns.authoritativeAddress()).endRfc2136().endDns01().build())
        .endAcme().endSpec().build()).create();
    issuer.setStatus(new IssuerStatusBuilder().withNewAcme().withUri(ACCOUNT).endAcme().build());
    client.resources(Issuer.class).inNamespace(NS).resource(issuer).updateStatus();
  }

  @Test
  void caaPinnedToTheAcmeAccountIsPublishedAndAForeignRecordForbiddingTheIssuerIsReported() throws Exception {
    SecureMailDomain smd = Domains.rfc2136(NS, "pinned", ZONE, dns.authoritativeAddress() + ":"
        + dns.authoritativePort(), ZONE + ".", dns.tsigKeyName(), "tsig");
    smd.getSpec().getDns().setManageMx(true);
    smd.getSpec().getDns().setTtl(30);
    smd.getSpec().getCompliance().setInterval("1m");
    smd.getSpec().getCertificates().setIssuerRef(new IssuerRef("letsencrypt", IssuerRef.Kind.ISSUER));
    api(client).resource(smd).create();

    // The record is in the signed zone, observed secure, and in the ledger.
    SecureMailDomain published = awaitStatus(client, NS, "pinned", dnsPublished("True", "Published"));
    assertThat(LabDns.served(dns, MX + ".", Type.CAA)).containsExactly(PINNED);
    assertThat(published.getStatus().getRecords()).filteredOn(r -> r.getType().equals("CAA"))
        .extracting(DnsRecordStatus::getName, DnsRecordStatus::getValue, DnsRecordStatus::getState,
            DnsRecordStatus::getDnssec)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(MX + ".", PINNED, DnsRecordStatus.State.Published,
            "secure"));
    assertThat(published.getStatus().getPublishedRecords()).extracting(DnsRecordStatus::getType).contains("CAA");
    SecureMailDomain allowed = awaitCheck(1, caaCheck("pass", "at " + MX + ": CAA " + PINNED));
    assertThat(caa(allowed).orElseThrow().getMessage()).endsWith("allows letsencrypt.org");

    // Someone pins the whole domain to another CA, and the operator is told to publish no CAA.
    LabDns.addForeign(dns, ZONE, ZONE + ". 60 IN CAA 0 issue \"pki.goog\"");
    Thread.sleep(CACHE_WAIT.toMillis());
    Domains.edit(client, NS, "pinned", d -> {
      d.getSpec().getCertificates().getCaa().setEnabled(false);
      return d;
    });
    SecureMailDomain forbidden = awaitCheck(2, caaCheck("fail", "allow only pki.goog, not letsencrypt.org"));
    assertThat(caa(forbidden).orElseThrow().getMessage()).contains("at " + ZONE + ":",
        "renewing the certificate for " + MX + " from letsencrypt.org will be refused");
    assertThat(LabDns.served(dns, MX + ".", Type.CAA)).as("ours withdrawn").isEmpty();
    assertThat(LabDns.served(dns, ZONE + ".", Type.CAA)).as("the foreign record stays")
        .containsExactly("0 issue \"pki.goog\"");

    // Published again, ours at the MX host overrides the apex for it (RFC 8659 section 3) ...
    Domains.edit(client, NS, "pinned", d -> {
      d.getSpec().getCertificates().getCaa().setEnabled(true);
      return d;
    });
    awaitCheck(3, caaCheck("pass", "at " + MX + ":"));

    // ... unless a record beside it carries the critical flag on a tag no CA knows (RFC 8659 section 4.1).
    LabDns.addForeign(dns, ZONE, MX + ". 60 IN CAA 128 tbs \"unknown\"");
    Thread.sleep(CACHE_WAIT.toMillis());
    Domains.edit(client, NS, "pinned", d -> {
      d.getSpec().getCompliance().setInterval("2m");
      return d;
    });
    awaitCheck(4, caaCheck("fail", "critical flag on tag 'tbs'"));
    assertThat(LabDns.served(dns, MX + ".", Type.CAA)).as("the foreign record is left beside ours")
        .containsExactlyInAnyOrder(PINNED, "128 tbs \"unknown\"");

    // Deleting the domain withdraws its own CAA record and nothing else.
    api(client).inNamespace(NS).withName("pinned").delete();
    org.awaitility.Awaitility.await().atMost(Domains.STATUS_TIMEOUT)
        .until(() -> api(client).inNamespace(NS).withName("pinned").get() == null);
    assertThat(LabDns.served(dns, MX + ".", Type.CAA)).containsExactly("128 tbs \"unknown\"");
    assertThat(LabDns.served(dns, ZONE + ".", Type.CAA)).containsExactly("0 issue \"pki.goog\"");
  }

  /**
   * Waits for the check of generation {@code generation} to say so. A spec change starts a check at
   * once, but one that started while the resolver still had the previous answer cached reports the
   * previous state until the next check, an interval (1 or 2 minutes here) later.
   */
  static SecureMailDomain awaitCheck(long generation, Predicate<SecureMailDomain> predicate) {
    return org.awaitility.Awaitility.await().atMost(CHECK_TIMEOUT).pollInterval(Duration.ofSeconds(1))
        .until(() -> api(client).inNamespace(NS).withName("pinned").get(),
            d -> d != null && d.getMetadata().getGeneration() == generation && d.getStatus() != null
                && Objects.equals(d.getStatus().getObservedGeneration(), generation) && predicate.test(d));
  }

  static Optional<ComplianceStatus.CheckResult> caa(SecureMailDomain d) {
    if (d.getStatus() == null || d.getStatus().getCompliance() == null) {
      return Optional.empty();
    }
    return d.getStatus().getCompliance().getChecks().stream()
        .filter(c -> c.getId().equals("cert.caa") && c.getSubject().equals(MX)).findFirst();
  }

  static Predicate<SecureMailDomain> caaCheck(String status, String words) {
    return d -> caa(d).filter(c -> c.getStatus().equals(status) && c.getMessage().contains(words)).isPresent();
  }
}
