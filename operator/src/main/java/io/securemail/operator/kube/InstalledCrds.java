package io.securemail.operator.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether an optional CRD (external-dns, cert-manager) is installed. Looked up at most every 30
 * seconds per CRD: the answer changes only when someone installs the other project, and every
 * domain asks on every reconcile.
 */
public final class InstalledCrds {

  static final Duration RECHECK = Duration.ofSeconds(30);

  private record Seen(boolean installed, Instant at) {}

  private static final Map<String, Seen> SEEN = new ConcurrentHashMap<>();

  private InstalledCrds() {}

  public static boolean installed(KubernetesClient client, String crdName) {
    Instant now = Instant.now();
    Seen seen = SEEN.get(crdName);
    if (seen == null || seen.at().plus(RECHECK).isBefore(now)) {
      seen = new Seen(client.apiextensions().v1().customResourceDefinitions().withName(crdName).get() != null, now);
      SEEN.put(crdName, seen);
    }
    return seen.installed();
  }
}
