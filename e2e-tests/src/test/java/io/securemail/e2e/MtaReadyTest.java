package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.securemail.lab.Lab;
import io.securemail.lab.LabMta;
import io.securemail.lab.PolicyMount;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.PolicyHostSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.mta.MtaManifests;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's own MTA, end to end: the operator creates the StatefulSet, Service and ConfigMap;
 * the lab runs the real Postfix those describe (rendered by the same code, lab paths) with the
 * serving Secret mounted as a kubelet would, and plays the StatefulSet controller. MtaReady follows
 * what the MTA really does: not ready while the replicas are not, ready once every MX endpoint
 * serves the current key, and a DANE key rollover completes because the mounted Secret's change
 * reaches Postfix by reload.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MtaReadyTest {

  static final String NS = "mta-ready";
  static final String NAME = "edge";
  static final String ZONE = "edge.test";
  static final String ADDRESS = "127.0.3.20";
  static final String POLICY_ADDRESS = "127.0.2.1";

  static Lab lab;
  static KubernetesClient client;
  static LabMta mta;
  static PolicyMount policyServer;

  @BeforeAll
  static void domain(Lab l) throws Exception {
    lab = l;
    client = l.client();
    Domains.createNamespace(client, NS);
    Domains.tsigSecret(client, NS, "tsig", lab.dns().tsigSecret());
    String host = "mx." + ZONE;
    LabDns.addForeign(lab.dns(), ZONE, host + ". 300 IN A " + ADDRESS);
    SecureMailDomain smd = Domains.rfc2136(NS, NAME, ZONE, lab.dns().authoritativeAddress() + ":"
        + lab.dns().authoritativePort(), ZONE + ".", lab.dns().tsigKeyName(), "tsig");
    smd.getSpec().getMx().get(0).setHost(host);
    smd.getSpec().getDns().setTtl(30);
    smd.getSpec().getDane().setPrePublish("5s");
    smd.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    smd.getSpec().getDns().setManageMx(true);
    // The namespace's MTA-STS policy server, played by the lab's nginx on its own address.
    policyServer = lab.policyServers().mount(client, NS, POLICY_ADDRESS);
    PolicyHostSpec policyHost = new PolicyHostSpec();
    policyHost.setAddresses(List.of(POLICY_ADDRESS));
    smd.getSpec().getMtaSts().setPolicyHost(policyHost);
    MtaSpec spec = new MtaSpec();
    spec.setReplicas(1);
    spec.getInbound().setDeliverTo("smtp:[127.0.3.10]:2525");
    spec.getOutbound().setMtaSts(false);
    smd.getSpec().setMta(spec);
    // The lab's Postfix for this MTA: the same rendering, lab paths, the serving Secret mounted.
    mta = LabMta.create(lab.workDir().resolve("mta-ready"), ADDRESS, smd.getSpec(), lab.issuer().caCertificateFile(),
        lab.dns().resolvConf());
    mta.mountSecret(client, NS, NAME + "-mx-tls");
    api(client).resource(smd).create();
  }

  @AfterAll
  static void stop() {
    if (mta != null) {
      mta.close();
    }
    if (policyServer != null) {
      policyServer.close();
    }
  }

  @Test
  @Order(0)
  void theOperatorDescribesTheMtaAndWaitsForItsReplicas() {
    SecureMailDomain starting = awaitStatus(s -> condition(s, "MtaReady")
        .filter(c -> "Starting".equals(c.getReason())).isPresent());
    assertThat(condition(starting, "MtaReady").orElseThrow().getMessage()).contains("0 of 1 replicas");
    assertThat(condition(starting, "Ready").orElseThrow().getStatus()).isEqualTo("False");

    StatefulSet set = client.apps().statefulSets().inNamespace(NS).withName(NAME + "-mta").get();
    Container postfix = set.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(postfix.getName()).isEqualTo("postfix");
    assertThat(set.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(v -> assertThat(v.getSecret() == null ? null : v.getSecret().getSecretName())
            .isEqualTo(NAME + "-mx-tls"));
    // What the lab runs is what the ConfigMap holds, but for the paths of the layout.
    Map<String, String> config = client.configMaps().inNamespace(NS).withName(NAME + "-mta").get().getData();
    assertThat(config.get("main.cf")).contains("relay_domains = " + ZONE)
        .contains("smtpd_tls_cert_file = /etc/securemail/tls/tls.crt");
    assertThat(mta.files().mainCf()).contains("relay_domains = " + ZONE);
  }

  @Test
  @Order(1)
  void readyOnceTheReplicasAreAndEveryMxServesTheCurrentKey() throws Exception {
    org.awaitility.Awaitility.await("the serving Secret mounted").atMost(Domains.STATUS_TIMEOUT)
        .until(mta::hasCertificate);
    mta.start();
    mta.reportStatefulSetReady(client, NS, NAME + "-mta");
    SecureMailDomain ready = awaitStatus(s -> condition(s, "Ready").filter(c -> "True".equals(c.getStatus()))
        .isPresent());
    assertThat(condition(ready, "MtaReady").orElseThrow().getReason()).isEqualTo("Ready");
    assertThat(condition(ready, "MtaReady").orElseThrow().getMessage()).contains("1 replica(s)")
        .contains("serves the current key");
    assertThat(ready.getStatus().getDane().getPhase()).isEqualTo("Stable");
    // The same, as Prometheus sees it (what the chart's SecureMailMtaNotReady alert reads).
    assertThat(lab.operator().metrics().lines().filter(l -> l.startsWith("securemail_condition_status{")
        && l.contains("condition=\"MtaReady\"") && l.contains("name=\"" + NAME + "\"")))
        .singleElement().satisfies(l -> assertThat(l).endsWith(" 1.0"));
  }

  @Test
  @Order(2)
  void aRolloverCompletesBecauseTheMtaReloadsTheNewKey() {
    String before = api(client).inNamespace(NS).withName(NAME).get().getStatus().getDane().getCurrentSpkiSha256();
    // A merge patch, as kubectl annotate sends it: no resourceVersion, so the operator's own
    // writes to the resource cannot make it conflict.
    api(client).inNamespace(NS).withName(NAME).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"securemail.io/dane-rollover\":\"requested\"}}}");
    // The next key's TLSA must age 2 x TTL (60 s) before the switch; the switch completes only
    // once every MX endpoint serves the next key, which only the MTA's reload makes happen.
    SecureMailDomain after = org.awaitility.Awaitility.await("a completed rollover with the MTA serving the new key")
        .atMost(java.time.Duration.ofMinutes(4)).pollInterval(java.time.Duration.ofSeconds(1))
        .until(() -> api(client).inNamespace(NS).withName(NAME).get(), s -> s.getStatus().getDane() != null
            && "Stable".equals(s.getStatus().getDane().getPhase())
            && !before.equals(s.getStatus().getDane().getCurrentSpkiSha256())
            && condition(s, "MtaReady").filter(c -> "True".equals(c.getStatus())).isPresent());
    assertThat(after.getStatus().getDane().getCurrentSpkiSha256()).isNotEqualTo(before);
  }

  @Test
  @Order(3)
  void anMtaThatStopsAnsweringIsReportedNotReady() throws Exception {
    mta.stop();
    SecureMailDomain down = awaitStatus(s -> condition(s, "MtaReady")
        .filter(c -> "MxUnreachable".equals(c.getReason())).isPresent());
    assertThat(condition(down, "MtaReady").orElseThrow().getMessage()).contains(ADDRESS);
    assertThat(condition(down, "Ready").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(lab.operator().metrics().lines().filter(l -> l.startsWith("securemail_condition_status{")
        && l.contains("condition=\"MtaReady\"") && l.contains("name=\"" + NAME + "\"")))
        .singleElement().satisfies(l -> assertThat(l).endsWith(" 0.0"));
    mta.start();
    awaitStatus(s -> condition(s, "MtaReady").filter(c -> "True".equals(c.getStatus())).isPresent());
  }

  @Test
  @Order(4)
  void removingSpecMtaRemovesTheMtaObjects() {
    api(client).inNamespace(NS).withName(NAME).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"mta\":null}}");
    SecureMailDomain external = awaitStatus(s -> condition(s, "MtaReady")
        .filter(c -> "NotManaged".equals(c.getReason())).isPresent());
    assertThat(condition(external, "MtaReady").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(client.apps().statefulSets().inNamespace(NS).withName(MtaManifests.name(external)).get()).isNull();
    assertThat(client.services().inNamespace(NS).withName(NAME + "-mta").get()).isNull();
    assertThat(client.configMaps().inNamespace(NS).withName(NAME + "-mta").get()).isNull();
  }

  private static SecureMailDomain awaitStatus(Predicate<SecureMailDomain> predicate) {
    return Domains.awaitStatus(client, NS, NAME, predicate);
  }
}
