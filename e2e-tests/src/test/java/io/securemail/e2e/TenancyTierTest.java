package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.securemail.lab.Lab;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.PolicyIngressSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.compliance.net.TargetGuard;
import io.securemail.operator.mtasts.PolicyServer;
import io.securemail.operator.observe.OperatorProbes;
import io.securemail.operator.tenancy.IngressAnnotations;
import io.securemail.operator.tenancy.NetworkTargets;
import io.securemail.operator.tenancy.TenantDomains;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several tenants in one cluster, at the reconciler tier (the reconciler in this JVM, the real API
 * server, the network stood in for): which domain a namespace may claim, who holds a domain two
 * resources name, and a server in a private range, with the operator configured as a multi-tenant
 * cluster's chart would configure it. Every poll and the resync are ten minutes, so whatever
 * happens within seconds happens because an informer saw a change.
 */
@ExtendWith(LabExtension.class)
class TenancyTierTest {

  static final String TEAM_A = "tenancy-a";
  static final String TEAM_B = "tenancy-b";
  static final String OUTSIDER = "tenancy-c";
  static final Duration SLOW = Duration.ofMinutes(10);

  static Lab lab;
  static KubernetesClient client;
  static Operator operator;

  @BeforeAll
  static void start(Lab l) {
    lab = l;
    client = l.client();
    OperatorProbes probes = TierReconciler.probes(new HandPublishedDns(client, TEAM_B));
    var reconciler = TierReconciler.of(probes, "tenancy-tier", SLOW, SLOW, Optional.of(List.of("registry-credentials")))
        // As a chart with operator.tenancy.allowedDomains set and allowPrivateTargets off would.
        .withTenancy(TenantDomains.parse(List.of(TEAM_A + "=shared.example", TEAM_B + "=shared.example",
                TEAM_B + "=private.example", OUTSIDER + "=outsider.example")),
            new IngressAnnotations(List.of("cert-manager.io/*", "nginx.ingress.kubernetes.io/ssl-redirect")),
            new NetworkTargets(TargetGuard.of(false), probes.dns(), host -> List.of(InetAddress.getAllByName(host))));
    operator = TierReconciler.run(lab, reconciler, Set.of(TEAM_A, TEAM_B, OUTSIDER));
  }

  @AfterAll
  static void stop() {
    TierReconciler.stop(lab, operator, Set.of(TEAM_A, TEAM_B, OUTSIDER));
  }

  /**
   * Two namespaces name one domain: the older resource publishes, the younger gets DomainClaimed
   * naming it and publishes nothing (no record list, no Certificate, no policy server), and the
   * older one's objects stay as they were. Once the older one is deleted the younger takes over at
   * once, on the deletion's event.
   */
  @Test
  void theOldestResourceHoldsADomainAndTheNextTakesOverWhenItIsDeleted() {
    SecureMailDomain first = Domains.minimal(TEAM_B, "first", "shared.example");
    first.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    api(client).resource(first).create();
    SecureMailDomain holder = awaitStatus(client, TEAM_B, "first", d -> condition(d, "DnsPublished").isPresent());
    assertThat(client.configMaps().inNamespace(TEAM_B).withName("first-dns-records").get()).isNotNull();
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> certificates(TEAM_B, "first") == 3);
    // Created in a later second than the holder: the timestamp decides, not the namespace's name.
    Instant heldSince = Instant.parse(holder.getMetadata().getCreationTimestamp());
    await().until(() -> Instant.now().isAfter(heldSince.plusSeconds(1)));
    String recordsBefore = client.configMaps().inNamespace(TEAM_B).withName("first-dns-records").get()
        .getMetadata().getResourceVersion();

    SecureMailDomain second = Domains.minimal(TEAM_A, "second", "shared.example");
    second.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    api(client).resource(second).create();
    SecureMailDomain refused = awaitStatus(client, TEAM_A, "second", Domains.ready("False", "DomainClaimed"));

