package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.Operator;
import io.securemail.lab.Lab;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.mtasts.PolicyServer;
import io.securemail.operator.mtasts.PolicyServerConfig;
import io.securemail.operator.mtasts.PolicySite;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reconciler tier: the operator's reconciler, workflow and parts in this JVM against the real
 * API server, with stand-ins for the network (DNS published by hand from the zone snippet, MX and
 * policy hosts that do not answer). Fast enough for every change:
 * {@code ./mvnw -pl e2e-tests test -Dtest='*TierTest' -Dsecuremail.lab.mode=CONTROL_PLANE}
 * starts the control plane alone.
 *
 * <p>Every poll here is ten minutes, as is the resync: whatever happens within seconds happens
 * because an informer saw a change, not because a timer came round.
 */
@ExtendWith(LabExtension.class)
class ReconcilerTierTest {

  static final String NS = "tier";
  /** Many domains sharing one policy server. */
  static final String SHARED_NS = "tier-shared";
  /** A policy server as an earlier version left it. */
  static final String UPGRADE_NS = "tier-upgrade";
  static final Duration SLOW = Duration.ofMinutes(10);

  static Lab lab;
  static KubernetesClient client;
  static Operator operator;

  @BeforeAll
  static void start(Lab l) {
    lab = l;
    client = l.client();
    var reconciler = TierReconciler.of(TierReconciler.probes(new HandPublishedDns(client, NS)), "reconciler-tier", SLOW,
        SLOW, Optional.of(List.of("registry-credentials")));
    operator = TierReconciler.run(lab, reconciler, Set.of(NS, SHARED_NS, UPGRADE_NS));
  }

  @AfterAll
  static void stop() {
    TierReconciler.stop(lab, operator, Set.of(NS, SHARED_NS, UPGRADE_NS));
  }

