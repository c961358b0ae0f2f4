package io.securemail.operator.dns;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether external-dns' DNSEndpoint CRD is installed. Looked up at most every 30 seconds: the
 * answer changes only when someone installs external-dns, and every domain asks on every reconcile.
 */
public final class ExternalDnsCrd {

  public static final String NAME = "dnsendpoints.externaldns.k8s.io";
  public static final String API_VERSION = "externaldns.k8s.io/v1alpha1";
  public static final String KIND = "DNSEndpoint";
  static final Duration RECHECK = Duration.ofSeconds(30);

  private static volatile Instant checkedAt = Instant.MIN;
  private static volatile boolean installed;

  private ExternalDnsCrd() {}

  public static boolean installed(KubernetesClient client) {
    Instant now = Instant.now();
    if (checkedAt.plus(RECHECK).isBefore(now)) {
      installed = client.apiextensions().v1().customResourceDefinitions().withName(NAME).get() != null;
      checkedAt = now;
    }
    return installed;
  }
}