    Condition ready = condition(refused, "Ready").orElseThrow();
    assertThat(ready.getMessage()).contains("spec.domain shared.example is claimed by SecureMailDomain "
        + TEAM_B + "/first", "publishes nothing until that one is deleted");
    assertThat(condition(refused, "Stalled").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(condition(refused, "DnsPublished")).as("no part ran").isEmpty();
    assertThat(refused.getStatus().getRecords()).isEmpty();
    assertThat(refused.getStatus().getPublishedRecords()).isEmpty();
    assertThat(client.configMaps().inNamespace(TEAM_A).withName("second-dns-records").get()).isNull();
    assertThat(client.configMaps().inNamespace(TEAM_A).withName(PolicyServer.CONFIG).get()).isNull();
    assertThat(certificates(TEAM_A, "second")).isZero();
    assertThat(warnings(TEAM_A, "second")).contains("DomainClaimed");
    // The holder is untouched: same record list, still not refused.
    SecureMailDomain stillHolder = api(client).inNamespace(TEAM_B).withName("first").get();
    assertThat(condition(stillHolder, "Ready").orElseThrow().getReason()).isNotEqualTo("DomainClaimed");
    assertThat(client.configMaps().inNamespace(TEAM_B).withName("first-dns-records").get().getMetadata()
        .getResourceVersion()).isEqualTo(recordsBefore);
    assertThat(certificates(TEAM_B, "first")).isEqualTo(3);

    api(client).inNamespace(TEAM_B).withName("first").delete();
    SecureMailDomain tookOver = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> api(client).inNamespace(TEAM_A).withName("second").get(),
            d -> condition(d, "DnsPublished").isPresent());
    assertThat(condition(tookOver, "Ready").orElseThrow().getReason()).isNotEqualTo("DomainClaimed");
    assertThat(client.configMaps().inNamespace(TEAM_A).withName("second-dns-records").get()).isNotNull();
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> certificates(TEAM_A, "second") == 3);
  }

  /** A namespace outside the allow-list for a domain gets DomainNotAllowed and nothing else. */
  @Test
  void aNamespaceMayNotClaimADomainOutsideItsList() {
    api(client).resource(Domains.minimal(OUTSIDER, "borrowed", "private.example")).create();
    SecureMailDomain refused = awaitStatus(client, OUTSIDER, "borrowed", Domains.ready("False", "DomainNotAllowed"));

    assertThat(condition(refused, "Ready").orElseThrow().getMessage()).contains(
        "namespace " + OUTSIDER + " may not claim private.example", "gives it only outsider.example",
        TenantDomains.PROPERTY);
    assertThat(condition(refused, "DnsPublished")).isEmpty();
    assertThat(client.configMaps().inNamespace(OUTSIDER).withName("borrowed-dns-records").get()).isNull();
    assertThat(warnings(OUTSIDER, "borrowed")).contains("DomainNotAllowed");
  }

  /**
   * An Ingress annotation outside the chart's list is an invalid spec naming it, and no Ingress is
   * created; once it is removed, the Ingress carries the annotations that pass.
   */
  @Test
  void anIngressAnnotationOutsideTheListIsRefusedByName() {
    SecureMailDomain smd = Domains.minimal(TEAM_B, "annotated", "annotated.private.example");
    PolicyIngressSpec ingress = new PolicyIngressSpec();
    ingress.setAnnotations(new LinkedHashMap<>(Map.of("nginx.ingress.kubernetes.io/ssl-redirect", "false",
        "nginx.ingress.kubernetes.io/server-snippet", "location /x { return 200; }")));
    smd.getSpec().getMtaSts().setIngress(ingress);
    api(client).resource(smd).create();
    SecureMailDomain refused = awaitStatus(client, TEAM_B, "annotated", Domains.ready("False", "InvalidSpec"));

    assertThat(condition(refused, "Ready").orElseThrow().getMessage()).contains("spec.mtaSts.ingress.annotations: "
        + "\"nginx.ingress.kubernetes.io/server-snippet\" is not an annotation this operator sets on Ingresses")
        .doesNotContain("ssl-redirect\" is not");
    assertThat(client.network().v1().ingresses().inNamespace(TEAM_B).withName("annotated-mta-sts").get()).isNull();

    Domains.edit(client, TEAM_B, "annotated", d -> {
      d.getSpec().getMtaSts().getIngress().getAnnotations().remove("nginx.ingress.kubernetes.io/server-snippet");
      return d;
    });
    var created = await().atMost(Domains.STATUS_TIMEOUT).until(
        () -> client.network().v1().ingresses().inNamespace(TEAM_B).withName("annotated-mta-sts").get(),
        java.util.Objects::nonNull);
    assertThat(created.getMetadata().getAnnotations()).containsEntry("nginx.ingress.kubernetes.io/ssl-redirect", "false")
        .doesNotContainKey("nginx.ingress.kubernetes.io/server-snippet");
  }

  /**
   * spec.dns.rfc2136.server in a private range, private targets not allowed: a named reason, no
   * UPDATE and no query sent (the status has no DNS condition, which any attempt would write).
   */
  @Test
  void anRfc2136ServerInAPrivateRangeIsRefusedWithoutAConnection() {
    Domains.tsigSecret(client, TEAM_B, "tsig", "c2VjcmV0LXNlY3JldC1zZWNyZXQ=");
    api(client).resource(Domains.rfc2136(TEAM_B, "inward", "private.example", "10.0.0.53:53", "private.example.",
        "update-key", "tsig")).create();
    SecureMailDomain refused = awaitStatus(client, TEAM_B, "inward", Domains.ready("False", "DnsServerNotAllowed"));

    assertThat(condition(refused, "Ready").orElseThrow().getMessage()).contains(
        "spec.dns.rfc2136.server 10.0.0.53:53: 10.0.0.53 is not a public address (private, RFC 1918)",
        TargetGuard.PROPERTY);
    assertThat(condition(refused, "DnsPublished")).isEmpty();
    assertThat(refused.getStatus().getPublishedRecords()).isEmpty();
    assertThat(warnings(TEAM_B, "inward")).contains("DnsServerNotAllowed");
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
