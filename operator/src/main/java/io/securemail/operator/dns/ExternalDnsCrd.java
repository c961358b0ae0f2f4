package io.securemail.operator.dns;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.kube.InstalledCrds;

/** external-dns' DNSEndpoint CRD: optional, so looked up before use. */
public final class ExternalDnsCrd {

  public static final String NAME = "dnsendpoints.externaldns.k8s.io";
  public static final String API_VERSION = "externaldns.k8s.io/v1alpha1";
  public static final String KIND = "DNSEndpoint";

  private ExternalDnsCrd() {}

  public static boolean installed(KubernetesClient client) {
    return InstalledCrds.installed(client, NAME);
  }
}
