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
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.certs.CaaIssuance;
import io.securemail.operator.certs.CertManagerInstalled;
import io.securemail.operator.certs.CertOutcome;
import io.securemail.operator.certs.CertStep;
import io.securemail.operator.certs.LineageACertificate;
import io.securemail.operator.certs.LineageBCertificate;
import io.securemail.operator.certs.LineageSecrets;
import io.securemail.operator.certs.MtaStsCertificate;
import io.securemail.operator.certs.MxCertificates;
import io.securemail.operator.certs.SecretReads;
import io.securemail.operator.dns.DesiredRecords;
import io.securemail.operator.dns.DnsRecord;
import io.securemail.operator.dns.DnsFailure;
import io.securemail.operator.dns.DnsOutcome;
import io.securemail.operator.dns.DnsPublication;
import io.securemail.operator.dns.ExternalDnsEndpoint;
import io.securemail.operator.dns.ExternalDnsInstalled;
import io.securemail.operator.dns.ManualProviderSelected;
import io.securemail.operator.dns.ZoneSnippetConfigMap;
import io.securemail.operator.evidence.EvidenceJournal;
import io.securemail.operator.fleet.AttachedTransport;
import io.securemail.operator.fleet.EffectiveDomain;
import io.securemail.operator.fleet.TransportResolver;
import io.securemail.operator.fleet.TransportWatch;
import io.securemail.operator.monitor.ComplianceMonitor;
import io.securemail.operator.monitor.ComplianceOutcome;
import io.securemail.operator.monitor.FirstCheck;
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
import io.securemail.operator.tenancy.DomainClaims;
import io.securemail.operator.tenancy.IngressAnnotations;
import io.securemail.operator.tenancy.NetworkTargets;
import io.securemail.operator.tenancy.TenantDomains;
import io.securemail.operator.tlsrpt.ReportReceiver;
import io.securemail.operator.tlsrpt.ReportedDomains;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.stream.Stream;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.Optional;
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
 *
 * <p>A domain attached to a MailTransport ({@code spec.transport}) is acted on as its
 * {@link EffectiveDomain}: the fleet's MX hosts, no MTA, and the parts leave the MX hosts' keys,
 * TLSA records and MTA to the transport's own domain. A transport that does not exist, or does not
 * allow the namespace, is a refusal like a claimed domain: nothing is published or probed.
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
// once, and so must a status someone else rewrote (a restored backup). The operator's own status
// writes are no news to it (OwnStatusWrites).
@ControllerConfiguration(name = SecureMailDomainReconciler.NAME, generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = OwnStatusWrites.class),
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
  private TenantDomains tenants = TenantDomains.unrestricted();
  private IngressAnnotations ingressAnnotations = IngressAnnotations.any();
  /** Null: every target allowed, unchecked (a test's stand-in network). */
  private NetworkTargets targets;
  private InformerEventSource<SecureMailDomain, SecureMailDomain> claims;
  /** The MailTransports domains attach to, as the informer has them (none before the event sources exist). */
  private TransportResolver transports = new TransportResolver(id -> Optional.empty());
  private ReportedDomains reported = new ReportedDomains();
  /** Null: no TLS reports (a test's reconciler); status.tlsReports stays as it is. */
  private ReportReceiver reports;
  /** Null: no history kept (a test's reconciler). */
  private EvidenceJournal journal;
  /** Whether the journal was rid of the histories of resources deleted without their cleanup. */
  private final java.util.concurrent.atomic.AtomicBoolean journalSwept = new java.util.concurrent.atomic.AtomicBoolean();
  /**
   * News about a domain from outside the API server that should reconcile it at once: a TLS report
   * kept for it (its status shows the report), a compliance check that ended after its reconcile
   * stopped waiting (the verdict is collected).
   */
  private final SimpleInboundEventSource<SecureMailDomain> wakeUps = new SimpleInboundEventSource<>("wake-ups");

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

  /** Where the TLS report receiver learns which domains it receives reports for (docs/tls-reports.md). */
  @Inject
  void reportsFor(ReportedDomains reported, ReportReceiver reports) {
    this.reported = reported;
    this.reports = reports;
    reports.onAccepted(domain -> wakeUps.propagateEvent(ResourceID.fromResource(domain)));
  }

  /**
   * Where each reconcile records the changes it observed (docs/operations.md#the-evidence-journal),
   * which also labels the TLS reports' failures.
   */
  @Inject
  void evidenceIn(EvidenceJournal journal, ReportReceiver reports) {
    this.journal = journal;
    reports.labelWith(journal);
  }

  /** The multi-tenancy rules the chart sets (docs/security.md#multi-tenancy). */
  @Inject
  void tenancy(@ConfigProperty(name = TenantDomains.PROPERTY) Optional<List<String>> allowedDomains,
      @ConfigProperty(name = IngressAnnotations.PROPERTY, defaultValue = "*") List<String> annotations,
      NetworkTargets networkTargets) {
    withTenancy(TenantDomains.parse(allowedDomains.orElse(List.of())), new IngressAnnotations(annotations),
        networkTargets);
  }

  /**
   * Which domains each namespace may claim, which Ingress annotations pass, which servers the
   * operator connects to (null: all, unchecked).
   */
  public SecureMailDomainReconciler withTenancy(TenantDomains tenants, IngressAnnotations ingressAnnotations,
      NetworkTargets targets) {
    this.tenants = tenants;
    this.ingressAnnotations = ingressAnnotations;
    this.targets = targets;
    return this;
  }

  /**
   * Other domains' deletions and renames, for a resource waiting for a domain another one holds;
   * the MailTransports, whose changes reconcile the domains attached to them ({@link TransportWatch});
   * and the wake-ups of TLS reports, finished compliance checks and failed batched writes of a
   * domain's policy server entries.
   */
  @Override
  public List<EventSource<?, SecureMailDomain>> prepareEventSources(EventSourceContext<SecureMailDomain> context) {
    claims = DomainClaims.eventSource(context);
    InformerEventSource<MailTransport, SecureMailDomain> transportInformer = TransportWatch.eventSource(context);
    transports = new TransportResolver(transportInformer::get);
    monitor.whenVerdictReady(wakeUps::propagateEvent);
    mtaSts.whenSiteWriteFailed((namespace, name) -> wakeUps.propagateEvent(new ResourceID(name, namespace)));
    return List.of(claims, transportInformer, wakeUps);
  }

  @Override
  public UpdateControl<SecureMailDomain> reconcile(SecureMailDomain domain, Context<SecureMailDomain> context) {
    KubernetesClient client = context.getClient();
    var status = new DomainStatus(domain, client.getKubernetesSerialization(), clock.instant());
    Optional<NetworkTargets.Refusal> unclaimed = claimRefusal(domain, context);
    if (unclaimed.isPresent()) {
      return refuse(domain, context, status, unclaimed.get().reason(), unclaimed.get().message());
    }
    List<SpecProblem> problems = new ArrayList<>(SpecValidator.validate(domain.getSpec(),
        SecretLookup.inNamespace(client, domain.getMetadata().getNamespace()), minMaxAge));
    problems.addAll(ingressAnnotations.problems(domain.getSpec()));

    if (!problems.isEmpty()) {
      return invalid(domain, context, status, problems);
    }

    Optional<AttachedTransport> attachment = transports.resolve(domain, client);
    status.markTransport(attachment.map(AttachedTransport::status).orElse(null));
    if (attachment.isPresent() && !attachment.get().attached()) {
      return refuse(domain, context, status, attachment.get().reason(), attachment.get().message());
    }
    Optional<NetworkTargets.Refusal> refused = targets == null ? Optional.empty() : targets.refusal(domain.getSpec());
    if (refused.isPresent()) {
      return refuse(domain, context, status, refused.get().reason(), refused.get().message()
          + ". Nothing is published or probed for this resource until it changes.");
    }
    reported.saw(domain);
    // What the parts act on: an attached domain seen with the fleet's MX hosts and no MTA of its own.
    SecureMailDomain acting = attachment.map(a -> EffectiveDomain.of(domain, a.transport(),
        client.getKubernetesSerialization())).orElse(domain);
    if (attachment.isPresent()) {
      // The fleet's MX hosts change without this domain's spec changing: checked here, once known.
      List<SpecProblem> outside = SpecValidator.mxOutsidePatterns(acting.getSpec(),
          "MailTransport " + attachment.get().id() + "'s MX host ");
      if (!outside.isEmpty()) {
        return invalid(domain, context, status, outside);
      }
    }

    // The key Secrets, read once for the certificates step and the MTA's check of the key it serves.
    SecretReads keySecrets = LineageSecrets.readsFor(client, acting);
    CertStep rollover = certificates.reconcile(acting, client, keySecrets, context);
    MtaStsOutcome sts = mtaSts.reconcile(acting, client, context, clock.instant());
    CaaIssuance caa = CaaIssuance.of(acting, client);
    List<DnsRecord> desired = DesiredRecords.of(acting.getSpec(), rollover.tlsaSpkis(), sts.records(), caa.published());
    DesiredRecords.putIn(context, desired);
    DnsPublication.plan(acting, context, desired);
    mta.plan(acting, context);
    WorkflowReconcileResult workflow = context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    throwUnclaimedFailures(workflow);

    Instant now = clock.instant();
    CertOutcome certs = certificates.judge(rollover, acting, client, keySecrets, context, workflow);
    DnsOutcome published = dns.reconcile(acting, client, desired, workflow, (ledger, to) ->
        new DomainStatus(domain, client.getKubernetesSerialization(), now).keepLedger(certs.dane(), ledger, to)
            .write(context));
    MtaStsOutcome.Observed announced = sts.observe(published.records(), acting, now);
    MtaOutcome mtaOutcome = servedBy(attachment, mta.reconcile(acting, client, keySecrets, context, workflow,
        Conditions.since(domain, MtaOutcome.CONDITION, Conditions.FALSE), now));
    List<PartStatus> parts = List.of(certs.part(domain, now), published.part().backedOff(domain, now), announced.part(),
        mtaOutcome.part());
    status.markAccepted(certs.dane(), published.records(), published.ledger(), announced.status(), parts);
    status.markPublishedTo(published.publishedTo());
    ComplianceOutcome compliance = FirstCheck.waiting(domain, published.onItsWay(),
            attachment.map(AttachedTransport::status).orElse(null))
        .orElseGet(() -> monitor.reconcile(acting, caa.expected()));
    status.markCompliance(compliance);
    compliance.transitions().forEach(t -> ComplianceEvents.record(client, domain, t));
    if (journal != null && !stopping.getAsBoolean()) {
      if (journalSwept.compareAndSet(false, true)) {
        // The first reconcile runs once the informer has listed every resource.
        journal.sweep((namespace, name) -> context.getPrimaryCache().get(new ResourceID(name, namespace)).isPresent());
      }
      // Before the report summary, so a report's labels see this reconcile's changes.
      journal.record(acting, status.next(), compliance.ran());
    }
    if (reports != null) {
      status.markTlsReports(reports.status(domain));
    }
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
   * Ready=False/InvalidSpec naming every problem, with a Warning event when it is news; nothing is
   * published or changed. A missing TSIG Secret is looked for again: Secrets are not watched.
   */
  private UpdateControl<SecureMailDomain> invalid(SecureMailDomain domain, Context<SecureMailDomain> context,
      DomainStatus status, List<SpecProblem> problems) {
    if (status.markInvalid(problems)) {
      DomainEvents.warning(context.getClient(), domain, DomainStatus.INVALID_SPEC, status.readyMessage());
    }
    UpdateControl<SecureMailDomain> control = status.write(context);
    metrics.record(domain, status.next());
    monitor.notChecked(domain);
    boolean waitsForSecret = problems.stream().anyMatch(p -> p.field().startsWith("spec.dns.rfc2136.tsigSecretRef"));
    return waitsForSecret ? control.rescheduleAfter(MISSING_REFERENCE_RETRY) : control;
  }

  /**
   * Ready=False with {@code reason}, a Warning event when that is news, and nothing else: no
   * object, record, policy or probe for this resource.
   */
  private UpdateControl<SecureMailDomain> refuse(SecureMailDomain domain, Context<SecureMailDomain> context,
      DomainStatus status, String reason, String message) {
    reported.forget(domain);
    if (status.markRefused(reason, message)) {
      DomainEvents.warning(context.getClient(), domain, reason, message);
    }
    UpdateControl<SecureMailDomain> control = status.write(context);
    metrics.record(domain, status.next());
    monitor.notChecked(domain);
    return control;
  }

  /**
   * The SecureMailDomains that name the same domain: the claims informer's view, which hears of a
   * deletion first, by its index.
   */
  private Stream<SecureMailDomain> naming(SecureMailDomain domain, Context<SecureMailDomain> context) {
    return claims != null ? DomainClaims.naming(claims, domain) : context.getPrimaryCache().list();
  }

  /**
   * Why the resource does not act for its domain: its namespace may not claim it, or an older
   * resource holds it. Empty when it holds the domain.
   */
  private Optional<NetworkTargets.Refusal> claimRefusal(SecureMailDomain domain, Context<SecureMailDomain> context) {
    Optional<String> notAllowed = tenants.refusal(domain.getMetadata().getNamespace(), domain.getSpec().getDomain());
    if (notAllowed.isPresent()) {
      return Optional.of(new NetworkTargets.Refusal(DomainClaims.NOT_ALLOWED, "spec.domain: " + notAllowed.get()
          + ". Nothing is published for this resource."));
    }
    return DomainClaims.heldByOther(domain, naming(domain, context), tenants).map(holder -> new NetworkTargets.Refusal(
        DomainClaims.CLAIMED, "spec.domain " + domain.getSpec().getDomain() + " is claimed by SecureMailDomain "
            + DomainClaims.nameOf(holder) + " (created " + holder.getMetadata().getCreationTimestamp() + "), the "
            + "oldest resource naming it. This one publishes nothing until that one is deleted or names another "
            + "domain."));
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

  /**
   * An attached domain's mail is received by the fleet's MTA: while the transport is not Ready
   * (its MX certificates, TLSA records or MTA), neither is the domain, so a GitOps tool waiting on
   * the domain's Ready waits for the fleet too. The transport's Ready changing reconciles the
   * domain ({@code TransportWatch}), so no poll is needed.
   */
  static MtaOutcome servedBy(Optional<AttachedTransport> attachment, MtaOutcome own) {
    if (attachment.isEmpty() || !own.ready()) {
      return own;
    }
    var transport = attachment.get().status();
    if (Boolean.TRUE.equals(transport.getReady())) {
      return own;
    }
    return new MtaOutcome(Conditions.FALSE, TRANSPORT_NOT_READY, "MailTransport " + transport.getName()
        + " is not Ready, and its MTA receives this domain's mail: see its status", null);
  }

  /** MtaReady's reason while the domain's transport is not Ready. */
  public static final String TRANSPORT_NOT_READY = "TransportNotReady";

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
    OwnStatusWrites.forget(domain);
    reported.forget(domain);
    if (journal != null) {
      journal.delete(domain.getMetadata().getNamespace(), domain.getMetadata().getName());
    }
    boolean holds = claimRefusal(domain, context).isEmpty();
    boolean last = lastInNamespace(domain, context);
    String dropped = holds ? MtaStsHosting.droppedPolicy(domain) : null;
    // Once per deletion: a deletion that waits for DNS comes back here until the records are gone.
    if (dropped != null && !DomainStatus.withdrawalBlocked(domain)) {
      DomainEvents.warning(context.getClient(), domain, "MtaStsPolicyDropped", dropped);
    }
    // The policy server's site for the domain is the holder's when it shares the namespace.
    if (holds || last) {
      mtaSts.forget(domain, context.getClient(), last);
    }
    if (!holds || DnsPublication.abandons(domain)) {
      // A resource that does not hold its domain published nothing the holder does not now own.
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
}
