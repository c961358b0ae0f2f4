package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.securemail.lab.Lab;
import io.securemail.operator.api.AttachSpec;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.MailTransportSpec;
import io.securemail.operator.api.MailTransportStatus;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.TransportRef;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import io.securemail.operator.mtasts.PolicyServer;
import io.securemail.operator.mtasts.PolicyServerConfig;
import io.securemail.operator.mtasts.PolicySite;
import io.securemail.operator.observe.FaultThreshold;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Domains attached to a MailTransport (one MX fleet for many domains), at the reconciler tier. The
 * transport is created here as a resource, with the status its own controller would write: what is
 * proven is the domain's side, which reads the transport and nothing the transport's controller
 * does. A domain's policy host serves what the namespace's policy server holds (a stand-in for the
 * network), so MTA-STS, and with it Ready, can settle. The resync is ten minutes; a part in progress
 * looks again every five seconds (a policy written to the policy server in the shard's next batch is
 * fetched back then), but a settled domain, or one refused, has nothing to look at again: whatever
 * happens to it within seconds happens because an informer saw a change.
 */
@ExtendWith(LabExtension.class)
class FleetDomainTierTest {

  static final String PROVIDER = "fleet-tier-provider";
  static final String CUSTOMER = "fleet-tier-customer";
  static final String OUTSIDER = "fleet-tier-outsider";
  static final String TENANT_LABEL = "fleet-tier/tenant";
  static final Duration SLOW = Duration.ofMinutes(10);
  static final Duration POLL = Duration.ofSeconds(5);
  static final List<String> FLEET_MX = List.of("mx1.fleet-provider.example", "mx2.fleet-provider.example");

  static Lab lab;
  static KubernetesClient client;
  static Operator operator;

