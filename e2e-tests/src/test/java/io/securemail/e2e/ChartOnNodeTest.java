package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.securemail.lab.ChartInstall;
import io.securemail.lab.Lab;
import io.securemail.lab.cluster.LabNode;
import io.securemail.lab.cluster.PodNetwork;
import io.securemail.lab.dns.DnsLab;
import io.securemail.lab.mail.MailStoreSink;
import io.securemail.lab.support.HttpProbe;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.lab.support.Ports;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.PolicyHostSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.MtaStsSpec;
import io.securemail.operator.mtasts.PolicyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The project as a user runs it, on the lab's real node: the chart installed with Helm and the
 * project's locally built images, the operator as a Pod under the chart's restricted security
 * context and RBAC, and a domain whose MTA (StatefulSet, Service, queue volume) and MTA-STS policy
 * server run as real Pods. Records go by RFC 2136 to the lab's Knot, certificates come from the
 * lab's issuer stand-in, mail goes to a mail store on the node address.
 *
 * <p>While this class runs, the lab's operator process is suspended: one operator per cluster.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChartOnNodeTest {

  static final String RELEASE_NS = "securemail-node";
  static final String NS = "node-mail";
  /** A second watched namespace: the chart's watchNamespaces lists both. */
  static final String NS_B = "node-mail-b";
  static final String OTHER = "other";
  static final String NAME = "node";
  static final String ZONE = "node.test";
  static final String MX = "mx1." + ZONE;
  /** Pulling nothing, a Pod starts in seconds; the MTA Pod's four containers take longest. */
  static final Duration POD_TIMEOUT = Duration.ofMinutes(3);
  static final Duration ROLLOVER_TIMEOUT = Duration.ofMinutes(5);

  static Lab lab;
  static KubernetesClient client;
  static MailStoreSink store;
  static int storePort;
  static ChartInstall chart;

  @BeforeAll
  static void installTheChart(Lab l) throws Exception {
    lab = l;
    client = l.client();
    lab.suspendOperator();
    chart = ChartInstall.install(lab, RELEASE_NS, List.of(NS, NS_B));

    storePort = Ports.free();
    store = new MailStoreSink("node-store").listen(MailStoreSink.Protocol.SMTP, PodNetwork.NODE_ADDRESS, storePort);
    Domains.tsigSecret(client, NS, "tsig", lab.dns().tsigSecret());
  }

  @AfterAll
  static void uninstall() throws Exception {
    try {
      if (client != null && api(client).inNamespace(NS_B).withName(OTHER).get() != null) {
        api(client).inNamespace(NS_B).withName(OTHER).delete();
        await("the other namespace's domain's cleanup").atMost(Duration.ofMinutes(2))
            .until(() -> api(client).inNamespace(NS_B).withName(OTHER).get() == null);
      }
      if (client != null && api(client).inNamespace(NS).withName(NAME).get() != null) {
        api(client).inNamespace(NS).withName(NAME).delete();
        await("the domain's cleanup by the operator Pod").atMost(Duration.ofMinutes(2))
            .until(() -> api(client).inNamespace(NS).withName(NAME).get() == null);
      }
      if (chart != null) {
        chart.close();
      }
    } finally {
      if (store != null) {
        store.close();
      }
      if (lab != null) {
        lab.resumeOperator();
      }
    }
  }

  @Test
  @Order(0)
  void theChartsOperatorRunsAsARestrictedPodAndReconciles() throws Exception {
    Pod pod = operatorPod();
    Container container = pod.getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(lab.images().operator());
    assertThat(ready(pod)).isTrue();
    // What the chart asks for is what the runtime gives: non-root, read-only root, no capabilities.
    assertThat(exec(pod, "operator", "id", "-u").trim()).isEqualTo("185");
    assertThat(exec(pod, "operator", "sh", "-c", "touch /deployments/x 2>&1 || echo refused")).contains("refused");
    assertThat(capabilities(pod, "operator")).isEmpty();

    api(client).resource(domain()).create();
    // Certificates issued; no TLSA yet, since no MX address record points at the MTA yet (the next step).
    SecureMailDomain seen = Domains.awaitStatus(client, NS, NAME, s -> condition(s, "CertificatesReady")
        .filter(c -> "MxNotServingKey".equals(c.getReason())).isPresent());
    assertThat(condition(seen, "CertificatesReady").orElseThrow().getMessage()).contains("are issued");
    assertThat(seen.getStatus().getRecords()).isNotEmpty().noneMatch(r -> "TLSA".equals(r.getType()));
  }

  /**
   * The TLS report Service leads to the leader only: the operator, running with the chart's RBAC,
   * labels its own Pod, the Service's endpoints are that Pod, and an LMTP client connecting to the
   * Service, as an MTA does, is greeted by the operator's report receiver.
   */
  @Test
  @Order(0)
  void theReportServiceLeadsToTheLeadersPod() throws Exception {
    Pod leader = awaitReportServiceOn(operatorPod());
    String address = reportService().getSpec().getClusterIP();
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(address, 2424), 5000);
      socket.setSoTimeout(5000);
      String greeting = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII)).readLine();
      assertThat(greeting).as("the greeting through " + address + ":2424 (leader " + leader.getMetadata().getName()
          + ")").startsWith("220 ").contains("LMTP TLS report receiver");
    }
  }

  private static io.fabric8.kubernetes.api.model.Service reportService() {
    return client.services().inNamespace(RELEASE_NS).withLabel("app.kubernetes.io/component", "tlsrpt").list()
        .getItems().stream().findFirst().orElseThrow();
  }

  /** Waits until {@code pod} carries the leader label and is the report Service's only endpoint. */
  private static Pod awaitReportServiceOn(Pod pod) {
    String name = pod.getMetadata().getName();
    Pod labelled = await("the leader label on " + name).atMost(Duration.ofSeconds(60))
        .until(() -> client.pods().inNamespace(RELEASE_NS).withName(name).get(),
            p -> p != null && "true".equals(p.getMetadata().getLabels().get("securemail.io/leader")));
    String service = reportService().getMetadata().getName();
    await("the report Service's endpoints: " + name + " only").atMost(Duration.ofSeconds(60)).until(() -> {
      var endpoints = client.endpoints().inNamespace(RELEASE_NS).withName(service).get();
      if (endpoints == null || endpoints.getSubsets() == null) {
        return List.<String>of();
      }
      return endpoints.getSubsets().stream().filter(s -> s.getAddresses() != null)
          .flatMap(s -> s.getAddresses().stream()).map(a -> a.getIp()).toList();
    }, ips -> ips.equals(List.of(labelled.getStatus().getPodIP())));
    return labelled;
  }

  /** helm test, as a user runs it after installing: the chart's test Pod finds the operator ready. */
  @Test
  @Order(0)
  void helmTestFindsTheOperatorReady() {
    chart.test();
  }

  @Test
  @Order(1)
  void theDomainWithItsOwnMtaBecomesReadyAndCompliantWithEveryPartAPod() throws Exception {
    // As a user does: point the MX host and the policy host at the Services the operator made.
    String mtaAddress = await("the MTA's Service").atMost(Domains.STATUS_TIMEOUT)
        .until(() -> clusterIp(NAME + "-mta"), ip -> ip != null);
    LabDns.addForeign(lab.dns(), ZONE, MX + ". 30 IN A " + mtaAddress);
    String policyAddress = await("the policy server's Service").atMost(Domains.STATUS_TIMEOUT)
        .until(() -> clusterIp(PolicyServer.NAME), ip -> ip != null);
    Domains.edit(client, NS, NAME, smd -> {
      PolicyHostSpec host = new PolicyHostSpec();
      host.setAddresses(List.of(policyAddress));
      smd.getSpec().getMtaSts().setPolicyHost(host);
      return smd;
    });

    SecureMailDomain ready = await("Ready and Compliant").atMost(POD_TIMEOUT).pollInterval(Duration.ofSeconds(1))
        .until(this::current, s -> isTrue(s, "Ready") && isTrue(s, "Compliant"));
    assertThat(condition(ready, "MtaReady").orElseThrow().getReason()).isEqualTo("Ready");

    Pod mta = mtaPod();
    assertThat(mta.getSpec().getContainers()).extracting(Container::getImage).containsOnly(lab.images().mta());
    assertThat(mta.getStatus().getContainerStatuses()).allMatch(ContainerStatus::getReady);
    PersistentVolumeClaim queue = client.persistentVolumeClaims().inNamespace(NS).withName("queue-" + mta.getMetadata()
        .getName()).get();
    assertThat(queue.getStatus().getPhase()).isEqualTo("Bound");
    Pod policy = client.pods().inNamespace(NS).withLabel("app.kubernetes.io/name", PolicyServer.NAME).list()
        .getItems().get(0);
    assertThat(policy.getSpec().getContainers().get(0).getImage()).isEqualTo(lab.images().policyServer());
    assertThat(exec(policy, "nginx", "id", "-u").trim()).isEqualTo("101");

    // The same, as Prometheus sees it: through the chart's metrics Service.
    String metrics = HttpProbe.get("http://" + chart.metricsAddress() + ":8080/q/metrics");
    assertThat(metrics).isNotNull();
    assertThat(metrics.lines().filter(l -> l.startsWith("securemail_condition_status{")
        && l.contains("condition=\"MtaReady\"") && l.contains("name=\"" + NAME + "\"")))
        .singleElement().satisfies(l -> assertThat(l).endsWith(" 1.0"));
  }

  @Test
  @Order(2)
  void theMtaPodRunsWithExactlyTheDocumentedCapabilities() throws Exception {
    Pod mta = mtaPod();
    // PID 1 of the postfix container is the entrypoint, started with the container's capability set.
    Set<String> postfix = capabilities(mta, "postfix");
    assertThat(postfix).containsExactlyInAnyOrder("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID", "KILL");
    String docs = Files.readString(lab.repoDir().resolve("docs/mta.md"));
    assertThat(postfix).allSatisfy(cap -> assertThat(docs).as("docs/mta.md names " + cap).contains("`" + cap + "`"));
    for (String helper : List.of("tls-policy", "mta-sts", "resolver")) {
      assertThat(capabilities(mta, helper)).as(helper).isEmpty();
      assertThat(exec(mta, helper, "id", "-u").trim()).as(helper).isEqualTo("10100");
    }
  }

  @Test
  @Order(3)
  void mailSentToTheMtasServiceReachesTheMailStoreOverTls() throws Exception {
    String subject = Mtas.uniqueSubject("node inbound");
    ManagedProcess.Completed sent = Mtas.swaks(clusterIp(NAME + "-mta"), 25, "sender@outside.test", "user@" + ZONE,
        subject, "--tls");
    assertThat(sent.exitCode()).as(sent.output()).isZero();
    MailStoreSink.Message received = await("delivery to the mail store").atMost(Duration.ofSeconds(60))
        .until(() -> store.messagesContaining(subject), m -> !m.isEmpty()).get(0);
    assertThat(received.overTls()).as("the MTA delivered over TLS (deliverToTls: encrypt)").isTrue();
    assertThat(received.header("Received")).anySatisfy(h -> assertThat(h).containsPattern("TLSv1\\.[23]"));
  }

  /**
   * The chart watches two namespaces, which the operator watches through one informer each: a
   * domain of the second is reconciled as one of the first (its Certificates issued and seen).
   */
  @Test
  @Order(1)
  void aDomainOfTheSecondWatchedNamespaceIsReconciled() {
    SecureMailDomain other = Domains.minimal(NS_B, OTHER, "other.test");
    other.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    api(client).resource(other).create();
    SecureMailDomain seen = Domains.awaitStatus(client, NS_B, OTHER, s -> condition(s, "CertificatesReady")
        .filter(c -> c.getMessage() != null && c.getMessage().contains("are issued")).isPresent());
    assertThat(condition(seen, "CertificatesReady").orElseThrow().getReason()).isEqualTo("MxNotServingKey");
  }

  @Test
  @Order(4)
  void aRolloverCompletesThroughTheKubeletWhileTheOperatorPodIsReplaced() throws Exception {
    String mtaAddress = clusterIp(NAME + "-mta");
    String before = current().getStatus().getDane().getCurrentSpkiSha256();
    try (var sampler = new DaneSampler(client, NS, NAME, MX, mtaAddress, lab.dns().resolverAddress(),
        lab.dns().resolverPort()).start(Duration.ofMillis(200))) {
      api(client).inNamespace(NS).withName(NAME).patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"metadata\":{\"annotations\":{\"securemail.io/dane-rollover\":\"requested\"}}}");
      // The next key's TLSA has long been published and aged (2 x TTL): the switch starts at once.
      // Switching lasts until the kubelet has put the new key into the MTA's volume and Postfix
      // serves it; Retiring until the old key's TLSA is withdrawn.
      String phase = await("the rollover under way").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
          .until(() -> current().getStatus().getDane().getPhase(), p -> "Switching".equals(p) || "Retiring".equals(p));
      System.out.printf("[node] deleting the operator Pod while the rollover is %s%n", phase);
      // The operator Pod goes away mid-rollover; its successor knows only what status says.
      Pod old = operatorPodOrNull();
      client.pods().resource(old).delete();
      Pod successor = await("a new operator Pod").atMost(POD_TIMEOUT).until(ChartOnNodeTest::operatorPodOrNull,
          p -> p != null && !p.getMetadata().getName().equals(old.getMetadata().getName()) && ready(p));
      // The new leader labels its Pod: the report Service follows it.
      awaitReportServiceOn(successor);
      // The successor watches both namespaces again: the second namespace's domain is still seen
      // with its Certificates issued, as the rollover below needs the first namespace's.
      Holds.during(Duration.ofSeconds(15), () -> assertThat(condition(
          api(client).inNamespace(NS_B).withName(OTHER).get(), "CertificatesReady").orElseThrow().getMessage())
          .as("the second namespace's domain after the restart").contains("are issued"));
      SecureMailDomain after = await("the rollover completed with the MTA serving the new key")
          .atMost(ROLLOVER_TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(this::current,
              s -> "Stable".equals(s.getStatus().getDane().getPhase())
                  && !before.equals(s.getStatus().getDane().getCurrentSpkiSha256()) && isTrue(s, "MtaReady"));
      sampler.close();
      List<DaneSampler.Sample> probed = sampler.assertDaneNeverFailed("rollover on the node");
      assertThat(probed.stream().map(DaneSampler.Sample::servedSpki).collect(Collectors.toSet()))
          .as("the MX moved from the old key to the new one")
          .contains(before, after.getStatus().getDane().getCurrentSpkiSha256());
      // The old key's TLSA is gone: what is published is the new current key and a fresh next key.
      await("the old key's TLSA withdrawn").atMost(Duration.ofSeconds(60)).until(() -> LabDns.served(lab.dns(),
          "_25._tcp." + MX + ".", org.xbill.DNS.Type.TLSA).stream().noneMatch(t -> t.toLowerCase().endsWith(before)));
    }
  }

  @Test
  @Order(5)
  void deletingTheMtaPodWhileMailIsQueuedLosesNothing() throws Exception {
    String mtaAddress = clusterIp(NAME + "-mta");
    store.down(true);
    List<String> subjects = List.of(Mtas.uniqueSubject("queued 1"), Mtas.uniqueSubject("queued 2"),
        Mtas.uniqueSubject("queued 3"));
    for (String subject : subjects) {
      ManagedProcess.Completed sent = Mtas.swaks(mtaAddress, 25, "sender@outside.test", "user@" + ZONE, subject, "--tls");
      assertThat(sent.exitCode()).as(sent.output()).isZero();
    }
    Pod old = mtaPod();
    await("three messages in the queue").atMost(Duration.ofSeconds(30))
        .until(() -> queued(old), n -> n == subjects.size());
    client.pods().resource(old).delete();
    Pod replaced = await("the MTA Pod back, on the same volume").atMost(POD_TIMEOUT).until(() -> {
      Pod p = client.pods().inNamespace(NS).withName(old.getMetadata().getName()).get();
      return p != null && !p.getMetadata().getUid().equals(old.getMetadata().getUid()) && ready(p) ? p : null;
    }, p -> p != null);
    assertThat(queued(replaced)).as("the queue survived the Pod").isEqualTo(subjects.size());
    store.down(false);
    // What an administrator would do rather than wait for the next queue run.
    exec(replaced, "postfix", "postqueue", "-c", "/etc/securemail/postfix", "-f");
    await("every queued message delivered").atMost(Duration.ofSeconds(90))
        .until(() -> subjects.stream().allMatch(s -> !store.messagesContaining(s).isEmpty()));
    await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
    for (String subject : subjects) {
      assertThat(store.messagesContaining(subject)).as("delivered exactly once: " + subject).hasSize(1);
    }
  }

  @Test
  @Order(6)
  void removingSpecMtaRemovesTheMtaAndKeepsItsQueue() {
    api(client).inNamespace(NS).withName(NAME).patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"mta\":null}}");
    SecureMailDomain external = Domains.awaitStatus(client, NS, NAME, s -> condition(s, "MtaReady")
        .filter(c -> "NotManaged".equals(c.getReason())).isPresent());
    assertThat(condition(external, "MtaReady").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(client.apps().statefulSets().inNamespace(NS).withName(NAME + "-mta").get()).isNull();
    assertThat(client.services().inNamespace(NS).withName(NAME + "-mta").get()).isNull();
    assertThat(client.configMaps().inNamespace(NS).withName(NAME + "-mta").get()).isNull();
    await("the MTA Pod gone").atMost(POD_TIMEOUT)
        .until(() -> client.pods().inNamespace(NS).withName(NAME + "-mta-0").get() == null);
    assertThat(client.persistentVolumeClaims().inNamespace(NS).withName("queue-" + NAME + "-mta-0").get())
        .as("the queue claim, which may hold mail, is kept").isNotNull();
  }

  // --- helpers ---

  private static SecureMailDomain domain() {
    SecureMailDomain smd = Domains.rfc2136(NS, NAME, ZONE,
        PodNetwork.NODE_ADDRESS + ":" + DnsLab.NODE_AUTHORITATIVE_PORT, ZONE + ".", lab.dns().tsigKeyName(), "tsig");
    smd.getSpec().getMx().get(0).setHost(MX);
    smd.getSpec().getDns().setTtl(30);
    smd.getSpec().getDns().setManageMx(true);
    smd.getSpec().getDane().setPrePublish("5s");
    smd.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    smd.getSpec().getMtaSts().setMode(MtaStsSpec.Mode.ENFORCE);
    smd.getSpec().getCompliance().setInterval("1m");
    MtaSpec mta = new MtaSpec();
    mta.setReplicas(1);
    mta.getInbound().setDeliverTo("smtp:[" + PodNetwork.NODE_ADDRESS + "]:" + storePort);
    mta.getInbound().setServiceType("ClusterIP");
    smd.getSpec().setMta(mta);
    return smd;
  }

  private SecureMailDomain current() {
    return api(client).inNamespace(NS).withName(NAME).get();
  }

  private static boolean isTrue(SecureMailDomain smd, String type) {
    return condition(smd, type).filter(c -> "True".equals(c.getStatus())).isPresent();
  }

  private static String clusterIp(String service) {
    var svc = client.services().inNamespace(NS).withName(service).get();
    return svc == null ? null : svc.getSpec().getClusterIP();
  }

  private static Pod operatorPodOrNull() {
    return chart.operatorPod();
  }

  private static Pod operatorPod() {
    return await("the operator Pod").atMost(POD_TIMEOUT).until(ChartOnNodeTest::operatorPodOrNull,
        p -> p != null && ready(p));
  }

  private static Pod mtaPod() {
    return await("the MTA Pod ready").atMost(POD_TIMEOUT)
        .until(() -> client.pods().inNamespace(NS).withName(NAME + "-mta-0").get(), p -> p != null && ready(p));
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
        .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Messages in the Pod's Postfix queue (postqueue -j prints one JSON object per message). */
  private static int queued(Pod pod) throws IOException {
    String json = exec(pod, "postfix", "postqueue", "-c", "/etc/securemail/postfix", "-j");
    return (int) json.lines().filter(l -> l.startsWith("{")).count();
  }

  /** The effective capabilities of PID 1 in the container, by name. */
  private static Set<String> capabilities(Pod pod, String container) throws IOException {
    String status = exec(pod, container, "cat", "/proc/1/status");
    String hex = status.lines().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow()
        .substring("CapEff:".length()).trim();
    return Capabilities.names(Long.parseUnsignedLong(hex, 16));
  }

  /** Runs a command in a container through the API server and the kubelet, as kubectl exec does. */
  static String exec(Pod pod, String container, String... command) throws IOException {
    return PodExec.run(client, pod, container, command);
  }

  /** Linux capability numbers (linux/capability.h) by name, for reading /proc/PID/status. */
  static final class Capabilities {
    private static final List<String> NAMES = List.of("CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER",
        "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
        "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE",
        "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
        "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
        "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE");

    static Set<String> names(long mask) {
      return java.util.stream.IntStream.range(0, 64).filter(bit -> (mask & (1L << bit)) != 0)
          .mapToObj(bit -> bit < NAMES.size() ? NAMES.get(bit) : "CAP_" + bit).collect(Collectors.toSet());
    }
  }
}
