package io.securemail.operator.reconciler;

import io.securemail.operator.kube.Conditions;

import io.securemail.operator.kube.ReconcileError;

import io.securemail.operator.kube.DomainEvents;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.certs.CertManagerInstalled;
import io.securemail.operator.certs.CertOutcome;
import io.securemail.operator.certs.CertStep;
import io.securemail.operator.certs.LineageACertificate;
import io.securemail.operator.certs.LineageBCertificate;
import io.securemail.operator.certs.MtaStsCertificate;
import io.securemail.operator.certs.MxCertificates;
import io.securemail.operator.dns.DesiredRecords;
import io.securemail.operator.dns.DnsRecord;
import io.securemail.operator.dns.DnsFailure;
import io.securemail.operator.dns.DnsOutcome;
import io.securemail.operator.dns.DnsPublication;
import io.securemail.operator.dns.ExternalDnsEndpoint;
import io.securemail.operator.dns.ExternalDnsInstalled;
import io.securemail.operator.dns.ManualProviderSelected;
import io.securemail.operator.dns.ZoneSnippetConfigMap;
import io.securemail.operator.monitor.ComplianceMonitor;
import io.securemail.operator.monitor.ComplianceOutcome;
import io.securemail.operator.kube.PartStatus;
import io.securemail.operator.kube.Planned;
import io.securemail.operator.mta.MtaConfigMap;
import io.securemail.operator.mta.MtaDeployment;
import io.securemail.operator.mta.MtaService;
import io.securemail.operator.mta.MtaSubmissionService;
import io.securemail.operator.mta.MtaStatefulSet;
import io.securemail.operator.mta.MtaOutcome;
import io.securemail.operator.mtasts.MtaStsHosting;
import io.securemail.operator.mtasts.MtaStsOutcome;
import io.securemail.operator.mtasts.PolicyIngress;
import io.securemail.operator.validation.SecretLookup;
import io.securemail.operator.validation.SpecProblem;
import io.securemail.operator.validation.SpecValidator;
import io.securemail.operator.observe.ShutdownSignal;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Orchestrates one SecureMailDomain: validate; let each part decide and plan its Kubernetes
 * objects; run the workflow that applies them (explicitly, so an invalid spec touches nothing
 * already published); let each part judge what the world now says; derive status, written only
 * when it differs.
 *
 * <p>Every per-domain object is a dependent below: applied by server-side apply with the SDK's
 * matcher (no write while the operator's fields match), watched by an informer (a hand edit is
 * repaired on the event), deleted when its part no longer plans it ({@link Planned}). Kinds of
 * optional projects are activated only while their CRD is installed. Three things stay outside,
 * on purpose: the lineage Secrets (keys are never overwritten, and watching Secrets would need
 * list and watch on every Secret of the namespace), the namespace's shared policy server (one
 * object for many domains, not a dependent of one), and RFC 2136 publication (not a Kubernetes
 * object; its ledger lives in status).
 */
