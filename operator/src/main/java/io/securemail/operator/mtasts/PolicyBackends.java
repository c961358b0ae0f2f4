package io.securemail.operator.mtasts;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import io.securemail.operator.compliance.mtasts.PolicyFetcher;
import io.securemail.operator.kube.ServingPods;
import java.net.InetAddress;
import java.util.List;

/**
 * The policy server's Pods, each fetched on its own. A fetch through mta-sts.&lt;domain&gt; reaches one
 * replica per connection, and a replica whose volume the kubelet has not refreshed yet still
 * serves the previous policy: moving the TXT id then would make senders that reach that replica
 * cache the old policy under the new id (RFC 8461 section 3.3: they refetch only when the id
 * changes). So the id moves only once every ready replica serves the body the public fetch got.
 */
final class PolicyBackends {

  /** One ready replica: its name and address. */
  record Backend(String pod, InetAddress address) {}

  private PolicyBackends() {}

  static List<Backend> of(KubernetesClient client, String namespace, java.util.Map<String, String> selector) {
    return ServingPods.of(client, namespace, selector).stream()
        .map(pod -> new Backend(pod.getMetadata().getName(), ServingPods.address(pod))).toList();
  }

  /**
   * The public fetch, unless a replica serves something else: then a failed fetch naming the
   * replica and what it served, so the id does not move yet.
   */
  static PolicyFetch judge(PolicyFetch publicFetch, String domain, List<Backend> backends, PolicyFetcher fetcher,
      int port) {
    if (!publicFetch.ok()) {
      return publicFetch;
    }
    for (Backend backend : backends) {
      PolicyFetch own = fetcher.fetch(domain, List.of(backend.address()), port);
      if (!own.ok()) {
        return PolicyFetch.failed(publicFetch.url(), "policy server Pod " + backend.pod() + " ("
            + backend.address().getHostAddress() + "): " + own.failure());
      }
      if (!own.body().equals(publicFetch.body())) {
        return PolicyFetch.failed(publicFetch.url(), "policy server Pod " + backend.pod() + " ("
            + backend.address().getHostAddress() + ") still serves other content (its volume is not updated yet)");
      }
    }
    return publicFetch;
  }
}
