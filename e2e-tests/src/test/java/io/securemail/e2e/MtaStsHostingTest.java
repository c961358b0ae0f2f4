package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.mail.MxMount;
import io.securemail.lab.mtasts.PolicyMount;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.MtaStsSpec;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.PolicyHostSpec;
import io.securemail.operator.api.PolicyIngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.TlsRptSpec;
import io.securemail.operator.compliance.mtasts.HttpsPolicyFetcher;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import io.securemail.operator.compliance.pki.PkixRoots;
import io.securemail.operator.mtasts.PolicyDocument;
import io.securemail.operator.mtasts.PolicyServer;
import io.securemail.operator.mtasts.PolicyServerConfig;
import io.securemail.operator.mtasts.PolicySite;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.Type;

/**
 * MTA-STS end to end: the operator renders the policy, the lab's policy server (nginx with the
 * operator's configuration, fed from the ConfigMap and Secret as a kubelet would) serves it with
 * the certificate cert-manager issued, and a sender-side fetch (PKIX with the lab CA, no
 * redirects, text/plain) gets exactly the rendered policy. The ordering rules are watched from
 * the outside: the lab's authoritative DNS and the policy server.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MtaStsHostingTest {

  static final String NS = "sts";
  static final String NAME = "sts";
  static final String ZONE = "sts.test";
  static final String MX1 = "mx." + ZONE;
  static final String MX2 = "mx2." + ZONE;
  static final String MX_ADDRESS = "127.0.1.4";
  static final String POLICY_ADDRESS = "127.0.2.2";
  /** Seconds: the lab operator accepts max_age down to 5 s, so transitions take seconds, not days. */
  static final long MAX_AGE = 12;

  static Lab lab;
  static KubernetesClient client;
  static MxMount mx;
  static PolicyMount policyServer;
  static HttpsPolicyFetcher sender;

  @BeforeAll
  static void domain(Lab l) throws Exception {
    lab = l;
    client = l.client();
    LabMx prepared = LabMx.prepare(l, NS, NAME, ZONE, MX_ADDRESS);
    mx = prepared.mount();
    policyServer = l.policyServers().mount(client, NS, POLICY_ADDRESS);
    sender = new HttpsPolicyFetcher(PkixRoots.only(PkixRoots.readPem(l.issuer().caCertificateFile())),
        Duration.ofSeconds(5));
    SecureMailDomain smd = prepared.domain();
    smd.getSpec().getDns().setManageMx(true);
    smd.getSpec().getMtaSts().setMode(MtaStsSpec.Mode.TESTING);
    smd.getSpec().getMtaSts().setMaxAge(MAX_AGE);
    PolicyHostSpec host = new PolicyHostSpec();
    host.setAddresses(List.of(POLICY_ADDRESS));
    smd.getSpec().getMtaSts().setPolicyHost(host);
    PolicyIngressSpec ingress = new PolicyIngressSpec();
    ingress.setClassName("public");
    smd.getSpec().getMtaSts().setIngress(ingress);
    smd.getSpec().setTlsRpt(new TlsRptSpec(List.of("mailto:tls-reports@" + ZONE)));
    api(client).resource(smd).create();
  }

  @AfterAll
  static void unmount() {
    if (policyServer != null) {
      policyServer.close();
    }
    if (mx != null) {
      mx.close();
    }
  }

  @Test
  @Order(0)
  void theRenderedPolicyIsServedAndThenAnnounced() throws Exception {
    PolicyDocument expected = PolicyDocument.of(MtaStsSpec.Mode.TESTING, List.of(MX1), MAX_AGE);

    SecureMailDomain smd = awaitServed(expected);

    assertThat(fetch().body()).isEqualTo(expected.text());
    assertThat(txtIds()).containsExactly(expected.id());
    assertThat(LabDns.served(lab.dns(), "mta-sts." + ZONE + ".", Type.A)).containsExactly(POLICY_ADDRESS);
    assertThat(LabDns.served(lab.dns(), "_smtp._tls." + ZONE + ".", Type.TXT))
        .containsExactly("\"v=TLSRPTv1; rua=mailto:tls-reports@" + ZONE + "\"");
    assertThat(smd.getStatus().getMtaSts().getMode()).isEqualTo("testing");
    assertThat(condition(smd, "MtaStsPolicyServed").orElseThrow().getMessage()).contains(expected.id());
    // The namespace's shared server: a Deployment owned by its configuration, not by any domain,
    // and the policy in the domain's site Secret.
    Deployment server = client.apps().deployments().inNamespace(NS).withName(PolicyServer.NAME).get();
    assertThat(server.getMetadata().getOwnerReferences()).extracting(r -> r.getKind() + "/" + r.getName())
        .containsExactly("ConfigMap/" + PolicyServer.CONFIG);
    assertThat(server.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext()
        .getReadOnlyRootFilesystem()).isTrue();
    assertThat(sitePolicy(ZONE)).isEqualTo(expected.text());
    // The Ingress asked for: only the policy path, TLS with the domain's mta-sts certificate.
    Ingress ingress = client.network().v1().ingresses().inNamespace(NS).withName(NAME + "-mta-sts").get();
    assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("public");
    assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo(NAME + "-mta-sts-tls");
    var path = ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0);
    assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("mta-sts." + ZONE);
    assertThat(path.getPath()).isEqualTo("/.well-known/mta-sts.txt");
    assertThat(path.getPathType()).isEqualTo("Exact");
    assertThat(path.getBackend().getService().getName()).isEqualTo(PolicyServer.INTERNAL);

    // Nothing left to do: certificates, DNS and the policy are done, and the MTA is not the
    // operator's (spec.mta unset), so Ready turns True, which is what GitOps tools wait for.
    SecureMailDomain ready = awaitStatus(client, NS, NAME, s -> condition(s, "Ready")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    assertThat(condition(ready, "MtaReady").orElseThrow().getReason()).isEqualTo("NotManaged");
    assertThat(condition(ready, "MtaReady").orElseThrow().getMessage()).contains(NAME + "-mx-tls");
    assertThat(condition(ready, "Ready").orElseThrow().getMessage()).contains("MTA-STS policy served");
  }

  /**
   * cert-manager renews the policy host's certificate: the policy server serves the new one (the
   * operator reads the certificate's Secret again because the Certificate's revision moved), and
   * senders go on fetching the policy.
   */
  @Test
  @Order(1)
  void aRenewedPolicyHostCertificateIsServed() throws Exception {
    String certificate = NAME + "-mta-sts";
    int issued = lab.issuer().issuances(NS, certificate);
    String before = siteCertificate(ZONE);
    assertThat(before).as("the certificate the policy server holds").isEqualTo(secretCertificate());

    lab.issuer().renew(NS, certificate);

    await().atMost(Domains.STATUS_TIMEOUT).pollInterval(Duration.ofMillis(250))
        .until(() -> lab.issuer().issuances(NS, certificate) > issued);
    String renewed = secretCertificate();
    assertThat(renewed).isNotEqualTo(before);
    await().atMost(Domains.STATUS_TIMEOUT).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(siteCertificate(ZONE)).isEqualTo(renewed));
    await().atMost(Domains.STATUS_TIMEOUT).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(fetch().ok()).isTrue());
  }

  @Test
  @Order(2)
  void aSecondDomainInTheNamespaceSharesThePolicyServer() throws Exception {
    String two = "two." + ZONE;
    long pid = policyServer.pid();
    SecureMailDomain second = Domains.minimal(NS, "sts-two", two); // manual DNS: the test reaches the server itself
    second.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    api(client).resource(second).create();
    PolicyDocument expected = PolicyDocument.of(MtaStsSpec.Mode.TESTING, List.of("mx1." + two), 604800);

    await().atMost(Domains.STATUS_TIMEOUT).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(fetch(two).body()).isEqualTo(expected.text()));
    assertThat(fetch().ok()).as("the first domain is still served").isTrue();
    assertThat(policyServer.pid()).as("no restart").isEqualTo(pid);
    SecureMailDomain secondNow = api(client).inNamespace(NS).withName("sts-two").get();
    Deployment server = client.apps().deployments().inNamespace(NS).withName(PolicyServer.NAME).get();
    assertThat(server.getMetadata().getOwnerReferences()).as("one owner, however many domains").hasSize(1);

    api(client).resource(secondNow).delete();
    await().atMost(Domains.STATUS_TIMEOUT).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(sitePolicy(two)).isNull());
    assertThat(sitePolicy(ZONE)).isEqualTo(PolicyDocument.of(MtaStsSpec.Mode.TESTING, List.of(MX1), MAX_AGE).text());
    await().atMost(Domains.STATUS_TIMEOUT).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(fetch(two).ok()).isFalse());
    assertThat(fetch().ok()).isTrue();
    assertThat(client.apps().deployments().inNamespace(NS).withName(PolicyServer.NAME).get()).isNotNull();
  }

  @Test
  @Order(3)
  void aModeChangeIsAnnouncedOnlyAfterTheNewPolicyIsServed() throws Exception {
    String before = txtIds().get(0);
    PolicyDocument enforce = PolicyDocument.of(MtaStsSpec.Mode.ENFORCE, List.of(MX1), MAX_AGE);
    policyServer.pause(); // the kubelet has not synced the ConfigMap volume yet

    edit(smd -> {
      smd.getSpec().getMtaSts().setMode(MtaStsSpec.Mode.ENFORCE);
      return smd;
    });
    SecureMailDomain waiting = awaitDomain("the enforce policy awaited",
        smd -> enforce.id().equals(smd.getStatus().getMtaSts().getDesiredPolicyId()));
    assertThat(condition(waiting, "MtaStsPolicyServed").orElseThrow().getReason()).isEqualTo("PolicyNotServed");
    assertThat(waiting.getStatus().getMtaSts().getPolicyId()).isEqualTo(before);
    Holds.during(Duration.ofSeconds(6), () -> assertThat(txtIds()).containsExactly(before));

    policyServer.resume();
    awaitServed(enforce);
    assertThat(txtIds()).containsExactly(enforce.id());
  }

  @Test
  @Order(4)
  void aNewMxHostEntersThePolicyBeforeTheMxRecordSet() throws Exception {
    PolicyDocument both = PolicyDocument.of(MtaStsSpec.Mode.ENFORCE, List.of(MX1, MX2), MAX_AGE);
    policyServer.pause();

    edit(smd -> {
      smd.getSpec().getMx().add(new MxHost(MX2, 20));
      return smd;
    });
    awaitDomain("the two-host policy awaited", smd -> both.id().equals(smd.getStatus().getMtaSts().getDesiredPolicyId()));
    Holds.during(Duration.ofSeconds(6), () -> assertThat(mxHosts()).containsExactly(MX1));

    policyServer.resume();
    await().atMost(Domains.STATUS_TIMEOUT).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(mxHosts()).contains(MX2));
    // By the time senders can see the new MX host, the policy they fetch lists it.
    assertThat(fetch().body()).isEqualTo(both.text());
    assertThat(txtIds()).containsExactly(both.id());
  }

  @Test
  @Order(5)
  void aRemovedMxHostLeavesTheMxRecordSetFirstAndThePolicyAfterMaxAge() throws Exception {
    PolicyDocument both = PolicyDocument.of(MtaStsSpec.Mode.ENFORCE, List.of(MX1, MX2), MAX_AGE);
    PolicyDocument one = PolicyDocument.of(MtaStsSpec.Mode.ENFORCE, List.of(MX1), MAX_AGE);

    edit(smd -> {
      smd.getSpec().getMx().removeIf(m -> m.getHost().equals(MX2));
      return smd;
    });
    await().atMost(Domains.STATUS_TIMEOUT).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(mxHosts()).containsExactly(MX1));
    Instant mxRemoved = Instant.now();
    assertThat(fetch().body()).isEqualTo(both.text());
    SecureMailDomain retiring = awaitDomain("mx2 retiring", smd -> !smd.getStatus().getMtaSts().getRetiringMx().isEmpty());
    assertThat(retiring.getStatus().getMtaSts().getRetiringMx()).singleElement()
        .satisfies(r -> assertThat(r.getPattern()).isEqualTo(MX2));
    assertThat(retiring.getStatus().getMtaSts().getNextStepAt()).isNotNull();

    await().atMost(Domains.STATUS_TIMEOUT).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(txtIds()).containsExactly(one.id()));
    assertThat(fetch().body()).isEqualTo(one.text());
    // Senders that cached the two-host policy could still deliver to mx2 for max_age.
    assertThat(Duration.between(mxRemoved, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(MAX_AGE - 2));
  }

  @Test
  @Order(6)
  void badMaxAgeAndRuaAreRejectedAndChangeNothingPublished() throws Exception {
    String published = txtIds().get(0);

    edit(smd -> {
      smd.getSpec().getMtaSts().setMaxAge(2L);
      smd.getSpec().getTlsRpt().setRua(List.of("tls-reports@" + ZONE));
      return smd;
    });
    SecureMailDomain invalid = awaitDomain("InvalidSpec", Domains.ready("False", "InvalidSpec"));
    String message = condition(invalid, "Ready").orElseThrow().getMessage();
    assertThat(message).contains("spec.mtaSts.maxAge: 2 s is below the minimum of 5 s")
        .contains("spec.tlsRpt.rua[0]: \"tls-reports@" + ZONE + "\" is not a mailto: address or https: URL");
    Holds.during(Duration.ofSeconds(4), () -> assertThat(txtIds()).containsExactly(published));

    edit(smd -> {
      smd.getSpec().getMtaSts().setMaxAge(MAX_AGE);
      smd.getSpec().getTlsRpt().setRua(List.of("mailto:tls-reports@" + ZONE));
      return smd;
    });
    awaitDomain("the policy served again", smd -> condition(smd, "MtaStsPolicyServed")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
  }

  @Test
  @Order(7)
  void modeNoneServesANonePolicyForMaxAgeThenRemovesPolicyAndRecord() throws Exception {
    PolicyDocument none = PolicyDocument.of(MtaStsSpec.Mode.NONE, List.of(MX1), MAX_AGE);

    edit(smd -> {
      smd.getSpec().getMtaSts().setMode(MtaStsSpec.Mode.NONE);
      return smd;
    });
    SecureMailDomain withdrawing = awaitServed(none);
    Instant announced = Instant.now();
    assertThat(condition(withdrawing, "MtaStsPolicyServed").orElseThrow().getReason()).isEqualTo("Withdrawing");
    assertThat(withdrawing.getStatus().getMtaSts().getWithdrawAt()).isNotNull();

    awaitDomain("MTA-STS withdrawn", smd -> condition(smd, "MtaStsPolicyServed")
        .filter(c -> "NotInUse".equals(c.getReason())).isPresent());
    await().atMost(Domains.STATUS_TIMEOUT).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(txtIds()).isEmpty());
    assertThat(Duration.between(announced, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(MAX_AGE - 2));
    assertThat(sitePolicy(ZONE)).isNull();
    await().atMost(Domains.STATUS_TIMEOUT).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(fetch().ok()).isFalse());
    assertThat(client.network().v1().ingresses().inNamespace(NS).withName(NAME + "-mta-sts").get()).isNull();
    assertThat(LabDns.served(lab.dns(), "mta-sts." + ZONE + ".", Type.A)).isEmpty();
  }

  /** The policy the domain's site Secret holds, or null. */
  private static String sitePolicy(String domain) {
    return siteEntry(domain, PolicyServerConfig.policyFile(domain));
  }

  /** The certificate the domain's site Secret holds for its policy host, or null. */
  private static String siteCertificate(String domain) {
    return siteEntry(domain, PolicyServerConfig.certificateFile(domain));
  }

  /** One entry of the site Secret that holds the domain's files, decoded; null when there is none. */
  private static String siteEntry(String domain, String file) {
    Secret site = client.secrets().inNamespace(NS).withName(PolicySite.secretName(domain)).get();
    String base64 = site == null || site.getData() == null ? null : site.getData().get(file);
    return base64 == null ? null : new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  /** The certificate cert-manager wrote into the policy host's Secret. */
  private static String secretCertificate() {
    Secret secret = client.secrets().inNamespace(NS).withName(NAME + "-mta-sts-tls").get();
    return new String(Base64.getDecoder().decode(secret.getData().get("tls.crt")), StandardCharsets.UTF_8);
  }

  /** Waits until status says the policy is served and announced, and the sender's fetch agrees. */
  private static SecureMailDomain awaitServed(PolicyDocument policy) {
    SecureMailDomain smd = awaitDomain("policy " + policy.id() + " served and announced",
        d -> condition(d, "MtaStsPolicyServed").filter(c -> "True".equals(c.getStatus())).isPresent()
            && d.getStatus().getMtaSts() != null && policy.id().equals(d.getStatus().getMtaSts().getPolicyId()));
    assertThat(fetch().body()).isEqualTo(policy.text());
    return smd;
  }

  /** Waits for the status to say something; on a timeout, the failure shows the status as it was. */
  private static SecureMailDomain awaitDomain(String what, java.util.function.Predicate<SecureMailDomain> predicate) {
    try {
      return awaitStatus(client, NS, NAME, predicate);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      SecureMailDomain last = api(client).inNamespace(NS).withName(NAME).get();
      throw new AssertionError("status does not show " + what + ": "
          + client.getKubernetesSerialization().asJson(last.getStatus()), e);
    }
  }

  private static PolicyFetch fetch() {
    return fetch(ZONE);
  }

  private static PolicyFetch fetch(String domain) {
    try {
      return sender.fetch(domain, List.of(InetAddress.getByName(POLICY_ADDRESS)), 443);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The ids of the _mta-sts TXT records the authoritative server publishes. */
  private static List<String> txtIds() throws Exception {
    List<String> ids = new ArrayList<>();
    for (String txt : LabDns.served(lab.dns(), "_mta-sts." + ZONE + ".", Type.TXT)) {
      ids.add(txt.replaceAll("^\"v=STSv1; id=([A-Za-z0-9]+)\"$", "$1"));
    }
    return ids;
  }

  private static List<String> mxHosts() throws Exception {
    return LabDns.served(lab.dns(), ZONE + ".", Type.MX).stream()
        .map(mx -> mx.replaceAll("^\\d+ (.*)\\.$", "$1")).sorted().toList();
  }

  private static void edit(UnaryOperator<SecureMailDomain> change) {
    Domains.edit(client, NS, NAME, change);
  }

  /** Asserts the condition at every sample during the whole period (an ordering, not a final state). */
}