  /** The records the operator lists for manual publishing are looked up, found, and reported published. */
  @Test
  void handPublishedRecordsAreSeenAsPublished() {
    api(client).resource(Domains.minimal(NS, "listed", "listed.example")).create();
    SecureMailDomain published = awaitStatus(client, NS, "listed", smd -> condition(smd, "DnsPublished")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    assertThat(published.getStatus().getRecords()).isNotEmpty()
        .allSatisfy(r -> assertThat(r.getState().name()).isEqualTo("Published"));
  }

  /**
   * TLSA records in an unsigned zone do nothing (RFC 7672 section 2.2): with DANE enabled the
   * records are served but DnsPublished, and so Ready, stay False with a reason of their own, which
   * stalls the domain until a person signs the zone. With DANE disabled the same records are
   * published, and the message says why insecure is acceptable.
   */
  @Test
  void recordsInAnUnsignedZoneAreNotPublishedWhileDaneIsEnabled() {
    String domain = "mail" + HandPublishedDns.UNSIGNED;
    SecureMailDomain smd = Domains.minimal(NS, "unsigned", domain);
    smd.getSpec().getDns().setManageMx(true);
    api(client).resource(smd).create();
    SecureMailDomain refused = awaitStatus(client, NS, "unsigned", d -> condition(d, "DnsPublished")
        .filter(c -> "RecordsInsecure".equals(c.getReason())).isPresent());
    assertThat(condition(refused, "DnsPublished").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(condition(refused, "DnsPublished").orElseThrow().getMessage())
        .contains("not DNSSEC-signed (insecure)", domain + ". MX", "Sign the zone", "DS record at the parent");
    // No issuer here, so Ready waits for certificates too; it also names the DNS part's reason.
    assertThat(condition(refused, "Ready").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(condition(refused, "Ready").orElseThrow().getMessage()).contains("Waiting for DNS: ",
        "not DNSSEC-signed (insecure)");
    assertThat(refused.getStatus().getRecords()).isNotEmpty().allSatisfy(r -> {
      assertThat(r.getState().name()).isEqualTo("Published");
      assertThat(r.getDnssec()).isEqualTo("insecure");
    });

    Domains.edit(client, NS, "unsigned", d -> {
      d.getSpec().getDane().setEnabled(false);
      return d;
    });
    SecureMailDomain withoutDane = awaitStatus(client, NS, "unsigned", d -> condition(d, "DnsPublished")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    assertThat(condition(withoutDane, "DnsPublished").orElseThrow().getMessage())
        .contains("not DNSSEC-signed (insecure)", "only because spec.dane.enabled is false");
  }

  /** Records a validating resolver rejects are never published, DANE or not: DnsPublished names them. */
  @Test
  void bogusRecordsAreNotPublished() {
    String domain = "mail" + HandPublishedDns.BOGUS;
    SecureMailDomain smd = Domains.minimal(NS, "bogus", domain);
    smd.getSpec().getDns().setManageMx(true);
    smd.getSpec().getDane().setEnabled(false);
    api(client).resource(smd).create();
    SecureMailDomain refused = awaitStatus(client, NS, "bogus", b -> condition(b, "DnsPublished")
        .filter(c -> "RecordsBogus".equals(c.getReason())).isPresent());
    assertThat(condition(refused, "DnsPublished").orElseThrow().getMessage())
        .contains("fail DNSSEC validation (bogus)", domain + ". MX", "no DNSKEY matches the DS record",
            "make the parent's DS record match a DNSKEY");
    assertThat(condition(refused, "Ready").orElseThrow().getMessage()).contains("Waiting for DNS: ",
        "fail DNSSEC validation (bogus)");
    assertThat(refused.getStatus().getRecords()).isNotEmpty().allSatisfy(r -> {
      assertThat(r.getState().name()).isEqualTo("Pending");
      assertThat(r.getDnssec()).isEqualTo("bogus");
    });
  }

  /**
   * A StatefulSet edited by hand is restored on the edit's event: no poll of this domain is due for
   * ten minutes. The same for a deleted Service.
   */
  @Test
  void driftIsRepairedOnTheEvent() {
    SecureMailDomain domain = Domains.minimal(NS, "kept", "kept.example");
    MtaSpec mta = new MtaSpec();
    mta.getInbound().setDeliverTo("smtp:[mailstore.internal]:25");
    domain.getSpec().setMta(mta);
    api(client).resource(domain).create();
    awaitStatus(client, NS, "kept", smd -> condition(smd, "MtaReady").isPresent()
        && condition(smd, "DnsPublished").filter(c -> "True".equals(c.getStatus())).isPresent());
    StatefulSet before = client.apps().statefulSets().inNamespace(NS).withName("kept-mta").get();
    int replicas = before.getSpec().getReplicas();
    assertThat(before.getSpec().getTemplate().getSpec().getImagePullSecrets()).as("the operator's pull secrets")
        .extracting(r -> r.getName()).containsExactly("registry-credentials");

    Instant edited = Instant.now();
    // A merge patch without a resourceVersion, as kubectl scale sends: no conflict with status writes.
    client.apps().statefulSets().inNamespace(NS).withName("kept-mta").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"replicas\":" + (replicas + 5) + "}}");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(
        () -> client.apps().statefulSets().inNamespace(NS).withName("kept-mta").get().getSpec().getReplicas() == replicas);
    System.out.printf("[tier] hand-edited StatefulSet restored in %d ms (next poll or resync: %s)%n",
        Duration.between(edited, Instant.now()).toMillis(), SLOW);

    String uid = client.services().inNamespace(NS).withName("kept-mta").get().getMetadata().getUid();
    client.services().inNamespace(NS).withName("kept-mta").delete();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      var service = client.services().inNamespace(NS).withName("kept-mta").get();
      return service != null && !uid.equals(service.getMetadata().getUid());
    });
  }

  /** What the spec stops asking for, the workflow deletes: the MTA's objects, the Certificates. */
  @Test
  void objectsTheSpecNoLongerAsksForAreDeleted() {
    SecureMailDomain domain = Domains.minimal(NS, "shrinks", "shrinks.example");
    domain.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    MtaSpec mta = new MtaSpec();
    mta.getInbound().setDeliverTo("smtp:[mailstore.internal]:25");
    domain.getSpec().setMta(mta);
    api(client).resource(domain).create();
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> certificates("shrinks") == 3
        && client.apps().statefulSets().inNamespace(NS).withName("shrinks-mta").get() != null);

    Domains.edit(client, NS, "shrinks", d -> {
      d.getSpec().setMta(null);
      d.getSpec().getCertificates().setIssuerRef(null);
      return d;
    });
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> certificates("shrinks") == 0
        && client.apps().statefulSets().inNamespace(NS).withName("shrinks-mta").get() == null
        && client.services().inNamespace(NS).withName("shrinks-mta").get() == null
        && client.configMaps().inNamespace(NS).withName("shrinks-mta").get() == null);
    SecureMailDomain after = awaitStatus(client, NS, "shrinks", smd -> condition(smd, "MtaReady")
        .filter(c -> "NotManaged".equals(c.getReason())).isPresent());
    assertThat(condition(after, "CertificatesReady").orElseThrow().getReason()).isEqualTo("IssuerNotConfigured");
  }

  /**
   * Twelve domains share the namespace's policy server: its objects have one owner and one writer
   * whatever the number of domains, each domain's keys of its site Secret are its own (a deletion
   * takes out those only, whoever shares the Secret), and
   * the server goes with the namespace's last domain.
   */
  @Test
  void domainsSharingThePolicyServerWriteOnlyTheirOwnEntries() {
    List<String> names = IntStream.range(0, 12).mapToObj(i -> "shared-" + i).toList();
    names.forEach(name -> api(client).resource(Domains.minimal(SHARED_NS, name, name + ".example")).create());
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> names.stream().allMatch(name -> sitePolicy(name) != null));

    List<HasMetadata> server = new ArrayList<>(List.of(
        client.apps().deployments().inNamespace(SHARED_NS).withName(PolicyServer.NAME).get(),
        client.services().inNamespace(SHARED_NS).withName(PolicyServer.NAME).get(),
        client.services().inNamespace(SHARED_NS).withName(PolicyServer.INTERNAL).get()));
    for (HasMetadata object : server) {
      assertThat(object.getMetadata().getOwnerReferences()).as(object.getKind() + " owners")
          .extracting(r -> r.getKind() + "/" + r.getName()).containsExactly("ConfigMap/" + PolicyServer.CONFIG);
      assertThat(appliers(object)).as(object.getKind() + " writers").containsExactly("securemail-operator");
    }
    Map<String, List<String>> byShard = names.stream()
        .collect(Collectors.groupingBy(name -> PolicySite.secretName(name + ".example")));
    byShard.forEach((shard, domains) -> {
      Secret site = client.secrets().inNamespace(SHARED_NS).withName(shard).get();
      assertThat(site.getMetadata().getOwnerReferences()).as(shard + " owners")
          .extracting(r -> r.getKind() + "/" + r.getName()).containsExactly("ConfigMap/" + PolicyServer.CONFIG);
      assertThat(site.getData().keySet()).as(shard + " keys: the policies of its domains only")
          .containsExactlyInAnyOrderElementsOf(domains.stream()
              .map(d -> PolicyServerConfig.policyFile(d + ".example")).toList());
    });
    Map<String, String> policies = names.stream().collect(Collectors.toMap(name -> name, name -> sitePolicy(name)));

    api(client).inNamespace(SHARED_NS).withName("shared-0").delete();
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> sitePolicy("shared-0") == null);
    // The deletion took out the domain's own key only: every other domain's policy is as it was.
    names.stream().filter(name -> !name.equals("shared-0")).forEach(name ->
        assertThat(sitePolicy(name)).as(name + "'s policy").isEqualTo(policies.get(name)));
    assertThat(client.configMaps().inNamespace(SHARED_NS).withName(PolicyServer.CONFIG).get()).isNotNull();

    api(client).inNamespace(SHARED_NS).delete();
    await().atMost(Domains.STATUS_TIMEOUT).until(
        () -> client.configMaps().inNamespace(SHARED_NS).withName(PolicyServer.CONFIG).get() == null
            && client.apps().deployments().inNamespace(SHARED_NS).withName(PolicyServer.NAME).get() == null
            && client.secrets().inNamespace(SHARED_NS).withLabel("app.kubernetes.io/name", PolicyServer.NAME).list()
                .getItems().isEmpty());
  }

  /**
   * A policy server as an earlier version left it (every domain an owner, every policy and key in
   * one ConfigMap and one Secret) is taken over: one owner, the old objects emptied and handed to
   * that owner, the domain's entries in its site Secret.
   */
  @Test
  void aPolicyServerOwnedByEveryDomainIsTakenOver() {
    ConfigMap former = client.configMaps().inNamespace(UPGRADE_NS).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("former-domain").endMetadata().build()).create();
    OwnerReference formerOwner = new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
        .withName("former-domain").withUid(former.getMetadata().getUid()).withController(false).build();
    String policies = PolicyServer.NAME + "-policies";
    String tls = PolicyServer.NAME + "-tls";
    client.configMaps().inNamespace(UPGRADE_NS).resource(new ConfigMapBuilder().withNewMetadata()
        .withName(PolicyServer.CONFIG).withOwnerReferences(formerOwner).endMetadata()
        .withData(Map.of("nginx.conf", "# an earlier version's")).build()).create();
    client.configMaps().inNamespace(UPGRADE_NS).resource(new ConfigMapBuilder().withNewMetadata()
        .withName(policies).withOwnerReferences(formerOwner).endMetadata()
        .withData(Map.of("mta-sts.upgraded.example.txt", "version: STSv1")).build()).create();
    client.secrets().inNamespace(UPGRADE_NS).resource(new SecretBuilder().withNewMetadata()
        .withName(tls).withOwnerReferences(formerOwner).endMetadata()
        .withStringData(Map.of("mta-sts.upgraded.example.key", "a key")).build()).create();
    client.services().inNamespace(UPGRADE_NS).resource(new ServiceBuilder().withNewMetadata()
        .withName(PolicyServer.INTERNAL).withOwnerReferences(formerOwner).endMetadata().withNewSpec()
        .addNewPort().withPort(80).endPort().endSpec().build()).create();

    api(client).resource(Domains.minimal(UPGRADE_NS, "upgraded", "upgraded.example")).create();
    await().atMost(Domains.STATUS_TIMEOUT).untilAsserted(() -> {
      ConfigMap config = client.configMaps().inNamespace(UPGRADE_NS).withName(PolicyServer.CONFIG).get();
      assertThat(config.getMetadata().getOwnerReferences()).as("the configuration is nobody's").isEmpty();
      // Arrays.asList: an object not there yet is a null the assertion names, not an exception.
      for (HasMetadata object : java.util.Arrays.asList(client.secrets().inNamespace(UPGRADE_NS).withName(tls).get(),
          client.configMaps().inNamespace(UPGRADE_NS).withName(policies).get(),
          client.services().inNamespace(UPGRADE_NS).withName(PolicyServer.INTERNAL).get(),
          client.apps().deployments().inNamespace(UPGRADE_NS).withName(PolicyServer.NAME).get())) {
        assertThat(object).as("taken over").isNotNull();
        assertThat(object.getMetadata().getOwnerReferences()).as(object.getKind() + " " + object.getMetadata().getName())
            .extracting(OwnerReference::getUid).containsExactly(config.getMetadata().getUid());
      }
      assertThat(client.secrets().inNamespace(UPGRADE_NS).withName(tls).get().getData()).isNullOrEmpty();
    });
    assertThat(client.configMaps().inNamespace(UPGRADE_NS).withName(policies).get().getData()).isNullOrEmpty();
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> sitePolicy(UPGRADE_NS, "upgraded") != null);
  }

  private static String sitePolicy(String name) {
    return sitePolicy(SHARED_NS, name);
  }

  /** The policy of domain {@code <name>.example} in its site Secret, or null. */
  private static String sitePolicy(String namespace, String name) {
    String domain = name + ".example";
    Secret site = client.secrets().inNamespace(namespace).withName(PolicySite.secretName(domain)).get();
    return site == null || site.getData() == null ? null : site.getData().get(PolicyServerConfig.policyFile(domain));
  }

  /** The field managers that applied (server-side apply) fields of the object. */
  private static List<String> appliers(HasMetadata object) {
    return object.getMetadata().getManagedFields().stream().filter(f -> "Apply".equals(f.getOperation()))
        .map(ManagedFieldsEntry::getManager).toList();
  }

  private static int certificates(String domain) {
    return client.resources(Certificate.class).inNamespace(NS).withLabel("securemail.io/domain", domain).list()
        .getItems().size();
  }
}
