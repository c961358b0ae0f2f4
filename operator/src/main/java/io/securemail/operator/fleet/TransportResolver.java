package io.securemail.operator.fleet;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.transport.AttachPolicy;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds the MailTransport a domain references (from the informer's cache, {@link TransportWatch})
 * and decides, by the transport owner's rule ({@link AttachPolicy}), whether the domain's namespace
 * may attach. The Namespace is read only when its labels can decide: the transport lists the
 * namespace by name, or is in it, without them.
 */
public final class TransportResolver {

  private final Function<ResourceID, Optional<MailTransport>> transports;

  public TransportResolver(Function<ResourceID, Optional<MailTransport>> transports) {
    this.transports = transports;
  }

  /** Empty for a domain with its own MX hosts (no spec.transport). */
  public Optional<AttachedTransport> resolve(SecureMailDomain domain, KubernetesClient client) {
    String id = AttachedTransport.idOf(domain);
    if (id == null) {
      return Optional.empty();
    }
    int slash = id.indexOf('/');
    Optional<MailTransport> found = transports.apply(new ResourceID(id.substring(slash + 1), id.substring(0, slash)));
    if (found.isEmpty()) {
      return Optional.of(new AttachedTransport(id, null, null));
    }
    MailTransport transport = found.get();
    String namespace = domain.getMetadata().getNamespace();
    Optional<String> refusal = AttachPolicy.refusal(transport, namespace, Map.of());
    boolean labelsDecide = refusal.isPresent() && transport.getSpec() != null && transport.getSpec().getAttach() != null
        && transport.getSpec().getAttach().getNamespaceSelector() != null;
    if (labelsDecide) {
      Namespace ns = client.namespaces().withName(namespace).get();
      Map<String, String> labels = ns == null || ns.getMetadata().getLabels() == null ? Map.of()
          : ns.getMetadata().getLabels();
      refusal = AttachPolicy.refusal(transport, namespace, labels);
    }
    return Optional.of(new AttachedTransport(id, transport, refusal.orElse(null)));
  }
}
