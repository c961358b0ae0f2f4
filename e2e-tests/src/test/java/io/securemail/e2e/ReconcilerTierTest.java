package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securemail.lab.Lab;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.certs.MxCertificates;
import io.securemail.operator.compliance.ComplianceOptions;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import io.securemail.operator.dns.DnsPublication;
import io.securemail.operator.monitor.ComplianceMonitor;
import io.securemail.operator.mta.MtaDeployment;
import io.securemail.operator.mtasts.MtaStsHosting;
import io.securemail.operator.observe.OperatorProbes;
import io.securemail.operator.reconciler.ConditionMetrics;
import io.securemail.operator.reconciler.SecureMailDomainReconciler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
  static final Duration SLOW = Duration.ofMinutes(10);

  static Lab lab;
  static KubernetesClient client;
  static Operator operator;

  @BeforeAll
  static void start(Lab l) {
    lab = l;
    client = l.client();
    Domains.createNamespace(client, NS);
    // One operator reconciles a domain: the lab's own (a process) rests while this one runs.
    lab.suspendOperator();

    OperatorProbes probes = new OperatorProbes(new HandPublishedDns(client, NS),
        (host, address, port) -> new SmtpObservation(host, address.getHostAddress(), port,
            SmtpObservation.Outcome.UNREACHABLE, null, null, List.of(), "no MX runs in the reconciler tier"),
        (domain, addresses, port) -> PolicyFetch.failed("https://mta-sts." + domain + "/.well-known/mta-sts.txt",
            "no policy host runs in the reconciler tier"),
        ComplianceOptions.defaults().withTimeout(Duration.ofSeconds(2)));
    var meters = new SimpleMeterRegistry();
    var reconciler = new SecureMailDomainReconciler(
        new MxCertificates(probes, SLOW),
        new DnsPublication(probes, Duration.ofSeconds(2), "reconciler-tier", meters),
        new MtaStsHosting(probes, "registry.invalid/policy-server:tier", 1, "ClusterIP", SLOW, Optional.empty()),
        new MtaDeployment(probes, "registry.invalid/mta:tier", "cluster.local", "10.96.0.10", SLOW,
            Optional.of(List.of("registry-credentials")), "100m", "128Mi", "512Mi"),
        new ComplianceMonitor(meters, probes, 2), new ConditionMetrics(meters), SLOW, 86400);
    operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
    operator.register(reconciler, c -> c.settingNamespaces(Set.of(NS)));
    operator.start();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (operator != null) {
        // Deleted while this operator still runs: its finalizer goes with it.
        api(client).inNamespace(NS).delete();
        await().atMost(Domains.STATUS_TIMEOUT).until(() -> api(client).inNamespace(NS).list().getItems().isEmpty());
        operator.stop();
      }
    } finally {
      if (lab != null) {
        lab.resumeOperator();
      }
    }
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

  private static int certificates(String domain) {
    return client.resources(Certificate.class).inNamespace(NS).withLabel("securemail.io/domain", domain).list()
        .getItems().size();
  }
}
