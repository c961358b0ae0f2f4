package io.securemail.lab;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.cluster.LabNode;
import io.securemail.lab.cluster.PodNetwork;
import io.securemail.lab.support.JvmSignals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The operator installed on the lab's node as a user installs it: {@code helm install} of
 * helm/securemail-operator (through Helm's own library) with the project's locally built image,
 * and only the values a cluster like the lab's needs: the resolver on the node address, the lab CA
 * for PKIX (mounted from a ConfigMap, as a private CA would be), no image pulls, and the lab's short
 * intervals.
 */
public final class ChartInstall implements AutoCloseable {

  public static final String RELEASE = "securemail";

  private final Lab lab;
  private final String namespace;

  private ChartInstall(Lab lab, String namespace) {
    this.lab = lab;
    this.namespace = namespace;
  }

  /**
   * Installs the chart into {@code namespace} (made a namespace whose Pods run on the node), the
   * operator watching {@code watched} (each also opted in), and waits until its Pod is ready.
   */
  public static ChartInstall install(Lab lab, String namespace, List<String> watched) throws IOException {
    KubernetesClient client = lab.client();
    LabNode.optIn(client, namespace);
    watched.forEach(ns -> LabNode.optIn(client, ns));
    client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName("lab-ca")
        .endMetadata().withData(Map.of("ca.crt", Files.readString(lab.issuer().caCertificateFile()))).build())
        .serverSideApply();
    Path values = lab.workDir().resolve("chart-values-" + namespace + ".yaml");
    Files.writeString(values, """
        image:
          # The lab's images exist only on the node; nothing can be pulled.
          pullPolicy: Never
        watchNamespaces: [%s]
        operator:
          dnsResolvers: ["%s:53"]
          # The resolver is on the node itself: a trusted path for its AD bit.
          dnssec: resolver
          mtaSts:
            replicas: 1
            serviceType: ClusterIP
          # The lab's MX hosts and policy servers are on the node's private and loopback addresses.
          network:
            allowPrivateTargets: true
        extraEnv:
          - {name: SECUREMAIL_COMPLIANCE_CA_FILE, value: /etc/securemail/lab-ca/ca.crt}
          - {name: QUARKUS_OPERATOR_SDK_CONTROLLERS_SECUREMAILDOMAIN_MAX_RECONCILIATION_INTERVAL, value: PT3S}
          - {name: SECUREMAIL_DANE_POLL_INTERVAL, value: 2s}
          - {name: SECUREMAIL_SMTP_REUSE, value: 2s}
          - {name: SECUREMAIL_COMPLIANCE_REUSE, value: 0s}
          - {name: SECUREMAIL_MTASTS_MIN_MAX_AGE, value: "5"}
          - {name: SECUREMAIL_MTASTS_POLL_INTERVAL, value: 2s}
        extraVolumes:
          - {name: lab-ca, configMap: {name: lab-ca}}
        extraVolumeMounts:
          - {name: lab-ca, mountPath: /etc/securemail/lab-ca, readOnly: true}
        """.formatted(String.join(", ", watched), PodNetwork.NODE_ADDRESS));
    try {
      new Helm(lab.repoDir().resolve("helm/securemail-operator")).install()
          .withName(RELEASE).withNamespace(namespace).withKubeConfig(lab.controlPlane().kubeconfig())
          .withValuesFile(values).waitReady().withTimeout(240).call();
    } catch (RuntimeException e) {
      JvmSignals.restore();
      throw new IllegalStateException("helm install failed: " + e.getMessage() + "; kubelet log "
          + lab.node().kubeletLog(), e);
    }
    JvmSignals.restore();
    return new ChartInstall(lab, namespace);
  }

  /**
   * helm test: runs the chart's test Pod, which asks the operator's readiness endpoint through the
   * metrics Service; fails with Helm's words unless the Pod succeeds.
   */
  public void test() {
    try {
      Helm.test(RELEASE).withNamespace(namespace).withKubeConfig(lab.controlPlane().kubeconfig()).withTimeout(120)
          .call();
    } finally {
      JvmSignals.restore();
    }
  }

  /** The operator's running Pod (not one being deleted), or null. */
  public Pod operatorPod() {
    return lab.client().pods().inNamespace(namespace).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getMetadata().getName().startsWith(RELEASE)).findFirst().orElse(null);
  }

  /** The ClusterIP of the chart's metrics Service. */
  public String metricsAddress() {
    return lab.client().services().inNamespace(namespace).list().getItems().stream()
        .filter(svc -> svc.getMetadata().getName().endsWith("-metrics"))
        .findFirst().orElseThrow().getSpec().getClusterIP();
  }

  /** helm uninstall. */
  @Override
  public void close() {
    try {
      Helm.uninstall(RELEASE).withNamespace(namespace).withKubeConfig(lab.controlPlane().kubeconfig()).call();
    } finally {
      JvmSignals.restore();
    }
  }
}
