package io.securemail.operator.transport;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.TransportRef;
import io.securemail.operator.kube.Conditions;
import io.securemail.operator.kube.InformerStores;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transports' view of SecureMailDomains: an informer on every domain of the watched
 * namespaces, whose events reconcile the transport a domain references (and the one it referenced
 * before an edit moved or removed its spec.transport, which must drop its route) and, for a fleet
 * domain, its transport. Only what a transport decides on counts as a change: a domain's reference,
 * mail domain, deletion and Ready status and reason; for a fleet domain also Ready's message and
 * status.dane. The bulk of status writes reconcile no transport.
 *
 * <p>The informer keeps each domain slimmed to what a transport reads ({@link TransportDomainStore})
 * when it is one informer; with several watched namespaces, whole objects ({@link InformerStores}).
 * A domain that is neither referencing nor a fleet domain still reconciles a transport of its name
 * when it is deleted.
 */
final class TransportDomains {

  /** Per domain uid, the transport it referenced when last seen. */
  private final Map<String, ResourceID> referenced = new ConcurrentHashMap<>();

  InformerEventSource<SecureMailDomain, MailTransport> eventSource(EventSourceContext<MailTransport> context) {
    var config = InformerEventSourceConfiguration.from(SecureMailDomain.class, MailTransport.class)
        .withName("transport-domains")
        .withNamespacesInheritedFromController()
        .withOnAddFilter(TransportDomains::concernsATransport)
        .withOnUpdateFilter((now, before) -> !relevant(now).equals(relevant(before)))
        .withSecondaryToPrimaryMapper(domain -> {
          Set<ResourceID> transports = transportsOf(domain);
          // A SecureMailDomain in the way of a transport's fleet domain (FleetDomainConflict): its
          // deletion lets the transport create its own at once.
          ResourceID sameName = ResourceID.fromResource(domain);
          if (context.getPrimaryCache().get(sameName).isPresent()) {
            transports.add(sameName);
          }
          return transports;
        });
    if (InformerStores.oneInformer(context)) {
      config.withItemStore(new TransportDomainStore());
    }
    return new InformerEventSource<>(config.build(), context);
  }

  /** The transports to reconcile when {@code domain} was added, changed or deleted. */
  Set<ResourceID> transportsOf(SecureMailDomain domain) {
    Set<ResourceID> transports = new HashSet<>();
    Optional<ResourceID> now = reference(domain);
    String uid = domain.getMetadata().getUid();
    ResourceID before = null;
    if (uid != null) {
      before = now.isPresent() ? referenced.put(uid, now.get()) : referenced.remove(uid);
    }
    now.ifPresent(transports::add);
    if (before != null) {
      transports.add(before);
    }
    if (FleetDomain.isFleet(domain)) {
      transports.add(new ResourceID(domain.getMetadata().getLabels().get(FleetDomain.TRANSPORT_LABEL),
          domain.getMetadata().getNamespace()));
    }
    return transports;
  }

  /** Forgets the domains no longer seen (deleted), of which the last event left an entry. */
  void keepOnly(java.util.Collection<SecureMailDomain> seen) {
    Set<String> uids = new HashSet<>();
    seen.forEach(d -> uids.add(d.getMetadata().getUid()));
    referenced.keySet().retainAll(uids);
  }

  static Optional<ResourceID> reference(SecureMailDomain domain) {
    TransportRef ref = domain.getSpec() == null ? null : domain.getSpec().getTransport();
    if (ref == null || ref.getName() == null) {
      return Optional.empty();
    }
    return Optional.of(new ResourceID(ref.getName(), ref.namespaceOr(domain.getMetadata().getNamespace())));
  }

  static boolean concernsATransport(SecureMailDomain domain) {
    return reference(domain).isPresent() || FleetDomain.isFleet(domain);
  }

  /** What a transport decides on, as one comparable text. */
  static String relevant(SecureMailDomain domain) {
    var meta = domain.getMetadata();
    Optional<Condition> ready = domain.getStatus() == null ? Optional.empty()
        : Conditions.find(domain.getStatus().getConditions(), Conditions.READY);
    boolean references = reference(domain).isPresent();
    StringBuilder key = new StringBuilder()
        .append(domain.getSpec() == null ? "" : Serialization.asJson(domain.getSpec().getTransport())).append('|')
        .append(domain.getSpec() == null ? "" : domain.getSpec().getDomain()).append('|')
        .append(FleetDomain.isFleet(domain) ? meta.getLabels().get(FleetDomain.TRANSPORT_LABEL) : "").append('|')
        .append(meta.getDeletionTimestamp()).append('|')
        .append(references ? ready.map(Condition::getStatus).orElse("") : "").append('|')
        .append(references ? ready.map(Condition::getReason).orElse("") : "");
    if (FleetDomain.isFleet(domain)) {
      key.append('|').append(ready.map(Condition::getMessage).orElse("")).append('|')
          .append(Serialization.asJson(domain.getStatus() == null ? null : domain.getStatus().getDane()))
          .append('|').append(meta.getAnnotations() == null ? "" : meta.getAnnotations().toString())
          .append('|').append(meta.getOwnerReferences() == null ? "" : meta.getOwnerReferences().toString());
    }
    return key.toString();
  }
}
