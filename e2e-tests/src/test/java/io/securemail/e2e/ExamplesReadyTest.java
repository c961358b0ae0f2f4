package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.securemail.lab.Lab;
import io.securemail.lab.certmanager.LabIssuer;
import io.securemail.lab.cluster.LabNode;
import io.securemail.lab.dns.ZoneUpdates;
import io.securemail.lab.mail.MxMount;
import io.securemail.operator.api.DnsRecordStatus;
import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.certs.CertNames;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.dns.ExternalDnsEndpoint;
import io.securemail.operator.dns.ZoneSnippetConfigMap;
import io.securemail.operator.mtasts.PolicyServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Every SecureMailDomain example in examples/ reaches Ready on the lab, read from its file and
 * applied as a user applies it. The lab stands in only for what it cannot have, and the test plays
 * the parts a user's environment plays:
 *
 * <ul>
 *   <li>The examples' issuer, the ACME ClusterIssuer {@code letsencrypt-dns01} of
 *       examples/cluster-issuers.yaml, cannot reach Let's Encrypt from here: a ClusterIssuer of the
 *       same name signs with the lab CA instead.
 *   <li>Their zones (example.com, .org, .net, .de) are signed zones of the lab's Knot, validated by
 *       the lab's resolver; {@code spec.dns.rfc2136} is pointed at Knot and the lab's TSIG key, as
 *       the examples' comments tell a user to point it at their primary.
 *   <li>The test publishes what a person (manual provider) or external-dns (externalDNS provider)
 *       publishes, from the ConfigMap or DNSEndpoint the operator writes, and the address records
 *       the examples leave to the user: {@code mta-sts.<domain>} and, for the example whose MTA
 *       the operator runs, the MX hosts (at the Services the operator made).
 * </ul>
 *
 * The example with an MTA (bsi-tr-03108.yaml, two replicas) runs its MTA and policy server as
 * real Pods on the lab's node; the others' policy servers are the lab's nginx, fed from the
 * namespace's site Secrets.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// After the classes that expect external-dns' CRD to be missing at first; before the RBAC audit.
@Order(Integer.MAX_VALUE - 1)
class ExamplesReadyTest {

  /** Where the examples without a namespace are applied (kubectl apply -n examples). */
  static final String NS = "examples";
  /** Where the example with an MTA is applied: a namespace whose Pods run on the lab's node. */
  static final String NODE_NS = "examples-node";
  static final String POLICY_ADDRESS = "127.0.2.9";
  static final String MAIL_POLICY_ADDRESS = "127.0.2.10";
  /** The lab Postfix address that plays the user's own MTA for the examples without spec.mta. */
  static final String USER_MTA_ADDRESS = "127.0.1.4";
  static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
  /** Two MTA Pods of four containers each, and the policy server's, all started from local images. */
  static final Duration NODE_READY_TIMEOUT = Duration.ofMinutes(5);
  static final ResourceDefinitionContext DNS_ENDPOINTS = new ResourceDefinitionContext.Builder()
      .withGroup("externaldns.k8s.io").withVersion("v1alpha1").withPlural("dnsendpoints").withKind("DNSEndpoint")
      .withNamespaced(true).build();

  static Lab lab;
  static KubernetesClient client;
  static final List<AutoCloseable> mounts = new ArrayList<>();

  @BeforeAll
  static void issuerAndPolicyServers(Lab l) throws Exception {
    lab = l;
    client = l.client();
    Domains.createNamespace(client, NS);
    Domains.createNamespace(client, "mail");
    // The examples' ACME ClusterIssuer, signing with the lab CA (no ACME server can be reached here).
    client.resource(client.getKubernetesSerialization().unmarshal("""
        apiVersion: cert-manager.io/v1
        kind: ClusterIssuer
        metadata:
          name: letsencrypt-dns01
        spec:
          ca:
            secretName: %s
        """.formatted(LabIssuer.CA_NAME), GenericKubernetesResource.class)).serverSideApply();
    mounts.add(lab.policyServers().mount(client, NS, POLICY_ADDRESS));
    mounts.add(lab.policyServers().mount(client, "mail", MAIL_POLICY_ADDRESS));
  }

