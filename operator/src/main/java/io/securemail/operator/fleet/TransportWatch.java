package io.securemail.operator.fleet;

import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.SecureMailDomain;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The SecureMailDomain controller's view of the MailTransports: an informer whose events reconcile
 * the domains that reference the transport, found through an index of the domains by the transport
 * they name (so a transport of a thousand domains finds them without a scan). What a domain reads of
 * its transport is its spec (the MX hosts, DANE, who may attach), its Ready condition and its DANE
 * phase: a change of any of them reaches the domains at once; the transport's status counters, which
 * change with every domain attached, do not.
 */
public final class TransportWatch {

  /** The primary cache's index: a domain under the transport it references, as namespace/name. */
  static final String INDEX = "securemail-transport";

  private TransportWatch() {}

  public static InformerEventSource<MailTransport, SecureMailDomain> eventSource(
      EventSourceContext<SecureMailDomain> context) {
    IndexerResourceCache<SecureMailDomain> domains = context.getPrimaryCache();
    domains.addIndexer(INDEX, TransportWatch::indexKeys);
    var config = InformerEventSourceConfiguration.from(MailTransport.class, SecureMailDomain.class)
        .withName("mail-transports")
        .withNamespacesInheritedFromController()
        .withOnUpdateFilter(TransportWatch::readByDomains)
        .withSecondaryToPrimaryMapper(transport -> referencing(domains, transport))
        .build();
    return new InformerEventSource<>(config, context);
  }

  static List<String> indexKeys(SecureMailDomain domain) {
    String id = AttachedTransport.idOf(domain);
    return id == null ? List.of() : List.of(id);
  }

  static Set<ResourceID> referencing(IndexerResourceCache<SecureMailDomain> domains, MailTransport transport) {
    return domains.byIndex(INDEX, transport.getMetadata().getNamespace() + "/" + transport.getMetadata().getName())
        .stream().map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  /** Whether an update changed what an attached domain reads of its transport. */
  static boolean readByDomains(MailTransport now, MailTransport before) {
    if (!Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration())) {
      return true;
    }
    var id = now.getMetadata().getNamespace() + "/" + now.getMetadata().getName();
    var after = new AttachedTransport(id, now, null).status();
    var previous = new AttachedTransport(id, before, null).status();
    return !Objects.equals(after.getReady(), previous.getReady())
        || !Objects.equals(after.getDanePhase(), previous.getDanePhase());
  }
}
