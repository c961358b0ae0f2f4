package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.securemail.lab.Lab;
import io.securemail.lab.cluster.LabNode;
import io.securemail.lab.cluster.PodNetwork;
import io.securemail.lab.mail.MailStoreSink;
import io.securemail.lab.mail.MailStoreSink.Protocol;
import io.securemail.lab.mtasts.PolicyMount;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.api.AttachSpec;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.DnsRecordStatus;
import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.MailTransportSpec;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.MtaStsSpec;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.PolicyHostSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.TlsRptSpec;
import io.securemail.operator.api.TransportRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * One MX fleet for many domains, the way a mail provider hosts: a MailTransport for the provider's
 * own domain fleet.test with two MX hosts (mx1 and mx2, both pointing at the Service of the fleet's
 * MTA: the operator's StatefulSet, two Pods of the project's MTA image on the lab's node, routes
 * included), and 50 customer domains referencing it from three namespaces, each customer zone its
 * own signed zone at the lab's Knot:
 *
 * <ul>
 *   <li>{@code fleet-a} (20 domains) is listed in the transport's spec.attach.namespaces;
 *   <li>{@code fleet-b} (20 domains) carries the label spec.attach.namespaceSelector matches;
 *   <li>{@code fleet-c} (10 domains) is neither: its domains are refused and get nothing.
 * </ul>
 *
 * <p>What a customer and a sender notice is checked: every allowed domain Ready and Compliant with
 * its MX records at the fleet and the fleet's TLSA records behind them; the refused ones
 * TransportNotAllowed with nothing published; mail for a domain at its own next hop over TLS; one
 * fleet rollover, requested on the transport, sampled every 200 ms through the validating resolver
 * for three domains, with no mismatch and no DNS change in any customer zone; and a transport that
 * refuses to go while domains are attached.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetTest {

  static final String PROVIDER_NS = "fleet-provider";
  static final String TRANSPORT = "provider";
  static final String PROVIDER_ZONE = "fleet.test";
  static final String MX1 = "mx1." + PROVIDER_ZONE;
  static final String MX2 = "mx2." + PROVIDER_ZONE;
  /** The fleet's StatefulSet, Service and ConfigMap (the fleet domain's name, then -mta). */
  static final String MTA = TRANSPORT + "-mta";
  static final String PROVIDER_POLICY_ADDRESS = "127.0.2.4";
  /** The label on a namespace that the transport's namespaceSelector admits. */
  static final Map<String, String> CUSTOMER_LABEL = Map.of("mail.example/provider", "fleet");

  /** A customer namespace, its zone, how many domains it holds, whether the transport allows it. */
  record Tenant(String namespace, String zone, int domains, boolean allowed, String policyAddress) {

    List<String> names() {
      return java.util.stream.IntStream.rangeClosed(1, domains).mapToObj(i -> String.format("d%02d", i)).toList();
    }

    String dnsName(String name) {
      return name + "." + zone;
    }
  }

  static final Tenant LISTED = new Tenant("fleet-a", "fleet-a.test", 20, true, "127.0.2.5");
  static final Tenant SELECTED = new Tenant("fleet-b", "fleet-b.test", 20, true, "127.0.2.6");
  static final Tenant REFUSED = new Tenant("fleet-c", "fleet-c.test", 10, false, "127.0.2.7");
  static final List<Tenant> TENANTS = List.of(LISTED, SELECTED, REFUSED);

  /**
   * The mail stores: the transport's default next hop and three customers' own, on the node
   * address, where the MTA's Pods reach the machine.
   */
  static final String STORE_ADDRESS = PodNetwork.NODE_ADDRESS;
  static final String DEFAULT_HOP = "lmtp:[" + STORE_ADDRESS + "]:2610";
  static final Map<String, String> OWN_HOPS = Map.of(
      "fleet-a/d01", "lmtp:[" + STORE_ADDRESS + "]:2611",
      "fleet-a/d02", "smtp:[" + STORE_ADDRESS + "]:2612",
      "fleet-b/d01", "smtp:[" + STORE_ADDRESS + "]:2613");

  static final Duration READY_TIMEOUT = Duration.ofMinutes(10);
  static final Duration ROLLOVER_TIMEOUT = Duration.ofMinutes(4);

  static Lab lab;
  static KubernetesClient client;
  /** The MTA Service's address, where the fleet's MX host names point. */
  static String mtaAddress;
  static Instant created;
  static final List<AutoCloseable> closeables = new ArrayList<>();
  /** The mail stores by next hop. */
  static final Map<String, MailStoreSink> stores = new LinkedHashMap<>();

  static MixedOperation<MailTransport, KubernetesResourceList<MailTransport>, Resource<MailTransport>> transports() {
    return client.resources(MailTransport.class);
  }

  @BeforeAll
  static void fleetAndCustomers(Lab l) throws Exception {
    // The fleet's MTA runs as the operator makes it: a StatefulSet of the project's MTA image,
    // its Pods on the lab's node.
    org.junit.jupiter.api.Assumptions.assumeTrue(LabExtension.mode() == Lab.Mode.WITH_NODE,
        "FleetTest runs the fleet's MTA on the lab's node (the default lab mode)");
    lab = l;
    client = l.client();
    LabNode.optIn(client, PROVIDER_NS);
    Domains.tsigSecret(client, PROVIDER_NS, "tsig", lab.dns().tsigSecret());
    for (Tenant tenant : TENANTS) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(tenant.namespace())
          .withLabels(tenant == SELECTED ? CUSTOMER_LABEL : Map.of()).endMetadata().build()).serverSideApply();
      Domains.tsigSecret(client, tenant.namespace(), "tsig", lab.dns().tsigSecret());
    }
    closeables.add(lab.policyServers().mount(client, PROVIDER_NS, PROVIDER_POLICY_ADDRESS));
    closeables.add(lab.policyServers().mount(client, LISTED.namespace(), LISTED.policyAddress()));
    closeables.add(lab.policyServers().mount(client, SELECTED.namespace(), SELECTED.policyAddress()));
    for (String hop : new TreeSet<>(concat(List.of(DEFAULT_HOP), OWN_HOPS.values()))) {
      var matcher = java.util.regex.Pattern.compile("^(smtp|lmtp):\\[([0-9.]+)\\]:([0-9]+)$").matcher(hop);
      assertThat(matcher.matches()).isTrue();
      MailStoreSink store = new MailStoreSink("store-" + matcher.group(3) + ".fleet.test").listen(
          "lmtp".equals(matcher.group(1)) ? Protocol.LMTP : Protocol.SMTP, matcher.group(2),
          Integer.parseInt(matcher.group(3)));
      stores.put(hop, store);
      closeables.add(store);
    }
    created = Instant.now();
    transports().resource(transport()).create();
    // As the provider does once: both MX host names point at the MTA's Service (a load balancer's
    // address, in a cluster that has them).
    mtaAddress = await("the fleet MTA's Service").atMost(Duration.ofMinutes(2)).until(() -> {
      var service = client.services().inNamespace(PROVIDER_NS).withName(MTA).get();
      return service == null ? null : service.getSpec().getClusterIP();
    }, Objects::nonNull);
    LabDns.addForeign(lab.dns(), PROVIDER_ZONE, List.of(MX1 + ". 30 IN A " + mtaAddress,
        MX2 + ". 30 IN A " + mtaAddress));
    for (Tenant tenant : TENANTS) {
      for (String name : tenant.names()) {
        api(client).resource(customer(tenant, name)).create();
      }
    }
    System.out.printf("[fleet] transport and %d domains created in %.1f s%n",
        TENANTS.stream().mapToInt(Tenant::domains).sum(), Duration.between(created, Instant.now()).toMillis() / 1e3);
  }

  @AfterAll
  static void stop() {
    List<AutoCloseable> reversed = new ArrayList<>(closeables);
    java.util.Collections.reverse(reversed);
    for (AutoCloseable closeable : reversed) {
      try {
        closeable.close();
      } catch (Exception e) {
        System.out.println("[test] closing " + closeable + ": " + e);
      }
    }
  }

  /** The fleet: the provider's own domain, its two MX hosts, its MTA, and who may attach. */
  static MailTransport transport() {
    MailTransport transport = new MailTransport();
    transport.getMetadata().setNamespace(PROVIDER_NS);
    transport.getMetadata().setName(TRANSPORT);
    MailTransportSpec spec = new MailTransportSpec();
    spec.setDomain(PROVIDER_ZONE);
    spec.setMx(List.of(new MxHost(MX1, 10), new MxHost(MX2, 20)));
    spec.getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    spec.getDane().setPrePublish("1m");
    spec.getDane().setRolloverEvery("0");
    spec.setMtaSts(mtaSts(PROVIDER_POLICY_ADDRESS));
    spec.setTlsRpt(new TlsRptSpec(List.of("mailto:tls-reports@" + PROVIDER_ZONE)));
    spec.setDns(rfc2136(PROVIDER_ZONE));
    MtaSpec mta = new MtaSpec();
    mta.setReplicas(2);
    mta.getInbound().setDeliverTo(DEFAULT_HOP);
    mta.getInbound().setServiceType("ClusterIP");
    mta.getOutbound().setMtaSts(false); // outbound mail is not this test's
    spec.setMta(mta);
    spec.getCompliance().setInterval("1m");
    AttachSpec attach = new AttachSpec();
    attach.setNamespaces(List.of(LISTED.namespace()));
    attach.setNamespaceSelector(new LabelSelectorBuilder().withMatchLabels(CUSTOMER_LABEL).build());
    spec.setAttach(attach);
    transport.setSpec(spec);
    return transport;
  }

  /** A customer's domain: its own zone and policy host, the fleet's MX hosts, its own next hop or the fleet's. */
  static SecureMailDomain customer(Tenant tenant, String name) {
    SecureMailDomain smd = new SecureMailDomain();
    smd.getMetadata().setNamespace(tenant.namespace());
    smd.getMetadata().setName(name);
    var spec = new io.securemail.operator.api.SecureMailDomainSpec();
    spec.setDomain(tenant.dnsName(name));
    spec.setMx(new ArrayList<>());
    TransportRef ref = new TransportRef(TRANSPORT, PROVIDER_NS);
    ref.setDeliverTo(OWN_HOPS.get(tenant.namespace() + "/" + name));
    spec.setTransport(ref);
    spec.getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    spec.setMtaSts(mtaSts(tenant.policyAddress()));
    spec.setTlsRpt(new TlsRptSpec(List.of("mailto:tls-reports@" + tenant.dnsName(name))));
    spec.setDns(rfc2136(tenant.zone()));
    spec.getCompliance().setInterval("1m");
    smd.setSpec(spec);
    return smd;
  }

  static MtaStsSpec mtaSts(String policyAddress) {
    MtaStsSpec sts = new MtaStsSpec();
    sts.setMode(MtaStsSpec.Mode.ENFORCE);
    sts.setMaxAge(86_400L);
    PolicyHostSpec host = new PolicyHostSpec();
    host.setAddresses(List.of(policyAddress));
    sts.setPolicyHost(host);
    return sts;
  }

  static DnsSpec rfc2136(String zone) {
    DnsSpec dns = lab.dns().rfc2136(zone, "tsig");
    dns.setTtl(30);
    return dns;
  }

  // --- 1. every allowed domain Ready and Compliant, the refused ones nothing ---

  @Test
  @Order(1)
  void everyAllowedDomainIsReadyAndCompliantBehindTheFleetAndTheRefusedOnesGetNothing() throws Exception {
    List<SecureMailDomain> allowed = awaitAllowedReadyAndCompliant();
    System.out.printf("[fleet] %d attached domains Ready and Compliant %.1f s after the transport and its 50 "
        + "domains were created%n", allowed.size(), Duration.between(created, Instant.now()).toMillis() / 1e3);

    SecureMailDomain fleetDomain = api(client).inNamespace(PROVIDER_NS).withName(TRANSPORT).get();
    assertThat(fleetDomain).as("the transport's fleet domain").isNotNull();
    assertThat(fleetDomain.getMetadata().getOwnerReferences()).as("owned by the transport")
        .anySatisfy(o -> assertThat(o.getKind() + "/" + o.getName()).isEqualTo("MailTransport/" + TRANSPORT));
    DaneStatus dane = fleetDomain.getStatus().getDane();
    assertThat(dane.getPhase()).isEqualTo("Stable");
    for (String mx : List.of(MX1, MX2)) {
      assertThat(publishedTlsa(mx)).as("TLSA at _25._tcp." + mx + ", once for every domain")
          .containsExactlyInAnyOrder(dane.getCurrentSpkiSha256(), dane.getNextSpkiSha256());
    }

    Set<String> allowedNames = new TreeSet<>();
    for (SecureMailDomain smd : allowed) {
      String domain = smd.getSpec().getDomain();
      allowedNames.add(domain);
      assertThat(smd.getStatus().getTransport()).as(domain + " status.transport").satisfies(t -> {
        assertThat(t.getName()).isEqualTo(PROVIDER_NS + "/" + TRANSPORT);
        assertThat(t.getAttached()).isTrue();
        assertThat(t.getReady()).isTrue();
        assertThat(t.getDanePhase()).isEqualTo("Stable");
      });
      assertThat(smd.getStatus().getRecords()).as(domain + ": its own records, none of the fleet's")
          .extracting(DnsRecordStatus::getType).contains("MX", "TXT").doesNotContain("TLSA");
      assertThat(LabDns.served(lab.dns(), domain + ".", Type.MX)).as("MX of " + domain)
          .containsExactlyInAnyOrder("10 " + MX1 + ".", "20 " + MX2 + ".");
    }
    // The kubelet brings a ConfigMap change into the Pods' volume at its next sync of each Pod.
    List<String> mtaPods = await("every allowed domain routed in each MTA Pod's configuration")
        .atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(FleetTest::mtaPods,
            pods -> pods.size() == 2 && pods.stream().allMatch(pod -> allowedNames.equals(routedIn(pod))));
    System.out.printf("[fleet] routes of %d domains in MTA Pods %s%n", allowedNames.size(), mtaPods);

    MailTransport transport = transports().inNamespace(PROVIDER_NS).withName(TRANSPORT).get();
    assertThat(transportCondition(transport, "Ready")).get().extracting(Condition::getStatus).isEqualTo("True");
    assertThat(transport.getStatus().getFleetDomain()).isEqualTo(PROVIDER_NS + "/" + TRANSPORT);
    assertThat(transport.getStatus().getAttachedDomains()).isEqualTo(LISTED.domains() + SELECTED.domains());
    assertThat(transport.getStatus().getNotReadyDomains()).isEmpty();
    assertThat(transport.getStatus().getRefusedDomains()).containsExactlyInAnyOrderElementsOf(
        REFUSED.names().stream().map(n -> REFUSED.namespace() + "/" + n).toList());
    assertThat(transport.getStatus().getDane().getPhase()).isEqualTo("Stable");

    for (String name : REFUSED.names()) {
      SecureMailDomain smd = api(client).inNamespace(REFUSED.namespace()).withName(name).get();
      Condition ready = condition(smd, "Ready").orElseThrow();
      assertThat(ready.getStatus() + " " + ready.getReason()).as(name + " Ready").isEqualTo("False TransportNotAllowed");
      assertThat(ready.getMessage()).contains("does not allow namespace " + REFUSED.namespace());
      String domain = REFUSED.dnsName(name);
      assertThat(LabDns.served(lab.dns(), domain + ".", Type.MX)).as("MX of refused " + domain).isEmpty();
      assertThat(LabDns.served(lab.dns(), "_mta-sts." + domain + ".", Type.TXT)).as("_mta-sts of refused " + domain)
          .isEmpty();
      assertThat(LabDns.served(lab.dns(), "_smtp._tls." + domain + ".", Type.TXT)).as("_smtp._tls of " + domain)
          .isEmpty();
    }
    assertThat(client.resources(io.fabric8.certmanager.api.model.v1.Certificate.class)
        .inNamespace(REFUSED.namespace()).list().getItems()).as("certificates issued for refused domains").isEmpty();
    assertThat(events(REFUSED.namespace(), "TransportNotAllowed")).as("events on refused domains").isNotEmpty();
  }

  /** How many were Ready and Compliant at the last look (printed when it changes). */
  static long lastDone = -1;

  static List<SecureMailDomain> awaitAllowedReadyAndCompliant() {
    try {
      return await().atMost(READY_TIMEOUT).pollInterval(Duration.ofSeconds(2)).until(() -> {
        List<SecureMailDomain> allowed = allowedDomains();
        long done = allowed.stream().filter(FleetTest::readyAndCompliant).count();
        if (done == lastDone) {
          return allowed;
        }
        lastDone = done;
        System.out.printf("[fleet] %.0f s: %d/%d attached domains Ready and Compliant%n",
            Duration.between(created, Instant.now()).toMillis() / 1e3, done, allowed.size());
        return allowed;
      }, list -> list.size() == LISTED.domains() + SELECTED.domains()
          && list.stream().allMatch(FleetTest::readyAndCompliant));
    } catch (ConditionTimeoutException e) {
      List<SecureMailDomain> allowed = allowedDomains();
      Map<String, String> notYet = new LinkedHashMap<>();
      for (SecureMailDomain smd : allowed) {
        if (!readyAndCompliant(smd)) {
          notYet.put(smd.getMetadata().getNamespace() + "/" + smd.getMetadata().getName(),
              condition(smd, "Ready").map(c -> c.getStatus() + " " + c.getReason() + ": " + c.getMessage()).orElse("-")
                  + " | Compliant " + condition(smd, "Compliant").map(c -> c.getStatus() + " " + c.getReason()
                  + ": " + c.getMessage()).orElse("-"));
        }
      }
      SecureMailDomain fleetDomain = api(client).inNamespace(PROVIDER_NS).withName(TRANSPORT).get();
      throw new AssertionError(notYet.size() + " of " + allowed.size() + " attached domains not Ready and Compliant "
          + "within " + READY_TIMEOUT + " (" + (allowed.size() - notYet.size()) + " were); first ones: "
          + notYet.entrySet().stream().limit(5).map(Object::toString).collect(Collectors.joining("\n  ", "\n  ", ""))
          + "\nfleet domain status: " + (fleetDomain == null ? "(none)"
              : client.getKubernetesSerialization().asJson(fleetDomain.getStatus())), e);
    }
  }

  static List<SecureMailDomain> allowedDomains() {
    List<SecureMailDomain> all = new ArrayList<>();
    for (Tenant tenant : List.of(LISTED, SELECTED)) {
      all.addAll(api(client).inNamespace(tenant.namespace()).list().getItems());
    }
    all.sort(java.util.Comparator.comparing(d -> d.getSpec().getDomain()));
    return all;
  }

  static boolean readyAndCompliant(SecureMailDomain smd) {
    return smd.getStatus() != null
        && Objects.equals(smd.getStatus().getObservedGeneration(), smd.getMetadata().getGeneration())
        && condition(smd, "Ready").filter(c -> "True".equals(c.getStatus())).isPresent()
        && condition(smd, "Compliant").filter(c -> "True".equals(c.getStatus())).isPresent();
  }

  // --- 2. mail for each domain at its own next hop ---

  @Test
  @Order(2)
  void mailForEachDomainReachesItsOwnNextHopOverTls() throws Exception {
    awaitAllowedReadyAndCompliant();
    // fleet-b/d05 has no own next hop: the transport's. Each message goes to the MTA's Service,
    // which hands the connection to one of its two Pods.
    for (String send : List.of("fleet-a/d01", "fleet-a/d02", "fleet-b/d01", "fleet-b/d05")) {
      String[] ref = send.split("/");
      Tenant tenant = ref[0].equals(LISTED.namespace()) ? LISTED : SELECTED;
      String recipient = "bob@" + tenant.dnsName(ref[1]);
      String hop = OWN_HOPS.getOrDefault(send, DEFAULT_HOP);
      String subject = Mtas.uniqueSubject("fleet " + send);
      ManagedProcess.Completed sent = Mtas.swaks(mtaAddress, 25, "alice@sender.example", recipient, subject,
          "--tls");
      assertThat(sent.exitCode()).as("swaks to " + recipient + " at " + mtaAddress + ":\n" + sent.output())
          .isZero();
      MailStoreSink.Message message = await("mail for " + recipient + " at " + hop).atMost(Mtas.DELIVERY)
          .pollInterval(Duration.ofMillis(100)).until(() -> stores.get(hop).first(m -> m.headers().contains(subject)),
              java.util.Optional::isPresent).orElseThrow();
      assertThat(message.recipients()).containsExactly(recipient);
      assertThat(message.overTls()).as("the hop to " + hop + " over TLS").isTrue();
      for (var other : stores.entrySet()) {
        if (!other.getKey().equals(hop)) {
          assertThat(other.getValue().messagesContaining(subject)).as("mail for " + recipient + " at " + other.getKey())
              .isEmpty();
        }
      }
    }
    // A refused domain's mail is not the fleet's to take.
    ManagedProcess.Completed refused = Mtas.swaks(mtaAddress, 25, "alice@sender.example",
        "bob@" + REFUSED.dnsName("d01"), Mtas.uniqueSubject("fleet refused"), "--tls");
    assertThat(refused.output()).as("swaks transcript").containsPattern("554 5\\.7\\.1 .*Relay access denied");
  }

  // --- 3. one rollover for the fleet ---

  @Test
  @Order(3)
  void oneFleetRolloverKeepsDaneValidForEveryDomainWithNoChangeInTheCustomersZones() throws Exception {
    awaitAllowedReadyAndCompliant();
    DaneStatus before = awaitFleetPhase("Stable", Duration.ofSeconds(60));
    Map<String, Long> serials = new LinkedHashMap<>();
    for (Tenant tenant : List.of(LISTED, SELECTED)) {
      serials.put(tenant.zone(), soaSerial(tenant.zone()));
    }
    List<String> sampled = List.of(LISTED.dnsName("d01"), LISTED.dnsName("d07"), SELECTED.dnsName("d13"));
    try (var sampler = new FleetDaneSampler(sampled, () -> Objects.toString(fleetDane() == null ? null
        : fleetDane().getPhase()), FleetTest::danePhaseOf, lab.dns().resolverAddress(), lab.dns().resolverPort())
        .start(Duration.ofMillis(200))) {
      transports().inNamespace(PROVIDER_NS).withName(TRANSPORT).edit(t -> {
        Map<String, String> annotations = new HashMap<>(Objects.requireNonNullElse(t.getMetadata().getAnnotations(),
            Map.of()));
        annotations.put("securemail.io/dane-rollover", "requested");
        t.getMetadata().setAnnotations(annotations);
        return t;
      });
      // Switching lasts until the kubelet has put the new key into both Pods' volume (at its next
      // sync of each Pod, within about a minute) and each Postfix serves it.
      awaitFleetPhase("Switching", ROLLOVER_TIMEOUT);
      DaneStatus after = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
          .until(FleetTest::fleetDane, d -> d != null && "Stable".equals(d.getPhase())
              && before.getNextSpkiSha256().equals(d.getCurrentSpkiSha256()));
      for (String mx : List.of(MX1, MX2)) {
        await("TLSA at " + mx + " for the new current and next key").atMost(Duration.ofSeconds(30))
            .until(() -> publishedTlsa(mx), t -> t.equals(Set.of(after.getCurrentSpkiSha256(),
                after.getNextSpkiSha256())));
      }
      Thread.sleep(1000);
      sampler.close();

      List<FleetDaneSampler.Sample> probed = sampler.assertDaneNeverFailed("fleet rollover");
      for (String domain : sampled) {
        assertThat(probed.stream().filter(s -> s.domain().equals(domain)).map(FleetDaneSampler.Sample::phase)
            .collect(Collectors.toSet())).as("phases sampled for " + domain).contains("Stable", "Switching");
        assertThat(probed.stream().filter(s -> s.domain().equals(domain)).map(FleetDaneSampler.Sample::shownPhase)
            .collect(Collectors.toSet())).as(domain + "'s status.transport.danePhase while sampled")
            .contains("Stable", "Switching");
        assertThat(probed.stream().filter(s -> s.domain().equals(domain)).map(FleetDaneSampler.Sample::mx)
            .collect(Collectors.toSet())).as("MX hosts sampled for " + domain).containsExactlyInAnyOrder(MX1, MX2);
      }
      assertThat(probed.stream().map(FleetDaneSampler.Sample::phase).collect(Collectors.toSet()))
          .as("a sample in every phase").contains("Stable", "Switching", "Retiring");
      assertThat(probed.stream().map(FleetDaneSampler.Sample::servedSpki).collect(Collectors.toSet()))
          .as("the fleet moved from the old key to the new one")
          .contains(before.getCurrentSpkiSha256(), before.getNextSpkiSha256());
      assertThat(after.getServingLineage()).isNotEqualTo(before.getServingLineage());
    }
    for (var serial : serials.entrySet()) {
      assertThat(soaSerial(serial.getKey())).as("SOA serial of customer zone " + serial.getKey()
          + ": no DNS change for any domain").isEqualTo(serial.getValue());
    }
    SecureMailDomain fleetDomain = api(client).inNamespace(PROVIDER_NS).withName(TRANSPORT).get();
    assertThat(fleetDomain.getStatus().getDane().getLastRequest()).as("the transport's request, carried to its fleet "
        + "domain").isEqualTo("requested");
    assertThat(transports().inNamespace(PROVIDER_NS).withName(TRANSPORT).get().getMetadata().getAnnotations())
        .as("the request stays on the transport").containsEntry("securemail.io/dane-rollover", "requested");
    await("every attached domain back to Stable, Ready and Compliant").atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(2)).until(FleetTest::allowedDomains, all -> all.stream().allMatch(d ->
            readyAndCompliant(d) && "Stable".equals(d.getStatus().getTransport().getDanePhase())));
  }

  // --- 4. a transport with domains attached is not deleted ---

  @Test
  @Order(4)
  void theTransportRefusesDeletionWhileDomainsAreAttachedAndGoesOnceTheyAre() throws Exception {
    transports().inNamespace(PROVIDER_NS).withName(TRANSPORT).delete();
    Thread.sleep(5000);
    MailTransport refusing = transports().inNamespace(PROVIDER_NS).withName(TRANSPORT).get();
    assertThat(refusing).as("the transport, while domains are attached").isNotNull();
    assertThat(refusing.getMetadata().getDeletionTimestamp()).isNotNull();
    await("the transport to say why it stays").atMost(Duration.ofSeconds(30)).until(() ->
        transportCondition(transports().inNamespace(PROVIDER_NS).withName(TRANSPORT).get(), "Ready")
            .map(Condition::getMessage).orElse("") + " " + String.join(" ", events(PROVIDER_NS, null)),
        text -> text.contains("attached"));
    assertThat(publishedTlsa(MX1)).as("the fleet keeps serving its domains").hasSize(2);
    assertThat(api(client).inNamespace(PROVIDER_NS).withName(TRANSPORT).get()).as("the fleet domain").isNotNull();

    for (Tenant tenant : TENANTS) {
      api(client).inNamespace(tenant.namespace()).delete();
    }
    await("the transport gone once its domains are").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
        .until(() -> transports().inNamespace(PROVIDER_NS).withName(TRANSPORT).get() == null);
    await("the fleet domain and its TLSA records gone").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
        .until(() -> api(client).inNamespace(PROVIDER_NS).withName(TRANSPORT).get() == null
            && publishedTlsa(MX1).isEmpty());
    assertThat(LabDns.served(lab.dns(), LISTED.dnsName("d01") + ".", Type.MX)).as("a detached domain's MX records")
        .isEmpty();
  }

  // --- helpers ---

  static DaneStatus fleetDane() {
    SecureMailDomain smd = api(client).inNamespace(PROVIDER_NS).withName(TRANSPORT).get();
    return smd == null || smd.getStatus() == null ? null : smd.getStatus().getDane();
  }

  static DaneStatus awaitFleetPhase(String phase, Duration timeout) {
    try {
      return await().atMost(timeout).pollInterval(Duration.ofMillis(200))
          .until(FleetTest::fleetDane, d -> d != null && phase.equals(d.getPhase()));
    } catch (ConditionTimeoutException e) {
      SecureMailDomain smd = api(client).inNamespace(PROVIDER_NS).withName(TRANSPORT).get();
      throw new AssertionError("fleet DANE phase " + phase + " not reached within " + timeout + "; fleet domain status: "
          + (smd == null ? "(none)" : client.getKubernetesSerialization().asJson(smd.getStatus())), e);
    }
  }

  /** A customer domain's view of the fleet's DANE phase (status.transport.danePhase). */
  static String danePhaseOf(String dnsName) {
    for (Tenant tenant : List.of(LISTED, SELECTED)) {
      if (dnsName.endsWith("." + tenant.zone())) {
        SecureMailDomain smd = api(client).inNamespace(tenant.namespace())
            .withName(dnsName.substring(0, dnsName.length() - tenant.zone().length() - 1)).get();
        return smd == null || smd.getStatus() == null || smd.getStatus().getTransport() == null ? null
            : smd.getStatus().getTransport().getDanePhase();
      }
    }
    throw new IllegalArgumentException(dnsName);
  }

  /** The 3 1 1 TLSA data Knot serves at _25._tcp.{@code mx}. */
  static Set<String> publishedTlsa(String mx) throws Exception {
    return LabDns.served(lab.dns(), "_25._tcp." + mx + ".", Type.TLSA).stream()
        .map(v -> v.replaceFirst("^3 1 1 ", "").toLowerCase()).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The names of the fleet MTA's Pods that are ready. */
  static List<String> mtaPods() {
    return client.pods().inNamespace(PROVIDER_NS).withLabels(Map.of("app.kubernetes.io/instance", MTA)).list()
        .getItems().stream().filter(pod -> pod.getStatus() != null && pod.getStatus().getConditions() != null
            && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
                && "True".equals(c.getStatus())))
        .map(pod -> pod.getMetadata().getName()).sorted().toList();
  }

  /**
   * The domains a Pod's Postfix relays besides the fleet's own: its relay_domains table as the
   * kubelet put it into the Pod's configuration volume.
   */
  static Set<String> routedIn(String pod) {
    String table;
    try {
      table = PodExec.run(client, client.pods().inNamespace(PROVIDER_NS).withName(pod).get(), "postfix", "cat",
          io.securemail.operator.mta.PostfixLayout.POD_CONFIG_DIR + "/" + io.securemail.operator.mta.InboundRoutes.DOMAINS);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return table.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .map(l -> l.split("\\s+")[0]).collect(Collectors.toCollection(TreeSet::new));
  }

  static long soaSerial(String zone) throws Exception {
    String soa = LabDns.served(lab.dns(), zone + ".", Type.SOA).get(0);
    return Long.parseLong(soa.split("\\s+")[2]);
  }

  static java.util.Optional<Condition> transportCondition(MailTransport transport, String type) {
    return transport == null || transport.getStatus() == null ? java.util.Optional.empty()
        : transport.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Event messages in {@code namespace}, of {@code reason} (any when null). */
  static List<String> events(String namespace, String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason == null || reason.equals(e.getReason())).map(e -> e.getMessage()).toList();
  }

  static <T> List<T> concat(List<T> a, java.util.Collection<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
