package io.securemail.operator.mta;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.securemail.operator.kube.DomainDependent;
import io.securemail.operator.kube.ReconcileError;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.certs.CertNames;
import io.securemail.operator.certs.CertificateManifests;
import io.securemail.operator.certs.LineageKeys;
import io.securemail.operator.certs.MtaBackends;
import io.securemail.operator.certs.SecretReads;
import io.securemail.operator.certs.ServedKeys;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.kube.Backoff;
import io.securemail.operator.kube.Conditions;
import io.securemail.operator.observe.OperatorProbes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The MTA step of a reconcile: plans the domain's MTA objects ({@link MtaManifests}) for the
 * workflow's dependents ({@link MtaConfigMap}, {@link MtaService}, {@link MtaSubmissionService},
 * {@link MtaStatefulSet}) and says
 * whether the MTA is ready: every replica of the StatefulSet ready and up to date, and every MX
 * endpoint serving the key in the serving Secret (the DANE rollover counts on it).
 */
@ApplicationScoped
public class MtaDeployment {

  /** MtaReady's reason for a domain attached to a MailTransport, whose MTA receives its mail. */
  public static final String SERVED_BY_TRANSPORT = "ServedByTransport";

  private final MtaSettings settings;
  private final ServedKeys probe;
  private final java.util.function.Function<SecureMailDomain, DnsProbe> dns;
  private final Duration poll;

  @Inject
  public MtaDeployment(OperatorProbes probes,
      // Default in application.properties: the project's MTA image, tagged with the project version.
      @ConfigProperty(name = "securemail.mta.image") String image,
      @ConfigProperty(name = "securemail.mta.cluster-domain", defaultValue = "cluster.local") String clusterDomain,
      @ConfigProperty(name = "securemail.mta.cluster-dns-address", defaultValue = "10.96.0.10") String clusterDns,
      // How often a starting MTA, or one that does not yet serve its key, is looked at (growing while
      // it stays so, see Backoff); the StatefulSet's own changes arrive as events before that.
      @ConfigProperty(name = "securemail.mta.poll-interval", defaultValue = "10s") Duration poll,
      // A private registry: Secrets of that name in each domain's namespace.
      @ConfigProperty(name = "securemail.mta.image-pull-secrets") Optional<List<String>> pullSecrets,
      @ConfigProperty(name = "securemail.mta.postfix.cpu-request", defaultValue = "100m") String cpu,
      @ConfigProperty(name = "securemail.mta.postfix.memory-request", defaultValue = "128Mi") String memory,
      @ConfigProperty(name = "securemail.mta.postfix.memory-limit", defaultValue = "512Mi") String memoryLimit,
      // The operator's TLS report receiver as the MTAs reach it (the chart's Service), for
      // spec.tlsRpt.receive.mail; without it report mail goes to the mail store.
      @ConfigProperty(name = "securemail.tlsrpt.lmtp.enabled", defaultValue = "false") boolean reportReceiverEnabled,
      @ConfigProperty(name = "securemail.tlsrpt.lmtp.service-host") Optional<String> reportReceiverHost,
      @ConfigProperty(name = "securemail.tlsrpt.lmtp.port", defaultValue = "2424") int reportReceiverPort) {
    this(new MtaSettings(image, clusterDomain, clusterDns, pullSecrets.orElse(List.of()),
            new MtaSettings.Resources(cpu, memory, memoryLimit),
            reportReceiverEnabled && reportReceiverHost.isPresent()
                ? new ReportReceiver(reportReceiverHost.get(), reportReceiverPort) : null),
        new ServedKeys(probes.dns(), probes.servedChain(), probes.smtpPort(), probes.conversations(),
            probes.patience()), probes::dnsFor, poll);
  }

  /** @param dns each domain's resolver, which holds its last answers through transient faults */
  MtaDeployment(MtaSettings settings, ServedKeys probe, java.util.function.Function<SecureMailDomain, DnsProbe> dns,
      Duration poll) {
    this.settings = settings;
    this.probe = probe;
    this.dns = dns;
    this.poll = poll;
  }

  /**
   * Plans the MTA's objects for the workflow (nothing while {@code spec.mta} is unset: the
   * workflow then deletes what it kept before).
   */
  public void plan(SecureMailDomain domain, Context<SecureMailDomain> context) {
    if (domain.getSpec().getMta() == null) {
      return;
    }
    ConfigMap config = MtaManifests.configMap(domain, settings);
    DomainDependent.plan(context, MtaConfigMap.class, config);
    DomainDependent.plan(context, MtaService.class, MtaManifests.service(domain));
    if (MtaManifests.submission(domain.getSpec().getMta())) {
      DomainDependent.plan(context, MtaSubmissionService.class, MtaManifests.submissionService(domain));
    }
    DomainDependent.plan(context, MtaStatefulSet.class,
        MtaManifests.statefulSet(domain, settings, MtaManifests.configHash(config)));
  }