  @AfterAll
  static void unmount() throws Exception {
    for (AutoCloseable mount : mounts) {
      mount.close();
    }
  }

  /** manual provider: the person publishes the ConfigMap's records and the policy host's address. */
  @Test
  @Order(0)
  void minimal() throws Exception {
    SecureMailDomain smd = apply("minimal.yaml", NS);
    Set<String> published = new LinkedHashSet<>();
    try (MxMount mta = usersMta(smd)) {
      SecureMailDomain ready = awaitReady(smd, READY_TIMEOUT, () -> {
        published.addAll(handPublish(smd, snippet(smd)));
        published.addAll(handPublish(smd, addresses(smd, USER_MTA_ADDRESS, POLICY_ADDRESS)));
      });
      assertThat(condition(ready, "MtaReady").orElseThrow().getReason()).isEqualTo("NotManaged");
    } finally {
      deleteAndAwaitGone(smd);
      withdraw(smd, published);
    }
  }

  /** rfc2136 provider: the operator publishes by RFC 2136 with TSIG; the user adds the policy host's address. */
  @Test
  @Order(1)
  void rfc2136() throws Exception {
    Domains.tsigSecret(client, "mail", "tsig", lab.dns().tsigSecret());
    SecureMailDomain smd = apply("rfc2136.yaml", null);
    assertThat(smd.getMetadata().getNamespace()).isEqualTo("mail");
    Set<String> published = new LinkedHashSet<>();
    try (MxMount mta = usersMta(smd)) {
      SecureMailDomain ready = awaitReady(smd, READY_TIMEOUT,
          () -> published.addAll(handPublish(smd, addresses(smd, USER_MTA_ADDRESS, MAIL_POLICY_ADDRESS))));
      assertThat(ready.getStatus().getPublishedRecords()).as("the operator's RFC 2136 ledger")
          .extracting(DnsRecordStatus::getType).contains("TLSA", "TXT");
    } finally {
      deleteAndAwaitGone(smd);
      withdraw(smd, published);
    }
  }

  /** externalDNS provider: the test plays external-dns and publishes the DNSEndpoint's records. */
  @Test
  @Order(2)
  void externalDns() throws Exception {
    // Installed by ExternalDnsProviderTest when the whole suite runs; installed here when this class runs alone.
    lab.controlPlane().installCrds(List.of(Path.of(getClass().getResource("/external-dns/dnsendpoint-crd.yaml")
        .toURI())));
    SecureMailDomain smd = apply("external-dns.yaml", NS);
    Set<String> published = new LinkedHashSet<>();
    try (MxMount mta = usersMta(smd)) {
      awaitReady(smd, READY_TIMEOUT, () -> {
        published.addAll(handPublish(smd, endpoints(smd)));
        published.addAll(handPublish(smd, addresses(smd, USER_MTA_ADDRESS, POLICY_ADDRESS)));
      });
      assertThat(client.genericKubernetesResources(DNS_ENDPOINTS).inNamespace(NS)
          .withName(ExternalDnsEndpoint.nameFor(smd)).get()).isNotNull();
    } finally {
      deleteAndAwaitGone(smd);
      withdraw(smd, published);
    }
  }

  /** manual provider in a GitOps repository, MX records included (manageMx), policy in testing mode. */
  @Test
  @Order(3)
  void manualGitops() throws Exception {
    SecureMailDomain smd = apply("manual-gitops.yaml", NS);
    Set<String> published = new LinkedHashSet<>();
    try (MxMount mta = usersMta(smd)) {
      SecureMailDomain ready = awaitReady(smd, READY_TIMEOUT, () -> {
        published.addAll(handPublish(smd, snippet(smd)));
        published.addAll(handPublish(smd, addresses(smd, USER_MTA_ADDRESS, POLICY_ADDRESS)));
      });
      assertThat(ready.getStatus().getRecords()).extracting(DnsRecordStatus::getType).contains("MX");
      assertThat(ready.getStatus().getMtaSts().getMode()).isEqualTo("testing");
    } finally {
      deleteAndAwaitGone(smd);
      withdraw(smd, published);
    }
  }

