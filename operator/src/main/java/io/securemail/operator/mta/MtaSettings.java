package io.securemail.operator.mta;

import java.util.List;

/**
 * Operator-wide settings of the MTA Pods (securemail.mta.*, the Helm chart's operator.mta.* values).
 *
 * @param image the MTA image (operator/src/main/docker/mta/Dockerfile)
 * @param clusterDomain the cluster's DNS domain
 * @param clusterDnsAddress the cluster DNS Service address the Pod's resolver forwards the cluster domain to
 * @param imagePullSecrets Secrets in the domain's namespace the kubelet pulls the image with (a
 *     private registry); none by default
 * @param postfix the Postfix container's CPU and memory
 * @param reportReceiver the operator's TLS report receiver the MTAs hand report mail to
 *     (spec.tlsRpt.receive.mail), or null when the operator runs none
 */
public record MtaSettings(String image, String clusterDomain, String clusterDnsAddress, List<String> imagePullSecrets,
    Resources postfix, ReportReceiver reportReceiver) {

  /** Requests and a memory limit; the helpers keep theirs (they are small and fixed). */
  public record Resources(String cpuRequest, String memoryRequest, String memoryLimit) {

    /** What one Postfix with a modest queue needs. */
    public static final Resources POSTFIX = new Resources("100m", "128Mi", "512Mi");
  }

  public MtaSettings {
    imagePullSecrets = List.copyOf(imagePullSecrets);
  }

  /** The settings without a TLS report receiver. */
  public MtaSettings(String image, String clusterDomain, String clusterDnsAddress, List<String> imagePullSecrets,
      Resources postfix) {
    this(image, clusterDomain, clusterDnsAddress, imagePullSecrets, postfix, null);
  }

  /** The image and cluster settings with no pull secrets and the default Postfix resources. */
  public MtaSettings(String image, String clusterDomain, String clusterDnsAddress) {
    this(image, clusterDomain, clusterDnsAddress, List.of(), Resources.POSTFIX);
  }
}