  /**
   * Whether the MTA is ready, once the workflow has applied (or deleted) its objects.
   *
   * @param notReadySince when MtaReady last turned False (null: it is not False), for the backoff
   */
  public MtaOutcome reconcile(SecureMailDomain domain, KubernetesClient client, SecretReads secrets,
      Context<SecureMailDomain> context, WorkflowReconcileResult workflow, Instant notReadySince, Instant now) {
    Optional<String> failed = writeFailure(workflow);
    if (domain.getSpec().getMta() == null) {
      return failed.map(why -> new MtaOutcome("False", "MtaNotRemoved", "spec.mta was removed, but the MTA's "
          + "objects could not be deleted: " + why, Backoff.next(poll, notReadySince, now)))
          .orElseGet(() -> notManaged(domain));
    }
    if (failed.isPresent()) {
      return new MtaOutcome("False", "MtaNotUpdated", "The MTA's objects could not be written: " + failed.get()
          + "; the running MTA stays as it was", Backoff.next(poll, notReadySince, now));
    }
    String name = MtaManifests.name(domain);
    int wanted = domain.getSpec().getMta().getReplicas();
    Optional<StatefulSet> current = DomainDependent.observed(context, StatefulSet.class, name);
    StatefulSetStatus status = current.map(StatefulSet::getStatus).orElse(null);
    long generation = current.map(s -> s.getMetadata().getGeneration()).orElse(0L);
    int ready = status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
    int updated = status == null || status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
    boolean observed = status != null && status.getObservedGeneration() != null && status.getObservedGeneration() >= generation;
    if (!observed || ready < wanted || updated < wanted) {
      // The StatefulSet's informer brings the next change; the poll only bounds the wait.
      return new MtaOutcome("False", "Starting", ready + " of " + wanted + " replicas of StatefulSet " + name
          + " ready" + (observed ? ", " + updated + " up to date" : " (the StatefulSet controller has not yet seen the change)"),
          Backoff.next(poll, notReadySince, now));
    }
    return served(domain, client, secrets, name, wanted, notReadySince, now);
  }

  /**
   * Whether this is the first look at the MX endpoints since every replica became ready: MtaReady
   * said the replicas were starting (or had no certificate to serve), or nothing yet. A failure
   * then says little (an answer the probes kept from before the MTA was up, a Service still gaining
   * its endpoints), so the next look is one poll away, not a backoff grown over the whole start.
   */
  static boolean firstLookSinceStart(SecureMailDomain domain) {
    String before = domain.getStatus() == null ? null : Conditions.find(domain.getStatus().getConditions(),
        MtaOutcome.CONDITION).map(Condition::getReason).orElse(null);
    return before == null || "Starting".equals(before) || "CertificateNotIssued".equals(before);
  }

  /** Whether the dependent is one of the MTA's, whose write failures this part reports. */
  public static boolean owns(Object dependent) {
    return dependent instanceof MtaConfigMap || dependent instanceof MtaService || dependent instanceof MtaStatefulSet
        || dependent instanceof MtaSubmissionService;
  }

  /** Why the workflow could not write (or delete) one of the MTA's objects, if it could not. */
  private static Optional<String> writeFailure(WorkflowReconcileResult workflow) {
    return workflow.getErroredDependents().entrySet().stream()
        .filter(e -> owns(e.getKey()))
        .map(e -> ReconcileError.said(e.getValue()))
        .findFirst();
  }

  /** All replicas are ready: does every MX endpoint serve the serving Secret's key? */
  private MtaOutcome served(SecureMailDomain domain, KubernetesClient client, SecretReads secrets, String name,
      int replicas, Instant notReadySince, Instant now) {
    Optional<String> expected = servingSpki(secrets, domain);
    if (expected.isEmpty()) {
      return new MtaOutcome("False", "CertificateNotIssued", "Secret " + CertNames.serving(domain)
          + " holds no certificate and key yet; the MTA has nothing to serve", Backoff.next(poll, notReadySince, now));
    }
    ServedKeys.Result seen = probe.probe(dns.apply(domain), CertificateManifests.mxHosts(domain),
        MtaBackends.of(client, domain));
    Instant failingSince = firstLookSinceStart(domain) ? null : notReadySince;
    if (!seen.failures().isEmpty()) {
      return new MtaOutcome("False", "MxUnreachable", replicas + " replicas ready, but not every MX endpoint answered "
          + "STARTTLS: " + seen.summary(), Backoff.next(poll, failingSince, now));
    }
    Set<String> served = seen.servedSpkis();
    if (!served.equals(Set.of(expected.get()))) {
      return new MtaOutcome("False", "StaleCertificate", "MX endpoints serve key(s) " + served + " but Secret "
          + CertNames.serving(domain) + " holds " + expected.get() + ": the MTA has not (yet) reloaded its certificate",
          Backoff.next(poll, failingSince, now));
    }
    return new MtaOutcome("True", "Ready", replicas + " replica(s) of StatefulSet " + name + " ready; every MX "
        + "endpoint and MTA Pod (" + seen.endpoints().size() + ") serves the current key", null);
  }

  /** spec.mta is not set: nothing of ours runs (the workflow removed an MTA of the operator's from before). */
  private static MtaOutcome notManaged(SecureMailDomain domain) {
    if (domain.getSpec().getTransport() != null) {
      return new MtaOutcome("True", SERVED_BY_TRANSPORT, "The domain's mail is received by the MTA of MailTransport "
          + transportOf(domain) + " at its MX hosts " + String.join(", ", CertificateManifests.mxHosts(domain))
          + "; the domain runs no MTA of its own", null);
    }
    return new MtaOutcome("True", "NotManaged", "spec.mta is not set: the MX hosts are served by an MTA this "
        + "operator does not run; it must serve Secret " + CertNames.serving(domain) + " and reload it when it changes", null);
  }

  /**
   * The key of the serving Secret, once it holds that key and a certificate: as the certificates
   * step of the same reconcile read or wrote it, without asking the API server again.
   */
  static Optional<String> servingSpki(SecretReads secrets, SecureMailDomain domain) {
    LineageKeys serving = LineageKeys.of(secrets.get(CertNames.serving(domain)));
    return serving.hasKey() && serving.certificate() != null ? Optional.of(serving.spki()) : Optional.empty();
  }


  /** The MailTransport serving an attached domain, as namespace/name. */
  private static String transportOf(SecureMailDomain domain) {
    var ref = domain.getSpec().getTransport();
    return ref.namespaceOr(domain.getMetadata().getNamespace()) + "/" + ref.getName();
  }
}
