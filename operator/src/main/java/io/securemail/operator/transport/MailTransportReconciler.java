package io.securemail.operator.transport;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.AppliedHash;
import io.securemail.operator.kube.DomainEvents;
import io.securemail.operator.kube.ReconcileError;
import io.securemail.operator.tenancy.TenantDomains;
import io.securemail.operator.validation.SecretLookup;
import io.securemail.operator.validation.SpecProblem;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reconciles a MailTransport (docs/reference/mailtransport.md): validates it; applies its fleet
 * domain, the SecureMailDomain of the same name that carries the fleet's MX side, with one inbound
 * route per attached domain; and reports the fleet's Ready and DANE state and its attached, not
 * ready and refused domains. A transport with domains attached is not deleted ({@link #cleanup}).
 *
 * <p>Generation-aware (the SDK's default): the transport's own status writes and metadata changes
 * are no news; what is news comes from its domains, through {@link TransportDomains}.
 */
@ControllerConfiguration(name = MailTransportReconciler.NAME, generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = TransportUpdates.class),
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
public class MailTransportReconciler implements Reconciler<MailTransport>, Cleaner<MailTransport> {

  /** The controller name, as used in configuration (quarkus.operator-sdk.controllers.mailtransport.*). */
  public static final String NAME = "mailtransport";

  /** The field manager of the fleet domains the transports apply. */
  static final String FIELD_MANAGER = NAME;

  /** A referenced TSIG Secret may be created after the transport; and a blocked deletion looks again. */
  static final Duration RETRY = Duration.ofSeconds(30);

  private final long minMaxAge;
  private final Duration labelsTtl;
  private final Clock clock;
  private TenantDomains tenants = TenantDomains.unrestricted();
  private final TransportDomains events = new TransportDomains();
  private InformerEventSource<SecureMailDomain, MailTransport> domains;
  private volatile NamespaceLabels namespaces;

  @Inject
  public MailTransportReconciler(
      @ConfigProperty(name = "securemail.mtasts.min-max-age", defaultValue = "86400") long minMaxAge,
      @ConfigProperty(name = TenantDomains.PROPERTY) Optional<List<String>> allowedDomains) {
    this(minMaxAge, TenantDomains.parse(allowedDomains.orElse(List.of())), NamespaceLabels.DEFAULT_TTL,
        Clock.systemUTC());
  }

  /**
   * @param tenants which domains each namespace may claim (the chart's tenancy rules)
   * @param labelsTtl how long a namespace's labels, once read, are used
   */
  public MailTransportReconciler(long minMaxAge, TenantDomains tenants, Duration labelsTtl, Clock clock) {
    this.minMaxAge = minMaxAge;
    this.tenants = tenants;
    this.labelsTtl = labelsTtl;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, MailTransport>> prepareEventSources(EventSourceContext<MailTransport> context) {
    domains = events.eventSource(context);
    return List.of(domains);
  }

  @Override
  public UpdateControl<MailTransport> reconcile(MailTransport transport, Context<MailTransport> context) {
    KubernetesClient client = context.getClient();
    var serialization = client.getKubernetesSerialization();
    var status = new TransportStatusChange(transport, serialization, clock.instant());
    String namespace = transport.getMetadata().getNamespace();
    String name = transport.getMetadata().getName();

    List<SpecProblem> problems = TransportValidator.validate(transport, serialization,
        SecretLookup.inNamespace(client, namespace), minMaxAge);
    if (!problems.isEmpty()) {
      if (status.markInvalid(problems)) {
        DomainEvents.warning(client, transport, TransportStatusChange.INVALID_SPEC, status.readyMessage());
      }
      status.write(context);
      boolean waitsForSecret = problems.stream().anyMatch(p -> p.field().startsWith("spec.dns.rfc2136.tsigSecretRef"));
      return waitsForSecret ? UpdateControl.<MailTransport>noUpdate().rescheduleAfter(RETRY) : UpdateControl.noUpdate();
    }

    SecureMailDomain fleet = domains.get(new ResourceID(name, namespace)).orElse(null);
    if (fleet != null && !FleetDomain.ownedBy(fleet, transport)) {
      String message = "SecureMailDomain " + namespace + "/" + name + " exists and is not this transport's fleet "
          + "domain (it has no controller owner reference to this MailTransport). The transport leaves it as it "
          + "is and acts once it is deleted, or the transport is renamed.";
      if (status.markRefused(TransportStatusChange.FLEET_DOMAIN_CONFLICT, message)) {
        DomainEvents.warning(client, transport, TransportStatusChange.FLEET_DOMAIN_CONFLICT, message);
      }
      status.write(context);
      return UpdateControl.noUpdate();
    }

    List<SecureMailDomain> all = everyDomain();
    events.keepOnly(all);
    Attachment attachment = Attachment.of(transport, all, tenants, labels(client)::of);
    SecureMailDomain desired = FleetDomain.desired(transport, serialization, attachment.routes());
    String hash = AppliedHash.stamp(serialization, desired);
    if (!AppliedHash.carries(fleet, hash)) {
      SecureMailDomain applied = client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts()
          .serverSideApply();
      if (fleet == null) {
        fleet = applied;
      }
    }
    status.markServing(fleet, attachment);
    status.write(context);
    return UpdateControl.noUpdate();
  }

  /**
   * An exception no step turned into a condition (an RBAC refusal, the API server refusing the
   * fleet domain): Ready=False says what failed, and the SDK retries with backoff.
   */
  @Override
  public ErrorStatusUpdateControl<MailTransport> updateErrorStatus(MailTransport transport,
      Context<MailTransport> context, Exception e) {
    ReconcileError error = ReconcileError.of(e);
    try {
      var status = new TransportStatusChange(transport, context.getClient().getKubernetesSerialization(),
          clock.instant());
      status.markRefused(error.reason(), error.message());
      status.write(context);
    } catch (RuntimeException writeFailed) {
      // The status cannot be written either (the same outage, most likely): the retry will tell.
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /**
   * Refuses the deletion while domains are attached (their mail would have no MX left): status and
   * a Warning event name them and say what to do; the deletion is looked at again on any change of
   * its domains, and every {@link #RETRY}. Once none is attached the finalizer goes, and the
   * garbage collector deletes the fleet domain, whose own finalizer withdraws its records.
   */
  @Override
  public DeleteControl cleanup(MailTransport transport, Context<MailTransport> context) {
    KubernetesClient client = context.getClient();
    Attachment attachment = Attachment.of(transport, everyDomain(), tenants, labels(client)::of);
    if (attachment.holding().isEmpty()) {
      return DeleteControl.defaultDelete();
    }
    var status = new TransportStatusChange(transport, client.getKubernetesSerialization(), clock.instant());
    if (status.markDeletionBlocked(attachment)) {
      DomainEvents.warning(client, transport, TransportStatusChange.DELETION_BLOCKED, status.readyMessage());
    }
    status.write(context);
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(RETRY);
  }

  /**
   * Every SecureMailDomain of the watched namespaces, each once: with several namespaces the SDK's
   * informers may list a shared store once per namespace.
   */
  private List<SecureMailDomain> everyDomain() {
    Map<String, SecureMailDomain> byUid = new LinkedHashMap<>();
    domains.list(d -> true).forEach(d -> byUid.putIfAbsent(d.getMetadata().getUid(), d));
    return List.copyOf(byUid.values());
  }

  private NamespaceLabels labels(KubernetesClient client) {
    NamespaceLabels current = namespaces;
    if (current == null) {
      current = new NamespaceLabels(client, labelsTtl, clock);
      namespaces = current;
    }
    return current;
  }
}