  @BeforeAll
  static void start(Lab l) {
    lab = l;
    client = l.client();
    var probes = TierReconciler.probes(new HandPublishedDns(client, CUSTOMER),
        (domain, addresses, port) -> servedPolicy(domain), FaultThreshold.DEFAULT);
    var reconciler = TierReconciler.of(probes, "fleet-tier", POLL, SLOW, Optional.empty());
    operator = TierReconciler.run(lab, reconciler, Set.of(PROVIDER, CUSTOMER, OUTSIDER));
    client.namespaces().withName(OUTSIDER).edit(ns -> {
      ns.getMetadata().setLabels(Map.of(TENANT_LABEL, "no"));
      return ns;
    });
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      for (String namespace : List.of(PROVIDER, CUSTOMER, OUTSIDER)) {
        client.resources(MailTransport.class).inNamespace(namespace).delete();
      }
    }
    TierReconciler.stop(lab, operator, Set.of(PROVIDER, CUSTOMER, OUTSIDER));
  }

  /**
   * An attached domain is Ready with the fleet's MX hosts in its MTA-STS policy and MX records, its
   * own mta-sts Certificate and no TLSA record, MX lineage, Certificate or MTA of its own; it shows
   * the fleet's DANE phase, and follows a change of the fleet (a phase, an MX host added) at once.
   */
  @Test
  void anAttachedDomainIsServedByTheFleetAndFollowsIt() {
    MailTransport fleet = transport(PROVIDER, "fleet", FLEET_MX);
    fleet.getSpec().getAttach().setNamespaces(List.of(CUSTOMER));
    client.resource(fleet).create();
    writeStatus(PROVIDER, "fleet", "True", "Stable");

    SecureMailDomain shop = attachedDomain(CUSTOMER, "shop", "shop.fleet-tier.example", "fleet", PROVIDER);
    api(client).resource(shop).create();
    SecureMailDomain ready = awaitStatus(client, CUSTOMER, "shop", Domains.ready("True", "Ready"));

    assertThat(ready.getStatus().getMtaSts().getMx()).containsExactlyElementsOf(FLEET_MX);
    assertThat(policyServed("shop.fleet-tier.example")).contains("mx: mx1.fleet-provider.example",
        "mx: mx2.fleet-provider.example");
    assertThat(ready.getStatus().getRecords()).noneMatch(r -> r.getType().equals("TLSA"));
    assertThat(ready.getStatus().getRecords()).filteredOn(r -> r.getType().equals("MX"))
        .extracting(r -> r.getValue()).containsExactly("10 mx1.fleet-provider.example.",
            "20 mx2.fleet-provider.example.");
    assertThat(ready.getStatus().getDane()).as("the DANE rollover is the fleet's").isNull();
    Condition certs = condition(ready, "CertificatesReady").orElseThrow();
    assertThat(certs.getStatus()).isEqualTo("True");
    assertThat(certs.getMessage()).contains("MailTransport " + PROVIDER + "/fleet's");
    Condition mta = condition(ready, "MtaReady").orElseThrow();
    assertThat(mta.getStatus()).isEqualTo("True");
    assertThat(mta.getReason()).isEqualTo("ServedByTransport");
    assertThat(mta.getMessage()).contains(PROVIDER + "/fleet", "mx1.fleet-provider.example");
    assertThat(client.resources(Certificate.class).inNamespace(CUSTOMER).withLabel("securemail.io/domain", "shop")
        .list().getItems()).extracting(c -> c.getSpec().getDnsNames())
        .containsExactly(List.of("mta-sts.shop.fleet-tier.example"));
    assertThat(client.secrets().inNamespace(CUSTOMER).list().getItems()).extracting(s -> s.getMetadata().getName())
        .doesNotContain("shop-mx-a", "shop-mx-b", "shop-mx");
    assertThat(client.apps().statefulSets().inNamespace(CUSTOMER).list().getItems()).isEmpty();
    assertThat(ready.getStatus().getTransport()).satisfies(t -> {
      assertThat(t.getName()).isEqualTo(PROVIDER + "/fleet");
      assertThat(t.getAttached()).isTrue();
      assertThat(t.getReady()).isTrue();
      assertThat(t.getDanePhase()).isEqualTo("Stable");
    });

    // The fleet is not Ready (say its MTA lost a replica): neither is the domain, whose mail it receives.
    writeStatus(PROVIDER, "fleet", "False", "Stable");
    SecureMailDomain waiting = awaitSoon(CUSTOMER, "shop",
        d -> condition(d, "MtaReady").map(c -> c.getReason().equals("TransportNotReady")).orElse(false));
    assertThat(condition(waiting, "MtaReady").orElseThrow().getMessage()).contains("MailTransport " + PROVIDER
        + "/fleet is not Ready");
    assertThat(condition(waiting, "Ready").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(waiting.getStatus().getTransport().getReady()).isFalse();
    writeStatus(PROVIDER, "fleet", "True", "Stable");
    awaitSoon(CUSTOMER, "shop", d -> condition(d, "Ready").map(c -> c.getStatus().equals("True")).orElse(false));

    // The fleet's rollover begins: the domain shows it within seconds (the transport's informer).
    writeStatus(PROVIDER, "fleet", "True", "PrePublishing");
    awaitSoon(CUSTOMER, "shop", d -> "PrePublishing".equals(d.getStatus().getTransport().getDanePhase()));

    // A third MX host joins the fleet: the policy lists it first, then the MX record points at it.
    client.resources(MailTransport.class).inNamespace(PROVIDER).withName("fleet").edit(t -> {
      t.getSpec().getMx().add(new MxHost("mx3.fleet-provider.example", 30));
      return t;
    });
    SecureMailDomain grown = awaitSoon(CUSTOMER, "shop", d -> d.getStatus().getRecords().stream()
        .anyMatch(r -> r.getType().equals("MX") && r.getValue().equals("30 mx3.fleet-provider.example.")));
    assertThat(grown.getStatus().getMtaSts().getMx()).contains("mx3.fleet-provider.example");
    assertThat(policyServed("shop.fleet-tier.example")).contains("mx: mx3.fleet-provider.example");
  }

  /**
   * A domain naming a transport that does not exist publishes nothing and says so; the transport's
   * creation attaches it at once.
   */
  @Test
  void aMissingTransportHoldsTheDomainUntilItAppears() {
    api(client).resource(attachedDomain(CUSTOMER, "early", "early.fleet-tier.example", "later", null)).create();
    SecureMailDomain waiting = awaitStatus(client, CUSTOMER, "early", Domains.ready("False", "TransportNotFound"));

    assertThat(condition(waiting, "Ready").orElseThrow().getMessage())
        .contains("spec.transport: MailTransport " + CUSTOMER + "/later does not exist", "Nothing is published");
    assertThat(condition(waiting, "DnsPublished")).as("no part ran").isEmpty();
    assertThat(client.configMaps().inNamespace(CUSTOMER).withName("early-dns-records").get()).isNull();
    assertThat(certificates(CUSTOMER, "early")).isZero();
    assertThat(waiting.getStatus().getTransport().getAttached()).isFalse();
    assertThat(warnings(CUSTOMER, "early")).contains("TransportNotFound");

    // In the domain's own namespace: allowed without a word in spec.attach.
    client.resource(transport(CUSTOMER, "later", FLEET_MX)).create();
    SecureMailDomain attached = awaitSoon(CUSTOMER, "early", d -> condition(d, "DnsPublished").isPresent());
    assertThat(condition(attached, "Ready").orElseThrow().getReason()).isNotEqualTo("TransportNotFound");
    assertThat(attached.getStatus().getTransport().getAttached()).isTrue();
    assertThat(attached.getStatus().getTransport().getReady()).as("no status written for it").isFalse();
    assertThat(client.configMaps().inNamespace(CUSTOMER).withName("early-dns-records").get()).isNotNull();
  }

  /** A namespace the transport does not allow gets TransportNotAllowed, an event, and nothing published or probed. */
  @Test
  void aNamespaceTheTransportDoesNotAllowPublishesNothing() {
    MailTransport picky = transport(PROVIDER, "picky", FLEET_MX);
    picky.getSpec().getAttach().setNamespaceSelector(new LabelSelectorBuilder()
        .withMatchLabels(Map.of(TENANT_LABEL, "yes")).build());
    client.resource(picky).create();

    api(client).resource(attachedDomain(OUTSIDER, "intruder", "intruder.fleet-tier.example", "picky", PROVIDER))
        .create();
    SecureMailDomain refused = awaitStatus(client, OUTSIDER, "intruder", Domains.ready("False", "TransportNotAllowed"));

    assertThat(condition(refused, "Ready").orElseThrow().getMessage()).contains("MailTransport " + PROVIDER
        + "/picky does not allow namespace " + OUTSIDER, "Nothing is published or probed");
    assertThat(condition(refused, "DnsPublished")).isEmpty();
    assertThat(condition(refused, "Compliant")).as("not probed").isEmpty();
    assertThat(refused.getStatus().getRecords()).isEmpty();
    assertThat(client.configMaps().inNamespace(OUTSIDER).withName("intruder-dns-records").get()).isNull();
    assertThat(client.configMaps().inNamespace(OUTSIDER).withName(PolicyServer.CONFIG).get()).isNull();
    assertThat(certificates(OUTSIDER, "intruder")).isZero();
    assertThat(refused.getStatus().getTransport().getAttached()).isFalse();
    assertThat(warnings(OUTSIDER, "intruder")).contains("TransportNotAllowed");
  }

  /**
   * Neither MX hosts of its own nor a transport: InvalidSpec naming spec.mx, as the schema used to
   * refuse it (it cannot say "exactly one of" without CEL); nothing is published.
   */
  @Test
  void aDomainWithoutMxOrTransportIsInvalidNamingSpecMx() {
    SecureMailDomain smd = Domains.minimal(CUSTOMER, "nowhere", "nowhere.fleet-tier.example");
    smd.getSpec().setMx(new ArrayList<>());
    api(client).resource(smd).create();
    SecureMailDomain invalid = awaitStatus(client, CUSTOMER, "nowhere", Domains.ready("False", "InvalidSpec"));

    assertThat(condition(invalid, "Ready").orElseThrow().getMessage()).contains("spec.mx: is required",
        "spec.transport");
    assertThat(client.configMaps().inNamespace(CUSTOMER).withName("nowhere-dns-records").get()).isNull();
  }

  /**
   * An attached domain's own spec.mtaSts.mxPatterns must cover the fleet's MX hosts, which change
   * with the transport, not with the domain: a host outside them is InvalidSpec naming the
   * patterns and the host, and what was published stays as it was until the patterns cover it.
   */
  @Test
  void mxPatternsThatMissAFleetHostAreInvalidAndPublishNothingNew() {
    MailTransport fleet = transport(CUSTOMER, "patterned", FLEET_MX);
    client.resource(fleet).create();
    writeStatus(CUSTOMER, "patterned", "True", "Stable");
    SecureMailDomain smd = attachedDomain(CUSTOMER, "patterns", "patterns.fleet-tier.example", "patterned", null);
    smd.getSpec().getMtaSts().setMxPatterns(List.of("*.fleet-provider.example"));
    api(client).resource(smd).create();
    SecureMailDomain covered = awaitStatus(client, CUSTOMER, "patterns", Domains.ready("True", "Ready"));
    assertThat(covered.getStatus().getMtaSts().getMx()).containsExactly("*.fleet-provider.example");

    // The fleet grows by a host of another provider's zone: the domain's patterns do not cover it.
    client.resources(MailTransport.class).inNamespace(CUSTOMER).withName("patterned").edit(t -> {
      t.getSpec().getMx().add(new MxHost("mx3.backup-provider.example", 30));
      return t;
    });
    SecureMailDomain invalid = awaitSoon(CUSTOMER, "patterns",
        d -> condition(d, "Ready").map(c -> "InvalidSpec".equals(c.getReason())).orElse(false));
    assertThat(condition(invalid, "Ready").orElseThrow().getMessage()).contains("spec.mtaSts.mxPatterns",
        "MailTransport " + CUSTOMER + "/patterned's MX host mx3.backup-provider.example matches none of "
            + "[*.fleet-provider.example]");
    assertThat(invalid.getStatus().getRecords()).as("no MX record for the uncovered host")
        .noneMatch(r -> r.getValue().contains("mx3.backup-provider.example"));
    assertThat(warnings(CUSTOMER, "patterns")).contains("InvalidSpec");

    api(client).inNamespace(CUSTOMER).withName("patterns").edit(d -> {
      d.getSpec().getMtaSts().setMxPatterns(List.of("*.fleet-provider.example", "mx3.backup-provider.example"));
      return d;
    });
    SecureMailDomain grown = awaitSoon(CUSTOMER, "patterns", d -> d.getStatus().getRecords().stream()
        .anyMatch(r -> r.getType().equals("MX") && r.getValue().equals("30 mx3.backup-provider.example.")));
    assertThat(grown.getStatus().getMtaSts().getMx()).contains("mx3.backup-provider.example");
  }

  /**
   * A domain with an MX host of its own attaches to a transport: the keys of the host it no longer
   * has (both lineages' Secrets and the serving Secret) are deleted, with its MX Certificates.
   */
  @Test
  void aDomainThatAttachesDeletesTheKeysOfItsOwnMxHost() {
    client.resource(transport(CUSTOMER, "joined", FLEET_MX)).create();
    writeStatus(CUSTOMER, "joined", "True", "Stable");
    SecureMailDomain own = Domains.minimal(CUSTOMER, "mover", "mover.fleet-tier.example");
    own.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    api(client).resource(own).create();
    awaitStatus(client, CUSTOMER, "mover", d -> d.getStatus() != null && d.getStatus().getDane() != null
        && condition(d, "CertificatesReady").isPresent());
    List<String> keys = List.of("mover-mx-a", "mover-mx-b", "mover-mx-tls");
    assertThat(secretNames(CUSTOMER)).as("its own MX host's keys").contains("mover-mx-a", "mover-mx-b");

    Domains.edit(client, CUSTOMER, "mover", d -> {
      d.getSpec().setMx(new ArrayList<>());
      d.getSpec().setTransport(new TransportRef("joined", null));
      return d;
    });
    // status.dane stays until the keys are gone; then the DANE rollover is the fleet's alone.
    awaitSoon(CUSTOMER, "mover", d -> d.getStatus().getTransport() != null
        && Boolean.TRUE.equals(d.getStatus().getTransport().getAttached())
        && Objects.equals(d.getStatus().getObservedGeneration(), d.getMetadata().getGeneration())
        && d.getStatus().getDane() == null);
    assertThat(secretNames(CUSTOMER)).as("the keys of the MX host it no longer has").doesNotContainAnyElementsOf(keys);
    assertThat(client.resources(Certificate.class).inNamespace(CUSTOMER).withLabel("securemail.io/domain", "mover")
        .list().getItems()).extracting(c -> c.getMetadata().getName()).containsExactly("mover-mta-sts");
  }

  static List<String> secretNames(String namespace) {
    return client.secrets().inNamespace(namespace).list().getItems().stream().map(s -> s.getMetadata().getName())
        .toList();
  }

  static MailTransport transport(String namespace, String name, List<String> mx) {
    MailTransport transport = new MailTransport();
    transport.getMetadata().setNamespace(namespace);
    transport.getMetadata().setName(name);
    MailTransportSpec spec = new MailTransportSpec();
    spec.setDomain("fleet-provider.example");
    List<MxHost> hosts = new ArrayList<>();
    for (int i = 0; i < mx.size(); i++) {
      hosts.add(new MxHost(mx.get(i), 10 * (i + 1)));
    }
    spec.setMx(hosts);
    MtaSpec mta = new MtaSpec();
    mta.getInbound().setDeliverTo("lmtp:[mailstore.fleet-provider.example]:24");
    spec.setMta(mta);
    spec.setAttach(new AttachSpec());
    transport.setSpec(spec);
    return transport;
  }

  static SecureMailDomain attachedDomain(String namespace, String name, String domain, String transport,
      String transportNamespace) {
    SecureMailDomain smd = Domains.minimal(namespace, name, domain);
    smd.getSpec().setMx(new ArrayList<>());
    smd.getSpec().setTransport(new TransportRef(transport, transportNamespace));
    smd.getSpec().getDns().setManageMx(true);
    smd.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    return smd;
  }

  /** The status the transport's controller would write: its Ready condition and its fleet's DANE phase. */
  static void writeStatus(String namespace, String name, String ready, String phase) {
    MailTransport transport = client.resources(MailTransport.class).inNamespace(namespace).withName(name).get();
    MailTransportStatus status = new MailTransportStatus();
    status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(ready).withReason("Ready")
        .withMessage("written by the test").withLastTransitionTime("2026-01-01T00:00:00Z").build()));
    DaneStatus dane = new DaneStatus();
    dane.setPhase(phase);
    status.setDane(dane);
    transport.setStatus(status);
    client.resource(transport).updateStatus();
  }

  /** Within seconds: only an informer's event can bring it, every poll being ten minutes. */
  static SecureMailDomain awaitSoon(String namespace, String name, java.util.function.Predicate<SecureMailDomain> p) {
    try {
      return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
          .until(() -> api(client).inNamespace(namespace).withName(name).get(), d -> d != null
              && d.getStatus() != null && p.test(d));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      SecureMailDomain last = api(client).inNamespace(namespace).withName(name).get();
      throw new AssertionError("the status of " + namespace + "/" + name + " never matched within 30 s; last "
          + "status: " + (last == null ? "(no resource)" : client.getKubernetesSerialization().asJson(last.getStatus())),
          e);
    }
  }

  /** What a sender fetching the domain's policy gets: what the namespace's policy server holds for it. */
  static PolicyFetch servedPolicy(String domain) {
    String url = "https://mta-sts." + domain + "/.well-known/mta-sts.txt";
    String body = policyServed(domain);
    return body == null ? PolicyFetch.failed(url, "the policy server holds no policy for " + domain)
        : PolicyFetch.ok(url, body);
  }

  static String policyServed(String domain) {
    Secret site = client.secrets().inNamespace(CUSTOMER).withName(PolicySite.secretName(domain)).get();
    String encoded = site == null || site.getData() == null ? null
        : site.getData().get(PolicyServerConfig.policyFile(domain));
    return encoded == null ? null : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
  }

  private static int certificates(String namespace, String domain) {
    return client.resources(Certificate.class).inNamespace(namespace).withLabel("securemail.io/domain", domain)
        .list().getItems().size();
  }

  private static List<String> warnings(String namespace, String name) {
    return await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace(namespace).list()
        .getItems().stream().filter(e -> name.equals(e.getInvolvedObject().getName()))
        .filter(e -> "Warning".equals(e.getType())).map(Event::getReason).toList(), l -> !l.isEmpty());
  }
}
