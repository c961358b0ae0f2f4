package io.securemail.operator.fleet;

import io.fabric8.kubernetes.api.model.Condition;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.TransportRef;
import io.securemail.operator.api.TransportStatus;
import io.securemail.operator.kube.Conditions;
import java.util.List;

/**
 * The MailTransport a domain is attached to, as its reconcile found it: what status.transport
 * says of it, and the domain as the parts see it ({@link EffectiveDomain}).
 *
 * @param id the transport as namespace/name
 * @param transport the transport (null: it does not exist)
 * @param refusal why the domain may not attach (null: it may, or the transport does not exist)
 */
public record AttachedTransport(String id, MailTransport transport, String refusal) {

  /** Ready's reason while the referenced MailTransport does not exist. */
  public static final String NOT_FOUND = "TransportNotFound";
  /** Ready's reason while the transport's spec.attach does not allow the domain's namespace. */
  public static final String NOT_ALLOWED = "TransportNotAllowed";

  /** Whether the domain is served by the transport: it exists and allows the namespace. */
  public boolean attached() {
    return transport != null && refusal == null;
  }

  /** Ready's reason while not attached. */
  public String reason() {
    return transport == null ? NOT_FOUND : NOT_ALLOWED;
  }

  /** Ready's message while not attached. */
  public String message() {
    String nothing = ". Nothing is published or probed for this resource until it can attach.";
    return transport == null
        ? "spec.transport: MailTransport " + id + " does not exist (or is in a namespace the operator does not "
            + "watch)" + nothing
        : "spec.transport: " + refusal + nothing;
  }

  /** status.transport: the transport, whether the domain is attached, its Ready and DANE phase. */
  public TransportStatus status() {
    TransportStatus status = new TransportStatus();
    status.setName(id);
    status.setAttached(attached());
    if (transport != null) {
      List<Condition> conditions = transport.getStatus() == null ? List.of() : transport.getStatus().getConditions();
      status.setReady(Conditions.find(conditions == null ? List.of() : conditions, Conditions.READY)
          .map(c -> Conditions.TRUE.equals(c.getStatus())).orElse(false));
      status.setDanePhase(transport.getStatus() == null || transport.getStatus().getDane() == null ? null
          : transport.getStatus().getDane().getPhase());
    }
    return status;
  }

  /** The transport a domain references, as namespace/name (the domain's namespace when the reference names none). */
  public static String idOf(SecureMailDomain domain) {
    TransportRef ref = domain.getSpec() == null ? null : domain.getSpec().getTransport();
    return ref == null || ref.getName() == null ? null
        : ref.namespaceOr(domain.getMetadata().getNamespace()) + "/" + ref.getName();
  }
}