@Workflow(explicitInvocation = true, handleExceptionsInReconciler = true, dependents = {
    @Dependent(type = ZoneSnippetConfigMap.class, reconcilePrecondition = ManualProviderSelected.class),
    @Dependent(type = ExternalDnsEndpoint.class, activationCondition = ExternalDnsInstalled.class,
        reconcilePrecondition = Planned.class),
    @Dependent(type = LineageACertificate.class, activationCondition = CertManagerInstalled.class,
        reconcilePrecondition = Planned.class),
    @Dependent(type = LineageBCertificate.class, activationCondition = CertManagerInstalled.class,
        reconcilePrecondition = Planned.class),
    @Dependent(type = MtaStsCertificate.class, activationCondition = CertManagerInstalled.class,
        reconcilePrecondition = Planned.class),
    @Dependent(type = PolicyIngress.class, reconcilePrecondition = Planned.class),
    @Dependent(type = MtaConfigMap.class, reconcilePrecondition = Planned.class),
    @Dependent(type = MtaService.class, reconcilePrecondition = Planned.class),
    @Dependent(type = MtaSubmissionService.class, reconcilePrecondition = Planned.class),
    @Dependent(type = MtaStatefulSet.class, reconcilePrecondition = Planned.class)
})
// Not generation-aware: an annotation (a rollover request) changes no generation but must be seen at
// once. The operator's own status writes then cause one more reconcile, which finds nothing to write.
@ControllerConfiguration(name = SecureMailDomainReconciler.NAME, generationAwareEventProcessing = false,
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
public class SecureMailDomainReconciler implements Reconciler<SecureMailDomain>, Cleaner<SecureMailDomain> {

  /** The controller name, as used in configuration (quarkus.operator-sdk.controllers.securemaildomain.*). */
  public static final String NAME = "securemaildomain";

  /** A referenced Secret may be created after the domain; look again this often. */
  static final Duration MISSING_REFERENCE_RETRY = Duration.ofSeconds(30);

  /** How often a deletion blocked by an unreachable DNS server tries again. */
  static final Duration WITHDRAW_RETRY = Duration.ofSeconds(30);

  private final MxCertificates certificates;
  private final DnsPublication dns;
  private final MtaStsHosting mtaSts;
  private final MtaDeployment mta;
  private final ConditionMetrics metrics;
  private final ComplianceMonitor monitor;
  private final Duration resync;
  private final long minMaxAge;
  private final Clock clock;
  private BooleanSupplier stopping = () -> false;

  @Inject
  public SecureMailDomainReconciler(MxCertificates certificates, DnsPublication dns, MtaStsHosting mtaSts,
      MtaDeployment mta, ComplianceMonitor monitor, ConditionMetrics metrics,
      @ConfigProperty(name = "quarkus.operator-sdk.controllers." + NAME + ".max-reconciliation-interval",
          defaultValue = "PT10M") Duration resync,
      @ConfigProperty(name = "securemail.mtasts.min-max-age", defaultValue = "86400") long minMaxAge) {
    this(certificates, dns, mtaSts, mta, monitor, metrics, resync, minMaxAge, Clock.systemUTC());
  }

  SecureMailDomainReconciler(MxCertificates certificates, DnsPublication dns, MtaStsHosting mtaSts,
      MtaDeployment mta, ComplianceMonitor monitor, ConditionMetrics metrics, Duration resync, long minMaxAge,
      Clock clock) {
    this.mta = mta;
    this.metrics = metrics;
    this.minMaxAge = minMaxAge;
    this.certificates = certificates;
    this.dns = dns;
    this.mtaSts = mtaSts;
    this.monitor = monitor;
    this.resync = resync;
    this.clock = clock;
  }

  /** Tells the reconciler when the process is stopping ({@link #reconcile} then keeps quiet in status). */
  @Inject
  void stopWith(ShutdownSignal signal) {
    this.stopping = signal::stopping;
  }

  @Override
  public UpdateControl<SecureMailDomain> reconcile(SecureMailDomain domain, Context<SecureMailDomain> context) {
    KubernetesClient client = context.getClient();
    var status = new DomainStatus(domain, client.getKubernetesSerialization(), clock.instant());
    List<SpecProblem> problems = SpecValidator.validate(domain.getSpec(),
        secretsIn(client, domain.getMetadata().getNamespace()), minMaxAge);

    if (!problems.isEmpty()) {
      if (status.markInvalid(problems)) {
        DomainEvents.warning(client, domain, DomainStatus.INVALID_SPEC, status.readyMessage());
      }
      UpdateControl<SecureMailDomain> control = status.write(context);
      metrics.record(domain, status.next());
      monitor.notChecked(domain);
      boolean waitsForSecret = problems.stream().anyMatch(p -> p.field().startsWith("spec.dns.rfc2136.tsigSecretRef"));
      return waitsForSecret ? control.rescheduleAfter(MISSING_REFERENCE_RETRY) : control;
    }

    CertStep rollover = certificates.reconcile(domain, client, context);
    MtaStsOutcome sts = mtaSts.reconcile(domain, client, context, clock.instant());
    List<DnsRecord> desired = DesiredRecords.of(domain.getSpec(), rollover.tlsaSpkis(), sts.records());
    DesiredRecords.putIn(context, desired);
    DnsPublication.plan(domain, context, desired);
    mta.plan(domain, context);
    WorkflowReconcileResult workflow = context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    throwUnclaimedFailures(workflow);

    Instant now = clock.instant();
    CertOutcome certs = certificates.judge(rollover, domain, client, context, workflow);
    DnsOutcome published = dns.reconcile(domain, client, desired, workflow);
    MtaStsOutcome.Observed announced = sts.observe(published.records(), domain, now);
    MtaOutcome mtaOutcome = mta.reconcile(domain, client, context, workflow,
        Conditions.since(domain, MtaOutcome.CONDITION, Conditions.FALSE), now);
    List<PartStatus> parts = List.of(certs.part(), published.part().backedOff(domain, now), announced.part(),
        mtaOutcome.part());
    status.markAccepted(certs.dane(), published.records(), published.ledger(), announced.status(), parts);
    ComplianceOutcome compliance = monitor.reconcile(domain);
    status.markCompliance(compliance);
    compliance.transitions().forEach(t -> ComplianceEvents.record(client, domain, t));
    UpdateControl<SecureMailDomain> control = status.write(context, stopping.getAsBoolean());
    metrics.record(domain, status.next());
    // A reschedule replaces the periodic resync, so none may be later than the resync would be.
    Duration retry = resync;
    for (Duration wanted : parts.stream().map(PartStatus::retryAfter).toList()) {
      retry = earliest(retry, wanted);
    }
    retry = earliest(retry, compliance.nextCheckIn());
    return retry == null ? control : control.rescheduleAfter(retry);
  }

  /**
   * An exception no step turned into a condition of its own (an RBAC refusal, an API server
   * error): Ready=False says what failed, and the SDK retries with backoff.
   */
  @Override
  public ErrorStatusUpdateControl<SecureMailDomain> updateErrorStatus(SecureMailDomain domain,
      Context<SecureMailDomain> context, Exception e) {
    ReconcileError error = ReconcileError.of(e);
    if (stopping.getAsBoolean()) {
      // The shutdown's failure (a closed client, an interrupted call), not the domain's.
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    try {
      var status = new DomainStatus(domain, context.getClient().getKubernetesSerialization(), clock.instant());
      status.markFailed(error.reason(), error.message());
      status.write(context);
      metrics.record(domain, status.next());
    } catch (RuntimeException writeFailed) {
      // The status cannot be written either (the same outage, most likely): the retry will tell.
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /**
   * A dependent the workflow could not write, other than the MTA's (whose part says so in
   * MtaReady), fails the reconcile: Ready=False says what the API server refused, and the SDK
   * retries with backoff.
   */
  private static void throwUnclaimedFailures(WorkflowReconcileResult workflow) {
    for (var failure : workflow.getErroredDependents().entrySet()) {
      if (!MtaDeployment.owns(failure.getKey())) {
        Exception e = failure.getValue();
        throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
      }
    }
  }

  private static Duration earliest(Duration a, Duration b) {
    return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Withdraws the records this domain published before the finalizer lets it go; an unreachable or
   * refusing DNS server keeps the resource (and says why) rather than leaking records silently.
   */
  @Override
  public DeleteControl cleanup(SecureMailDomain domain, Context<SecureMailDomain> context) {
    monitor.forget(domain);
    metrics.remove(domain);
    mtaSts.forget(domain, context.getClient(), lastInNamespace(domain, context));
    if (DnsPublication.abandons(domain)) {
      return DeleteControl.defaultDelete();
    }
    try {
      dns.withdraw(domain, context.getClient());
      return DeleteControl.defaultDelete();
    } catch (DnsFailure e) {
      var status = new DomainStatus(domain, context.getClient().getKubernetesSerialization(), clock.instant());
      if (status.markWithdrawalBlocked(e.reason().name(), e.getMessage())) {
        status.write(context);
      }
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(WITHDRAW_RETRY);
    }
  }

  /** Whether no other domain of the namespace remains, other than ones being deleted too. */
  private static boolean lastInNamespace(SecureMailDomain domain, Context<SecureMailDomain> context) {
    String uid = domain.getMetadata().getUid();
    return context.getPrimaryCache().list(domain.getMetadata().getNamespace())
        .noneMatch(other -> !uid.equals(other.getMetadata().getUid())
            && other.getMetadata().getDeletionTimestamp() == null);
  }

  private static SecretLookup secretsIn(KubernetesClient client, String namespace) {
    return name -> {
      Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
      if (secret == null) {
        return Optional.empty();
      }
      Set<String> keys = new HashSet<>();
      Optional.ofNullable(secret.getData()).ifPresent(d -> keys.addAll(d.keySet()));
      Optional.ofNullable(secret.getStringData()).ifPresent(d -> keys.addAll(d.keySet()));
      return Optional.of(keys);
    };
  }
}