  /**
   * The BSI TR-03108 example, with its MTA (two replicas, a queue volume each) and the namespace's
   * policy server as Pods on the node. As a user with a LoadBalancer would, the test points the MX
   * hosts and the policy host at the Services the operator made.
   */
  @Test
  @Order(4)
  void bsiTr03108WithItsMtaOnTheNode() throws Exception {
    lab.node(); // fails at once, saying so, on a lab without its node
    LabNode.optIn(client, NODE_NS);
    SecureMailDomain smd = apply("bsi-tr-03108.yaml", NODE_NS);
    Set<String> published = new LinkedHashSet<>();
    try {
      SecureMailDomain ready = awaitReady(smd, NODE_READY_TIMEOUT, () -> {
        String mta = clusterIp(NODE_NS, smd.getMetadata().getName() + "-mta");
        String policy = clusterIp(NODE_NS, PolicyServer.NAME);
        if (mta != null && policy != null) {
          published.addAll(handPublish(smd, addresses(smd, mta, policy)));
        }
      });
      // Both MX hosts at the Service's address, and each of the two Pods on its own: four endpoints.
      assertThat(condition(ready, "MtaReady").orElseThrow().getMessage()).startsWith("2 replica(s)")
          .contains("every MX endpoint and MTA Pod (4) serves the current key");
      assertThat(client.pods().inNamespace(NODE_NS).withLabel("app.kubernetes.io/name", "securemail-mta").list()
          .getItems()).as("the MTA's Pods").hasSize(2)
          .allSatisfy(pod -> assertThat(pod.getStatus().getContainerStatuses()).allMatch(ContainerStatus::getReady));
    } finally {
      deleteAndAwaitGone(smd);
      withdraw(smd, published);
    }
  }

  // --- applying an example as a user does ---

  /**
   * Applies every object of examples/{@code file}, in its own namespace or else in
   * {@code namespace}, with the lab's TSIG server and key in place of the example's, and returns
   * its SecureMailDomain as applied.
   */
  static SecureMailDomain apply(String file, String namespace) throws IOException {
    Path example = Path.of(System.getProperty("securemail.repo.dir", "..")).toAbsolutePath().normalize()
        .resolve("examples").resolve(file);
    List<HasMetadata> items;
    try (InputStream in = Files.newInputStream(example)) {
      items = client.load(in).items();
    }
    SecureMailDomain applied = null;
    for (HasMetadata item : items) {
      String ns = Objects.requireNonNullElse(item.getMetadata().getNamespace(), namespace);
      if (client.namespaces().withName(ns).get() == null) {
        Domains.createNamespace(client, ns);
      }
      item.getMetadata().setNamespace(ns);
      if (item instanceof Secret secret && secret.getStringData() != null
          && secret.getStringData().containsKey("secret")) {
        // The example's placeholder TSIG secret, replaced as its comment says.
        secret.getStringData().put("secret", lab.dns().tsigSecret());
      }
      if ("SecureMailDomain".equals(item.getKind())) {
        SecureMailDomain smd = client.getKubernetesSerialization().convertValue(item, SecureMailDomain.class);
        if (smd.getSpec().getDns().getProvider() == DnsSpec.Provider.RFC2136) {
          var rfc2136 = smd.getSpec().getDns().getRfc2136();
          rfc2136.setServer(lab.dns().authoritativeAddress() + ":" + lab.dns().authoritativePort());
          rfc2136.setTsigKeyName(lab.dns().tsigKeyName());
        }
        applied = api(client).resource(smd).create();
      } else {
        client.resource(item).inNamespace(ns).serverSideApply();
      }
    }
    assertThat(applied).as(file + " holds a SecureMailDomain").isNotNull();
    return applied;
  }

