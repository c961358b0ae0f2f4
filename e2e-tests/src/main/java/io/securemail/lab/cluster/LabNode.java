package io.securemail.lab.cluster;

import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.support.HttpProbe;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.lab.support.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One real Kubernetes node: the kubelet (1.20, with its built-in dockershim driving the lab's
 * {@link ContainerEngine}), CNI networking from Debian's containernetworking-plugins (a bridge onto
 * {@link PodNetwork#BRIDGE}, host-local addresses, port mapping) and kube-proxy in iptables mode for
 * Services. Pods run the project's locally built images; volume claims are bound by the control
 * plane's host-path provisioner through the lab's default StorageClass.
 *
 * <p>What it does not have: a cluster DNS (Debian packages no CoreDNS; Pods are given
 * {@link PodNetwork#CLUSTER_DNS_ADDRESS} and nothing answers there), and more than one node.
 */
public final class LabNode implements AutoCloseable {

  public static final String NAME = "securemail-lab-node";
  public static final String STORAGE_CLASS = "lab-hostpath";
  /** The node's label that Pods of an opted-in namespace select (see {@link #optIn}). */
  public static final String PODS_LABEL = "securemail.io/lab-pods";
  static final String PODS_HERE = "run";
  /** The selector Pods of every other namespace get: no node has it, they stay Pending. */
  static final String PODS_ELSEWHERE = "pending";

  /** Kept short and outside the build tree: kubelet puts Unix sockets below it (108-byte limit). */
  private static final Path KUBELET_ROOT = Path.of("/var/lib/securemail-lab/kubelet");

  private final ManagedProcess kubelet;
  private final ManagedProcess proxy;
  private final MachineState machine;

  private LabNode(ManagedProcess kubelet, ManagedProcess proxy, MachineState machine) {
    this.kubelet = kubelet;
    this.proxy = proxy;
    this.machine = machine;
  }

  /**
   * Starts kube-proxy and the kubelet, waits until the node is Ready and schedulable, and installs
   * the lab's default StorageClass.
   */
  public static LabNode start(ControlPlane controlPlane, ContainerEngine engine, String pauseImage, Path workDir)
      throws IOException {
    Files.createDirectories(workDir);
    MachineState machine = MachineState.record();
    unmountBelow(KUBELET_ROOT);
    deleteTree(KUBELET_ROOT);
    Files.createDirectories(KUBELET_ROOT);
    Path cniConf = Files.createDirectories(workDir.resolve("cni"));
    Files.writeString(cniConf.resolve("10-securemail-lab.conflist"), """
        {
          "cniVersion": "0.4.0",
          "name": "securemail-lab",
          "plugins": [
            {
              "type": "bridge",
              "bridge": "%s",
              "isGateway": true,
              "ipMasq": false,
              "hairpinMode": true,
              "ipam": {
                "type": "host-local",
                "ranges": [[{"subnet": "%s", "gateway": "%s"}]],
                "routes": [{"dst": "0.0.0.0/0"}],
                "dataDir": "%s"
              }
            },
            {"type": "portmap", "capabilities": {"portMappings": true}}
          ]
        }
        """.formatted(PodNetwork.BRIDGE, PodNetwork.POD_CIDR, PodNetwork.NODE_ADDRESS, workDir.resolve("cni-ipam")));
    Path kubeconfig = controlPlane.kubeconfig();
    ClusterPki pki = controlPlane.pki();

    int proxyHealth = Ports.free();
    ManagedProcess proxy = ManagedProcess.start("kube-proxy", List.of(
        KubeBinaries.binary("kube-proxy").toString(),
        "--kubeconfig=" + kubeconfig,
        "--hostname-override=" + NAME,
        "--proxy-mode=iptables",
        "--cluster-cidr=" + PodNetwork.POD_CIDR,
        "--bind-address=" + PodNetwork.NODE_ADDRESS,
        "--healthz-bind-address=127.0.0.1:" + proxyHealth,
        "--metrics-bind-address=127.0.0.1:" + Ports.free(),
        // NodePorts only on the node's Pod-network address, never on the machine's other interfaces.
        "--nodeport-addresses=" + PodNetwork.POD_CIDR,
        // The sandbox refuses a negative oom_score_adj; 0 changes nothing. Conntrack limits: as they are.
        "--oom-score-adj=0",
        "--conntrack-max-per-core=0",
        "--conntrack-tcp-timeout-established=0",
        "--conntrack-tcp-timeout-close-wait=0"),
        Map.of(), workDir.resolve("kube-proxy.log"));
    List<ManagedProcess> started = new ArrayList<>(List.of(proxy));
    try {
      proxy.awaitReady(Duration.ofSeconds(60), () -> HttpProbe.ok("http://127.0.0.1:" + proxyHealth + "/healthz"));
      int healthPort = Ports.free();
      ManagedProcess kubelet = ManagedProcess.start("kubelet", List.of(
          KubeBinaries.binary("kubelet").toString(),
          "--kubeconfig=" + kubeconfig,
          "--hostname-override=" + NAME,
          "--node-ip=" + PodNetwork.NODE_ADDRESS,
          "--address=" + PodNetwork.NODE_ADDRESS,
          "--port=" + Ports.free(),
          "--read-only-port=0",
          "--healthz-bind-address=127.0.0.1",
          "--healthz-port=" + healthPort,
          "--client-ca-file=" + pki.caCertificate(),
          "--anonymous-auth=false",
          "--tls-cert-file=" + pki.certificate("kubelet"),
          "--tls-private-key-file=" + pki.key("kubelet"),
          "--root-dir=" + KUBELET_ROOT,
          "--cert-dir=" + workDir.resolve("kubelet-pki"),
          "--volume-plugin-dir=" + workDir.resolve("volume-plugins"),
          "--container-runtime=docker",
          "--docker-endpoint=" + engine.host(),
          "--container-runtime-endpoint=unix://" + engine.socket().resolveSibling("dockershim.sock"),
          "--image-service-endpoint=unix://" + engine.socket().resolveSibling("dockershim.sock"),
          "--pod-infra-container-image=" + pauseImage,
          "--network-plugin=cni",
          "--cni-bin-dir=/usr/lib/cni",
          "--cni-conf-dir=" + cniConf,
          "--cni-cache-dir=" + workDir.resolve("cni-cache"),
          "--cgroup-driver=cgroupfs",
          "--fail-swap-on=false",
          "--cluster-dns=" + PodNetwork.CLUSTER_DNS_ADDRESS,
          "--cluster-domain=" + PodNetwork.CLUSTER_DOMAIN,
          // The MTA Pod binds its resolver to port 53 as non-root through this namespaced sysctl,
          // which Kubernetes counts as safe only from 1.22 on.
          "--allowed-unsafe-sysctls=net.ipv4.ip_unprivileged_port_start",
          // Pods see a changed Secret or ConfigMap within seconds (default: up to a minute).
          "--sync-frequency=5s",
          // The lab's images exist only locally: never collect them, never evict for a full disk.
          "--image-gc-high-threshold=100",
          "--image-gc-low-threshold=99",
          "--eviction-hard=memory.available<100Mi,nodefs.available<1%,imagefs.available<1%",
          "--serialize-image-pulls=false",
          "--node-labels=" + PODS_LABEL + "=" + PODS_HERE),
          Map.of(), workDir.resolve("kubelet.log"));
      started.add(kubelet);
      KubernetesClient client = controlPlane.client();
      kubelet.awaitReady(Duration.ofSeconds(120), () -> ready(client));
      client.storage().v1().storageClasses().resource(new StorageClassBuilder()
          .withNewMetadata().withName(STORAGE_CLASS)
            .withAnnotations(Map.of("storageclass.kubernetes.io/is-default-class", "true")).endMetadata()
          .withProvisioner("kubernetes.io/host-path")
          .withReclaimPolicy("Delete")
          .build()).forceConflicts().serverSideApply();
      return new LabNode(kubelet, proxy, machine);
    } catch (IOException | RuntimeException e) {
      for (int i = started.size() - 1; i >= 0; i--) {
        started.get(i).close();
      }
      machine.restore();
      throw e;
    }
  }

  /**
   * Creates (or updates) a namespace whose Pods run on this node. Pods of any other namespace stay
   * Pending: the lab's scenarios that play the kubelet themselves are not raced by a real one.
   */
  public static void optIn(KubernetesClient client, String namespace) {
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata().withName(namespace)
          .withAnnotations(Map.of("scheduler.alpha.kubernetes.io/node-selector", PODS_LABEL + "=" + PODS_HERE))
        .endMetadata().build()).forceConflicts().serverSideApply();
  }

  /** Ready, and without the taints a new node carries until the node lifecycle controller lifts them. */
  private static boolean ready(KubernetesClient client) {
    var node = client.nodes().withName(NAME).get();
    if (node == null || node.getStatus() == null || node.getStatus().getConditions() == null) {
      return false;
    }
    boolean ready = node.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    boolean untainted = node.getSpec().getTaints() == null || node.getSpec().getTaints().stream()
        .noneMatch(t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()));
    return ready && untainted;
  }

  public boolean isRunning() {
    return kubelet.isAlive() && proxy.isAlive();
  }

  public Path kubeletLog() {
    return kubelet.log();
  }

  /**
   * Stops the kubelet and kube-proxy and removes what they left on the machine: their iptables
   * chains, the kernel tunables they set, the kubelet's volume mounts. The containers are the
   * engine's to remove.
   */
  @Override
  public void close() {
    kubelet.close();
    proxy.close();
    try {
      ManagedProcess.run(List.of(KubeBinaries.binary("kube-proxy").toString(), "--cleanup"));
    } catch (IOException | RuntimeException e) {
      System.err.println("[lab] kube-proxy --cleanup failed: " + e.getMessage());
    }
    try {
      unmountBelow(KUBELET_ROOT);
    } catch (IOException e) {
      System.err.println("[lab] could not unmount the kubelet's volumes: " + e.getMessage());
    }
    machine.restore();
  }

  /**
   * Unmounts every mount point at or below {@code root}, deepest first: Secret tmpfs, host-path
   * binds, and the root itself, which the kubelet bind-mounts onto itself to make it a shared mount.
   */
  static void unmountBelow(Path root) throws IOException {
    Path mounts = Path.of("/proc/self/mounts");
    if (!Files.exists(mounts)) {
      return;
    }
    List<String> points = Files.readAllLines(mounts).stream()
        .map(line -> line.split(" ")[1].replace("\\040", " "))
        .filter(point -> point.equals(root.toString()) || point.startsWith(root + "/"))
        .sorted(Comparator.comparingInt(String::length).reversed())
        .toList();
    for (String point : points) {
      ManagedProcess.run(List.of("umount", "-l", point));
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
