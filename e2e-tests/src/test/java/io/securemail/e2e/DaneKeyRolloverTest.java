package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.certmanager.api.model.v1.ClusterIssuerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.certmanager.LabIssuer;
import io.securemail.lab.mail.MxMount;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.SecureMailDomain;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.Type;

/**
 * DANE that never breaks, end to end: the operator's keys and cert-manager Certificates (the lab
 * issuer), TLSA records in a DNSSEC-signed Knot zone read back through Unbound, and a real Postfix
 * serving the MX certificate from the Secret the operator writes. One domain lives through the
 * whole story, in order: first publication, renewal, a planned rollover watched by an independent
 * sampler, an emergency rollover across an operator restart.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaneKeyRolloverTest {

  static final String NS = "dane";
  static final String NAME = "rollover";
  static final String ZONE = "dane.test";
  static final String MX = "mx." + ZONE;
  static final String MX_ADDRESS = "127.0.1.1";
  static final Duration ROLLOVER_TIMEOUT = Duration.ofMinutes(4);

  static Lab lab;
  static KubernetesClient client;
  static MxMount mount;

  @BeforeAll
  static void domain(Lab l) throws Exception {
    lab = l;
    client = l.client();
    LabMx mx = LabMx.prepare(l, NS, NAME, ZONE, MX_ADDRESS);
    mount = mx.mount();
    SecureMailDomain smd = mx.domain();
    smd.getSpec().getDane().setPrePublish("1m");
    smd.getSpec().getDane().setRolloverEvery("0");
    api(client).resource(smd).create();
  }

  @AfterAll
  static void unmount() throws Exception {
    if (mount != null) {
      mount.close();
    }
  }

  static DaneStatus dane() {
    SecureMailDomain smd = api(client).inNamespace(NS).withName(NAME).get();
    return smd == null || smd.getStatus() == null ? null : smd.getStatus().getDane();
  }

  static DaneStatus awaitPhase(String phase, Duration timeout) {
    try {
      return await().atMost(timeout).pollInterval(Duration.ofMillis(200))
          .until(DaneKeyRolloverTest::dane, d -> d != null && phase.equals(d.getPhase()));
    } catch (ConditionTimeoutException e) {
      SecureMailDomain smd = api(client).inNamespace(NS).withName(NAME).get();
      throw new AssertionError("DANE phase " + phase + " not reached within " + timeout + "; status.dane: "
          + client.getKubernetesSerialization().asJson(smd.getStatus().getDane()) + ", conditions: "
          + client.getKubernetesSerialization().asJson(smd.getStatus().getConditions()), e);
    }
  }

  /** The 3 1 1 TLSA data Knot serves for the MX host (what the operator published). */
  static Set<String> publishedTlsa() throws Exception {
    return LabDns.served(lab.dns(), "_25._tcp." + MX + ".", Type.TLSA).stream()
        .map(v -> v.replaceFirst("^3 1 1 ", "").toLowerCase()).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Waits for the published TLSA set; a timeout shows the set and the domain's status. */
  static void awaitTlsa(String what, java.util.function.Predicate<Set<String>> expected) {
    try {
      await().atMost(Duration.ofSeconds(30)).until(DaneKeyRolloverTest::publishedTlsa, expected);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      String tlsa;
      try {
        tlsa = publishedTlsa().toString();
      } catch (Exception lookup) {
        tlsa = "(lookup failed: " + lookup.getMessage() + ")";
      }
      throw new AssertionError("published TLSA is not " + what + ": " + tlsa + "; status: "
          + client.getKubernetesSerialization().asJson(api(client).inNamespace(NS).withName(NAME).get().getStatus()), e);
    }
  }

  static void annotate(String value) {
    Domains.edit(client, NS, NAME, d -> {
      d.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of("securemail.io/dane-rollover", value)));
      return d;
    });
  }

  @Test
  @Order(1)
  void tlsaIsPublishedForServingAndNextKeyOnlyOnceTheMxServesTheKey() throws Exception {
    DaneStatus stable = awaitPhase("Stable", Duration.ofSeconds(90));

    assertThat(stable.getServingLineage()).isEqualTo("a");
    assertThat(stable.getCurrentSpkiSha256()).isNotEqualTo(stable.getNextSpkiSha256());
    awaitTlsa("current and next key", tlsa -> tlsa.size() == 2);
    assertThat(publishedTlsa()).containsExactlyInAnyOrder(stable.getCurrentSpkiSha256(), stable.getNextSpkiSha256());
    SecureMailDomain smd = Domains.awaitStatus(client, NS, NAME, d -> Domains.condition(d, "CertificatesReady")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    assertThat(smd.getStatus().getRecords()).filteredOn(r -> "TLSA".equals(r.getType()))
        .allSatisfy(r -> assertThat(r.getDnssec()).isEqualTo("secure"));
  }

  @Test
  @Order(2)
  void renewalReissuesTheCertificateForTheSameKeyAndChangesNoTlsaRecord() throws Exception {
    Set<String> before = publishedTlsa();
    long updatesBefore = lab.dns().updatesReceived();
    int issued = lab.issuer().issuances(NS, NAME + "-mx-a");
    String servingCertBefore = client.secrets().inNamespace(NS).withName(NAME + "-mx-tls").get().getData().get("tls.crt");

    lab.issuer().renew(NS, NAME + "-mx-a");

    await().atMost(Duration.ofSeconds(30)).until(() -> lab.issuer().issuances(NS, NAME + "-mx-a") > issued);
    await().atMost(Duration.ofSeconds(30)).until(() -> !servingCertBefore.equals(
        client.secrets().inNamespace(NS).withName(NAME + "-mx-tls").get().getData().get("tls.crt")));
    await().pollDelay(Duration.ofSeconds(5)).until(() -> true);
    assertThat(publishedTlsa()).isEqualTo(before);
    assertThat(lab.dns().updatesReceived()).as("DNS updates after a renewal").isEqualTo(updatesBefore);
    assertThat(dane().getPhase()).isEqualTo("Stable");
  }

  @Test
  @Order(3)
  void plannedRolloverNeverServesAKeyWithoutAValidatingTlsaRecord() throws Exception {
    DaneStatus before = dane();
    try (var sampler = new DaneSampler(client, NS, NAME, MX, MX_ADDRESS, lab.dns().resolverAddress(),
        lab.dns().resolverPort()).start(Duration.ofMillis(200))) {
      // The kubelet stand-in holds the switch until the sampler has seen it: on a fast machine the
      // MX picks up the new key in well under a second.
      mount.pause();
      try {
        annotate("requested");
        awaitPhase("Switching", ROLLOVER_TIMEOUT);
        await().atMost(Duration.ofSeconds(10)).until(() -> sampler.samples().stream()
            .anyMatch(s -> "Switching".equals(s.phase()) && s.probed()));
      } finally {
        mount.resume();
      }
      awaitPhase("Retiring", Duration.ofSeconds(60));
      DaneStatus after = awaitPhase("Stable", Duration.ofSeconds(60));
      awaitTlsa("current and next key", tlsa -> tlsa.size() == 2);
      await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
      sampler.close();

      List<DaneSampler.Sample> probed = sampler.assertDaneNeverFailed("rollover");
      assertThat(probed.stream().map(DaneSampler.Sample::phase).collect(Collectors.toSet()))
          .as("a sample in every phase").contains("Stable", "Switching", "Retiring");
      assertThat(probed.stream().map(DaneSampler.Sample::servedSpki).collect(Collectors.toSet()))
          .as("the MX moved from the old key to the new one")
          .contains(before.getCurrentSpkiSha256(), before.getNextSpkiSha256());

      assertThat(after.getServingLineage()).isEqualTo("b");
      assertThat(after.getCurrentSpkiSha256()).isEqualTo(before.getNextSpkiSha256());
      assertThat(after.getNextSpkiSha256()).isNotIn(before.getCurrentSpkiSha256(), before.getNextSpkiSha256());
      assertThat(publishedTlsa()).containsExactlyInAnyOrder(after.getCurrentSpkiSha256(), after.getNextSpkiSha256());
      SecureMailDomain smd = api(client).inNamespace(NS).withName(NAME).get();
      // The request stays (a GitOps tool would only put it back); status says it was handled.
      assertThat(smd.getMetadata().getAnnotations()).containsEntry("securemail.io/dane-rollover", "requested");
      assertThat(smd.getStatus().getDane().getLastRequest()).isEqualTo("requested");
      assertThat(events("DaneRollover")).hasSizeGreaterThanOrEqualTo(3);
    }
    assertThat(LabMx.posttlsFinger(lab, MX)).as("Postfix's own DANE verdict").contains("Verified TLS connection established");
  }

  @Test
  @Order(4)
  void emergencyRolloverResumesFromStatusAfterAnOperatorRestartMidSwitch() throws Exception {
    DaneStatus before = awaitPhase("Stable", Duration.ofSeconds(30));
    mount.pause(); // the kubelet stand-in stops syncing: the MX keeps serving the old key
    DaneStatus switching;
    try {
      annotate("emergency");
      switching = awaitPhase("Switching", ROLLOVER_TIMEOUT);
      await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
      assertThat(dane().getPhase()).as("no MX serves the new key yet").isEqualTo("Switching");
      assertThat(switching.getNextSpkiSha256()).as("an emergency switches to a fresh key, not the one kept beside "
          + "the compromised key").isNotEqualTo(before.getNextSpkiSha256());
      assertThat(publishedTlsa()).as("both keys stay published while switching")
          .contains(before.getCurrentSpkiSha256(), switching.getNextSpkiSha256())
          .doesNotContain(before.getNextSpkiSha256());

      lab.restartOperator();

      await().pollDelay(Duration.ofSeconds(5)).until(() -> true);
      DaneStatus resumed = dane();
      assertThat(resumed.getPhase()).isEqualTo("Switching");
      assertThat(resumed.getSince()).as("the phase was resumed, not restarted").isEqualTo(switching.getSince());
      assertThat(resumed.getServingLineage()).isEqualTo(before.getServingLineage());
    } finally {
      mount.resume();
    }
    DaneStatus after = awaitPhase("Stable", Duration.ofSeconds(60));
    assertThat(after.getCurrentSpkiSha256()).isEqualTo(switching.getNextSpkiSha256());
    awaitTlsa("current and next key", tlsa -> tlsa.size() == 2);
    assertThat(publishedTlsa()).containsExactlyInAnyOrder(after.getCurrentSpkiSha256(), after.getNextSpkiSha256());
  }

  @Test
  @Order(5)
  void aServingKeyReplacedOutsideTheOperatorIsReportedAndRolledAway() throws Exception {
    DaneStatus before = awaitPhase("Stable", Duration.ofSeconds(60));
    // Someone deletes the serving lineage's Secret: the operator writes a new key into it, which the
    // MTA must not get without a TLSA record, while the key it serves is no longer renewed.
    client.secrets().inNamespace(NS).withName(NAME + "-mx-" + before.getServingLineage()).delete();

    await().atMost(Duration.ofSeconds(60)).until(() -> !events("ServingKeyReplaced").isEmpty());
    assertThat(events("ServingKeyReplaced").get(0)).contains("serving lineage " + before.getServingLineage()
        + " was replaced outside the operator");
    DaneStatus after = await().atMost(ROLLOVER_TIMEOUT).pollInterval(Duration.ofMillis(500))
        .until(DaneKeyRolloverTest::dane, d -> d != null && "Stable".equals(d.getPhase())
            && before.getNextSpkiSha256().equals(d.getCurrentSpkiSha256()) && d.getNextSpkiSha256() != null);
    assertThat(after.getServingLineage()).isNotEqualTo(before.getServingLineage());
    awaitTlsa("the new current and next key", tlsa -> tlsa.equals(Set.of(after.getCurrentSpkiSha256(),
        after.getNextSpkiSha256())));
    assertThat(publishedTlsa()).doesNotContain(before.getCurrentSpkiSha256());
  }

  @Test
  @Order(6)
  void aRefusingIssuerIsReportedAndNothingPublishedIsWithdrawn() throws Exception {
    DaneStatus before = awaitPhase("Stable", Duration.ofSeconds(30));
    Set<String> tlsa = publishedTlsa();
    client.resource(new ClusterIssuerBuilder().withNewMetadata().withName("lab-ca-refusing")
        .withAnnotations(Map.of(LabIssuer.REFUSE_ANNOTATION, "the CA is down for maintenance")).endMetadata()
        .withNewSpec().withNewCa().withSecretName(LabIssuer.CA_NAME).endCa().endSpec().build()).serverSideApply();
    Domains.edit(client, NS, NAME, d -> {
      d.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca-refusing", IssuerRef.Kind.CLUSTER_ISSUER));
      return d;
    });
    // A renewal against the refusing issuer fails; what is served and published stays.
    lab.issuer().renew(NS, NAME + "-mx-" + before.getServingLineage());
    SecureMailDomain smd = Domains.awaitStatus(client, NS, NAME, d -> Domains.condition(d, "CertificatesReady")
        .filter(c -> "False".equals(c.getStatus()) && "IssuanceFailed".equals(c.getReason())).isPresent());
    assertThat(Domains.condition(smd, "CertificatesReady").orElseThrow().getMessage())
        .contains("the CA is down for maintenance");
    assertThat(publishedTlsa()).isEqualTo(tlsa);
    assertThat(dane().getCurrentSpkiSha256()).isEqualTo(before.getCurrentSpkiSha256());

    Domains.edit(client, NS, NAME, d -> {
      d.getSpec().getCertificates().setIssuerRef(new IssuerRef("no-such-issuer", IssuerRef.Kind.CLUSTER_ISSUER));
      return d;
    });
    smd = Domains.awaitStatus(client, NS, NAME, d -> Domains.condition(d, "CertificatesReady")
        .filter(c -> "IssuerNotFound".equals(c.getReason())).isPresent());
    assertThat(Domains.condition(smd, "CertificatesReady").orElseThrow().getMessage())
        .contains("ClusterIssuer no-such-issuer");
    assertThat(publishedTlsa()).isEqualTo(tlsa);
  }

  @Test
  @Order(7)
  void disablingDaneWithdrawsTheTlsaRecordsWithAWarningAndKeepsTheCertificate() throws Exception {
    Domains.edit(client, NS, NAME, d -> {
      d.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
      return d;
    });
    awaitPhase("Stable", Duration.ofSeconds(30));
    String served = client.secrets().inNamespace(NS).withName(NAME + "-mx-tls").get().getData().get("tls.key");

    Domains.edit(client, NS, NAME, d -> {
      d.getSpec().getDane().setEnabled(false);
      return d;
    });

    awaitPhase("Disabled", Duration.ofSeconds(30));
    awaitTlsa("no TLSA record", Set::isEmpty);
    assertThat(events("DaneDisabled")).singleElement().asString().contains("fall back to MTA-STS");
    assertThat(client.secrets().inNamespace(NS).withName(NAME + "-mx-tls").get().getData().get("tls.key"))
        .as("the MTA keeps its key").isEqualTo(served);
  }

  static List<String> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()) && NAME.equals(e.getInvolvedObject().getName()))
        .map(e -> e.getMessage()).toList();
  }

}
