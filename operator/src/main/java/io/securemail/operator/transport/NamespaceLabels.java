package io.securemail.operator.transport;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Namespaces' labels, for a transport's {@code spec.attach.namespaceSelector}: read by GET and kept
 * for a while, rather than watched. Only namespaces with a domain referencing a transport that
 * selects by labels are ever read, so the operator needs get on namespaces (in watch-namespace
 * mode, on the watched ones only) and no cluster-wide list or watch; a label change is seen within
 * {@link #ttl} at the transport's next reconcile (any domain change, or its periodic one).
 */
public final class NamespaceLabels {

  private static final Logger LOG = Logger.getLogger(NamespaceLabels.class);

  /** How long labels read are used. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  private record Read(Instant at, Map<String, String> labels) {}

  private final KubernetesClient client;
  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Read> cache = new ConcurrentHashMap<>();

  public NamespaceLabels(KubernetesClient client, Duration ttl, Clock clock) {
    this.client = client;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The namespace's labels; none when it cannot be read (it is gone, or RBAC refuses). */
  public Map<String, String> of(String namespace) {
    Instant now = clock.instant();
    Read read = cache.get(namespace);
    if (read != null && read.at().plus(ttl).isAfter(now)) {
      return read.labels();
    }
    Map<String, String> labels;
    try {
      Namespace found = client.namespaces().withName(namespace).get();
      labels = found == null || found.getMetadata().getLabels() == null ? Map.of()
          : Map.copyOf(found.getMetadata().getLabels());
    } catch (KubernetesClientException e) {
      // A namespace the operator may not read matches no selector: its domains are refused, and say so.
      LOG.warnf("cannot read the labels of namespace %s (%s): it matches no spec.attach.namespaceSelector",
          namespace, e.getMessage());
      labels = Map.of();
    }
    cache.put(namespace, new Read(now, labels));
    return labels;
  }
}
