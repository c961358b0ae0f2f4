package io.securemail.operator.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Pods a Service sends traffic to: those its selector matches that are ready, have an address
 * and are not being deleted (the Service's endpoints). The MX key probe and the policy fetch-back
 * judge each of them on its own, since a connection to the Service reaches one per connection.
 * The list is shared for a moment ({@link RecentReads}): every domain of a namespace asks for the
 * same policy-server Pods.
 */
public final class ServingPods {

  private ServingPods() {}

  public static List<Pod> of(KubernetesClient client, String namespace, Map<String, String> selector) {
    List<Pod> pods = RecentReads.SHARED.get(new RecentReads.Key("Pod", namespace, new TreeMap<>(selector).toString()),
        () -> client.pods().inNamespace(namespace).withLabels(selector).list().getItems());
    return pods.stream()
        .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null && ready(pod)
            && pod.getStatus().getPodIP() != null)
        .toList();
  }

  /** The Pod's IP (a literal: no lookup). */
  public static InetAddress address(Pod pod) {
    String ip = pod.getStatus().getPodIP();
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a Pod IP that is not an address: " + ip, e);
    }
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
        .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
