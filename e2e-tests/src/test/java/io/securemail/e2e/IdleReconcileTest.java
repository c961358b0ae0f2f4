package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.lab.Lab;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Idle is free: once a domain has settled, further reconciles (the periodic resync, here every
 * {@value LabExtension#RESYNC}) write nothing to the API server. Measured on the API server's objects
 * (their resourceVersions, the events about the domain), not from the operator's idea of what it did.
 */
@ExtendWith(LabExtension.class)
class IdleReconcileTest {

  static final String NS = "idle";
  static Lab lab;

  @BeforeAll
  static void namespace(Lab l) {
    lab = l;
    Domains.createNamespace(l.client(), NS);
  }

  @Test
  void settledDomainCostsNoWritesPerReconcile() {
    var client = lab.client();
    api(client).resource(Domains.minimal(NS, "quiet", "quiet.example")).create();
    awaitStatus(client, NS, "quiet", ready("False", "Progressing")
        .and(smd -> Domains.condition(smd, "Compliant").isPresent()));
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> client.configMaps().inNamespace(NS)
        .withName("quiet-dns-records").get() != null);
    // Let any write still in flight land before the baseline is taken.
    await().pollDelay(Duration.ofSeconds(2)).until(() -> true);

    // Other test domains may still be working in this shared lab, so the API server's global write
    // counters cannot single this one out: every object the domain owns must keep its resourceVersion.
    List<String> versionsBefore = versions(client);
    long eventsBefore = events(client);
    long reconcilesBefore = reconciles("quiet");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> reconciles("quiet") >= reconcilesBefore + 3);

    assertThat(reconciles("quiet") - reconcilesBefore).as("reconciles of the settled domain").isGreaterThanOrEqualTo(3);
    assertThat(versions(client)).as("resourceVersions of the domain, its ConfigMap and its key Secrets")
        .isEqualTo(versionsBefore);
    assertThat(events(client)).as("events about the domain").isEqualTo(eventsBefore);
  }

  /**
   * The same for a domain with everything the workflow keeps: Certificates, the MTA's ConfigMap,
   * Service and StatefulSet. The server-side apply matcher must find them unchanged (defaulted
   * fields, quantities and volume claim templates included), so the audit log shows no write of
   * the operator in the namespace while the domain is reconciled again and again.
   */
  @Test
  void settledDependentsCostNoWrites() throws Exception {
    var client = lab.client();
    SecureMailDomain domain = Domains.minimal(NS, "busy", "busy.example");
    domain.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    MtaSpec mta = new MtaSpec();
    mta.getInbound().setDeliverTo("smtp:[mailstore.internal]:25");
    domain.getSpec().setMta(mta);
    api(client).resource(domain).create();
    // The MTA's Pods stay Pending here (the namespace runs no Pods): MtaReady stays False/Starting,
    // and the certificates, once issued, wait for an MX to serve the key before any TLSA is published.
    awaitStatus(client, NS, "busy", smd -> Domains.condition(smd, "CertificatesReady")
        .filter(c -> "MxNotServingKey".equals(c.getReason())).isPresent()
        && Domains.condition(smd, "MtaReady").filter(c -> "Starting".equals(c.getReason())).isPresent()
        && Domains.condition(smd, "Compliant").isPresent());
    // The work the domain set going lands first: a policy-site change that came within the site
    // Secret's write spacing of the previous one (the policy host's certificate, issued a moment
    // after the domain's first entry) is written when the spacing has passed. A write repeated at
    // every reconcile never lets this quiet period come, so the wait cannot hide one.
    Duration quiet = Duration.ofSeconds(12); // the site Secret's 10 s write spacing, and 2 s for the audit log
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
        .until(() -> OperatorRequests.writesIn(lab, NS, Instant.now().minus(quiet)).isEmpty());

    Instant since = Instant.now();
    long reconcilesBefore = reconciles("busy");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> reconciles("busy") >= reconcilesBefore + 3);

    assertThat(OperatorRequests.writesIn(lab, NS, since)).as("the operator's writes in namespace %s while idle", NS)
        .isEmpty();
  }

  private static List<String> versions(KubernetesClient client) {
    return List.of(api(client).inNamespace(NS).withName("quiet").get().getMetadata().getResourceVersion(),
        client.configMaps().inNamespace(NS).withName("quiet-dns-records").get().getMetadata().getResourceVersion(),
        client.secrets().inNamespace(NS).withName("quiet-mx-a").get().getMetadata().getResourceVersion(),
        client.secrets().inNamespace(NS).withName("quiet-mx-b").get().getMetadata().getResourceVersion());
  }

  private static long events(KubernetesClient client) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "quiet".equals(e.getInvolvedObject().getName())).count();
  }

  private static long reconciles(String name) {
    return reconciles(lab, name);
  }

  /** Completed reconciles of one domain, from the operator's Prometheus metrics. */
  static long reconciles(Lab lab, String name) {
    Matcher m = Pattern.compile("^operator_sdk_controllers_execution_reconcile_seconds_count\\{[^}]*resource_name=\""
        + Pattern.quote(name) + "\"[^}]*} ([0-9.]+)$", Pattern.MULTILINE).matcher(lab.operator().metrics());
    long total = 0;
    while (m.find()) {
      total += (long) Double.parseDouble(m.group(1));
    }
    return total;
  }
}
