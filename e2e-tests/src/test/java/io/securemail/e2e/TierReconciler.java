package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securemail.lab.Lab;
import io.securemail.operator.certs.MxCertificates;
import io.securemail.operator.compliance.ComplianceOptions;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import io.securemail.operator.compliance.mtasts.PolicyFetcher;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import io.securemail.operator.dns.DnsPublication;
import io.securemail.operator.dns.OwnerId;
import io.securemail.operator.monitor.ComplianceMonitor;
import io.securemail.operator.mta.MtaDeployment;
import io.securemail.operator.mtasts.MtaStsHosting;
import io.securemail.operator.observe.FaultThreshold;
import io.securemail.operator.observe.OperatorProbes;
import io.securemail.operator.reconciler.ConditionMetrics;
import io.securemail.operator.reconciler.SecureMailDomainReconciler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's reconciler as the reconciler tier runs it, in the test's JVM against the lab's
 * API server: DNS answered by {@code dns} (records hand-published in ConfigMaps, or a stand-in in
 * front of them), no MX and no policy host to reach.
 */
final class TierReconciler {

  private TierReconciler() {}

  static OperatorProbes probes(DnsProbe dns, FaultThreshold faults) {
    return probes(dns, (domain, addresses, port) -> PolicyFetch.failed("https://mta-sts." + domain
        + "/.well-known/mta-sts.txt", "no policy host runs in the reconciler tier"), faults);
  }

  /** @param policy what a sender fetching a domain's MTA-STS policy gets */
  static OperatorProbes probes(DnsProbe dns, PolicyFetcher policy, FaultThreshold faults) {
    return new OperatorProbes(dns,
        (host, address, port) -> new SmtpObservation(host, address.getHostAddress(), port,
            SmtpObservation.Outcome.UNREACHABLE, null, null, List.of(), "no MX runs in the reconciler tier"),
        policy, ComplianceOptions.defaults().withTimeout(Duration.ofSeconds(2)), faults);
  }

  static OperatorProbes probes(DnsProbe dns) {
    return probes(dns, FaultThreshold.DEFAULT);
  }

  /**
   * @param poll how often the parts look again (certificates, MTA-STS, the MTA)
   * @param resync the periodic reconcile of every domain
   * @param pullSecrets the image pull secrets of the MTA's Pods
   */
  static SecureMailDomainReconciler of(OperatorProbes probes, String ownerId, Duration poll, Duration resync,
      Optional<List<String>> pullSecrets) {
    var meters = new SimpleMeterRegistry();
    return new SecureMailDomainReconciler(
        new MxCertificates(probes, poll),
        new DnsPublication(probes, Duration.ofSeconds(2), new OwnerId(Optional.of(ownerId)), meters),
        new MtaStsHosting(probes, "registry.invalid/policy-server:tier", 1, "ClusterIP", poll, Optional.empty()),
        new MtaDeployment(probes, "registry.invalid/mta:tier", "cluster.local", "10.96.0.10", poll, pullSecrets,
            "100m", "128Mi", "512Mi", false, Optional.empty(), 2424),
        new ComplianceMonitor(meters, probes, 2, Duration.ofSeconds(5)), new ConditionMetrics(meters), resync, 86400);
  }

  /**
   * Runs {@code reconciler} for the domains of {@code namespaces} (created here) until
   * {@link #stop}; the lab's operator process rests meanwhile, since one operator reconciles a domain.
   */
  static Operator run(Lab lab, SecureMailDomainReconciler reconciler, Set<String> namespaces) {
    KubernetesClient client = lab.client();
    namespaces.forEach(namespace -> Domains.createNamespace(client, namespace));
    lab.suspendOperator();
    Operator operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
    operator.register(reconciler, c -> c.settingNamespaces(namespaces));
    operator.start();
    return operator;
  }

  /**
   * Deletes the domains of {@code namespaces} while {@code operator} still runs (its finalizer goes
   * with it), stops it, and lets the lab's operator process run again.
   */
  static void stop(Lab lab, Operator operator, Set<String> namespaces) {
    try {
      if (operator != null) {
        KubernetesClient client = lab.client();
        namespaces.forEach(namespace -> api(client).inNamespace(namespace).delete());
        await().atMost(Domains.STATUS_TIMEOUT).until(() -> api(client).inAnyNamespace().list().getItems().stream()
            .noneMatch(d -> namespaces.contains(d.getMetadata().getNamespace())));
        operator.stop();
      }
    } finally {
      if (lab != null) {
        try {
          lab.resumeOperator();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }
  }
}