  /**
   * Waits until the domain is Ready for its generation, running {@code outside} (what the user's
   * DNS, external-dns or load balancer does) before every look; says what Ready said last if not.
   */
  static SecureMailDomain awaitReady(SecureMailDomain smd, Duration timeout, ThrowingRunnable outside) {
    String namespace = smd.getMetadata().getNamespace();
    String name = smd.getMetadata().getName();
    try {
      SecureMailDomain ready = await().atMost(timeout).pollInterval(Duration.ofSeconds(1)).until(() -> {
        outside.run();
        return api(client).inNamespace(namespace).withName(name).get();
      }, s -> s != null && s.getStatus() != null
          && Objects.equals(s.getStatus().getObservedGeneration(), s.getMetadata().getGeneration())
          && condition(s, "Ready").filter(c -> "True".equals(c.getStatus())).isPresent());
      assertThat(ready.getStatus().getRecords()).as("every record the domain needs is seen served")
          .isNotEmpty().allSatisfy(r -> assertThat(r.getState()).isEqualTo(DnsRecordStatus.State.Published));
      // DANE in effect: the serving and the next key's TLSA at every MX host, seen DNSSEC-secure.
      assertThat(ready.getStatus().getDane().getPhase()).isEqualTo("Stable");
      for (var mx : ready.getSpec().getMx()) {
        assertThat(ready.getStatus().getRecords()).as("TLSA records of " + mx.getHost())
            .filteredOn(r -> "TLSA".equals(r.getType()) && r.getName().equals("_25._tcp." + mx.getHost() + "."))
            .extracting(DnsRecordStatus::getDnssec).containsExactly("secure", "secure");
      }
      assertThat(condition(ready, "Stalled").orElseThrow().getStatus()).isEqualTo("False");
      assertThat(condition(ready, "Reconciling").orElseThrow().getStatus()).isEqualTo("False");
      return ready;
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      SecureMailDomain last = api(client).inNamespace(namespace).withName(name).get();
      throw new AssertionError(namespace + "/" + name + " did not become Ready within " + timeout + "; last status: "
          + (last == null ? "(none)" : client.getKubernetesSerialization().asJson(last.getStatus())), e);
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  static void deleteAndAwaitGone(SecureMailDomain smd) {
    var resource = api(client).inNamespace(smd.getMetadata().getNamespace()).withName(smd.getMetadata().getName());
    resource.delete();
    await("the operator's cleanup of " + smd.getMetadata().getName()).atMost(Duration.ofMinutes(2))
        .until(() -> resource.get() == null);
  }

  // --- what the user's environment publishes ---

  /** The records of the domain's zone-snippet ConfigMap (zone-file lines), once the operator wrote it. */
  static List<String> snippet(SecureMailDomain smd) throws IOException {
    ConfigMap map = client.configMaps().inNamespace(smd.getMetadata().getNamespace())
        .withName(ZoneSnippetConfigMap.nameFor(smd)).get();
    String zone = map == null || map.getData() == null ? null : map.getData().get(ZoneSnippetConfigMap.DATA_KEY);
    List<String> lines = new ArrayList<>();
    if (zone != null) {
      try (Master master = new Master(new ByteArrayInputStream(zone.getBytes(StandardCharsets.UTF_8)), Name.root)) {
        for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
          lines.add(r.toString());
        }
      }
    }
    return lines;
  }

  /** The records of the domain's DNSEndpoint as zone-file lines, as external-dns publishes them. */
  @SuppressWarnings("unchecked")
  static List<String> endpoints(SecureMailDomain smd) {
    GenericKubernetesResource endpoint = client.genericKubernetesResources(DNS_ENDPOINTS)
        .inNamespace(smd.getMetadata().getNamespace()).withName(ExternalDnsEndpoint.nameFor(smd)).get();
    List<String> lines = new ArrayList<>();
    if (endpoint == null) {
      return lines;
    }
    var spec = (Map<String, Object>) endpoint.getAdditionalProperties().get("spec");
    for (Map<String, Object> e : (List<Map<String, Object>>) spec.get("endpoints")) {
      String type = (String) e.get("recordType");
      Object ttl = Objects.requireNonNullElse(e.get("recordTTL"), 300);
      for (String target : (List<String>) e.get("targets")) {
        String data = type.equals("TXT") ? "\"" + target + "\"" : type.equals("MX") ? target + "." : target;
        lines.add(e.get("dnsName") + ". " + ttl + " IN " + type + " " + data);
      }
    }
    return lines;
  }

  /**
   * The address records the examples leave to the user: every MX host at the MTA's address, and
   * {@code mta-sts.<domain>} at the policy server's (no spec.mtaSts.policyHost).
   */
  static List<String> addresses(SecureMailDomain smd, String mtaAddress, String policyAddress) {
    List<String> lines = new ArrayList<>();
    smd.getSpec().getMx().forEach(mx -> lines.add(mx.getHost() + ". 60 IN A " + mtaAddress));
    lines.add("mta-sts." + smd.getSpec().getDomain() + ". 60 IN A " + policyAddress);
    return lines;
  }

  /**
   * The user's own MTA for an example without spec.mta: a lab Postfix serving the Secret the
   * operator issues for the MX hosts, reloaded when it changes (MtaReady=True/NotManaged names it).
   */
  static MxMount usersMta(SecureMailDomain smd) {
    return lab.postfix().mount(client, smd.getMetadata().getNamespace(), CertNames.serving(smd), USER_MTA_ADDRESS);
  }

  /** What the test last had Knot serve, by RRset ("name TYPE"), to send only what changed. */
  static final Map<String, Set<String>> served = new HashMap<>();

  /**
   * Makes the lab's Knot serve exactly {@code lines} at their names and types (only the RRsets that
   * changed since the last call are sent); returns the lines.
   */
  static Set<String> handPublish(SecureMailDomain smd, List<String> lines) throws IOException {
    Map<String, Set<String>> byRrset = lines.stream().collect(Collectors.groupingBy(ExamplesReadyTest::rrset,
        LinkedHashMap::new, Collectors.toCollection(LinkedHashSet::new)));
    List<String> changed = byRrset.entrySet().stream().filter(e -> !e.getValue().equals(served.get(e.getKey())))
        .flatMap(e -> e.getValue().stream()).toList();
    if (!changed.isEmpty()) {
      ZoneUpdates.replace(lab.dns(), zone(smd), changed);
      served.putAll(byRrset);
    }
    return new LinkedHashSet<>(lines);
  }

  /** Removes from Knot every RRset the test published for the domain. */
  static void withdraw(SecureMailDomain smd, Set<String> published) throws IOException {
    if (!published.isEmpty()) {
      ZoneUpdates.deleteRrsets(lab.dns(), zone(smd), new ArrayList<>(published));
      published.forEach(line -> served.remove(rrset(line)));
    }
  }

  /** "name TYPE" of a zone-file line ("name ttl IN TYPE data"). */
  static String rrset(String line) {
    String[] fields = line.split("\\s+", 5);
    return fields[0].toLowerCase(java.util.Locale.ROOT) + " " + fields[3];
  }

  static String zone(SecureMailDomain smd) {
    return smd.getSpec().getDomain();
  }

  static String clusterIp(String namespace, String service) {
    Service svc = client.services().inNamespace(namespace).withName(service).get();
    return svc == null || svc.getSpec().getClusterIP() == null || svc.getSpec().getClusterIP().isBlank() ? null
        : svc.getSpec().getClusterIP();
  }
}
