package io.securemail.operator.transport;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.securemail.operator.api.MailTransport;
import java.util.Objects;

/**
 * Which updates of a transport are news to its controller: a spec change (a new generation), a
 * changed annotation (a DANE rollover is requested on the transport and carried to its fleet
 * domain, {@link FleetDomain#carried}), a finalizer added or a deletion begun. Not its own status
 * writes, which would only reconcile it to find the status it just wrote. Event processing is
 * therefore not generation-aware: an annotation changes no generation.
 */
public final class TransportUpdates implements OnUpdateFilter<MailTransport> {

  @Override
  public boolean accept(MailTransport now, MailTransport before) {
    ObjectMeta n = now.getMetadata();
    ObjectMeta b = before.getMetadata();
    return !Objects.equals(n.getGeneration(), b.getGeneration())
        || !Objects.equals(n.getAnnotations(), b.getAnnotations())
        || !Objects.equals(n.getFinalizers(), b.getFinalizers())
        || !Objects.equals(n.getDeletionTimestamp(), b.getDeletionTimestamp());
  }
}
