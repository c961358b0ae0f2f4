package io.securemail.lab.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.securemail.lab.support.HttpProbe;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.lab.support.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Kubernetes control plane: etcd, kube-apiserver, kube-controller-manager (every default
 * controller, with the host-path volume provisioner) and kube-scheduler, the 1.20 binaries
 * provisioned by lab/provision.sh, started with a PKI made for the run ({@link ClusterPki}), as
 * kubeadm would configure them. The API server listens on the node address of the Pod network
 * ({@link PodNetwork#NODE_ADDRESS}) so that Pods reach it through the {@code kubernetes} Service;
 * the standard admission plugins are on (ServiceAccount among them: Pods get their tokens).
 */
public final class ControlPlane implements AutoCloseable {

  private static final Pattern REQUEST_TOTAL = Pattern.compile(
      "^apiserver_request_total\\{(?<labels>[^}]*)} (?<value>[0-9.e+]+)$", Pattern.MULTILINE);
  private static final List<String> MUTATING_VERBS = List.of("POST", "PUT", "PATCH", "DELETE", "APPLY", "CREATE", "UPDATE");

  static final String AUDIT_LOG = "audit.log";
  static final int AUDIT_LOG_MAX_MB = 100_000;

  private final List<ManagedProcess> processes;
  private final Path kubeconfig;
  private final KubernetesClient client;
  private final ManagedProcess controllerManager;
  private final Path auditLog;
  private final ClusterPki pki;
  private final String server;

  private ControlPlane(List<ManagedProcess> processes, Path kubeconfig, KubernetesClient client,
      ManagedProcess controllerManager, Path auditLog, ClusterPki pki, String server) {
    this.processes = processes;
    this.auditLog = auditLog;
    this.kubeconfig = kubeconfig;
    this.client = client;
    this.controllerManager = controllerManager;
    this.pki = pki;
    this.server = server;
  }

  public static ControlPlane start(Path workDir) throws IOException {
    return start(workDir, true);
  }

  /**
   * @param statefulSets whether the StatefulSet controller runs: without a node, the local lab plays
   *     it (and the kubelet) for the operator's MTA, and a real one would overwrite what it reports
   */
  public static ControlPlane start(Path workDir, boolean statefulSets) throws IOException {
    Files.createDirectories(workDir);
    Path bin = KubeBinaries.dir();
    ClusterPki pki = ClusterPki.create(workDir.resolve("pki"));
    List<ManagedProcess> started = new ArrayList<>();
    try {
      int etcdPort = Ports.free();
      int peerPort = Ports.free();
      String etcdUrl = "http://127.0.0.1:" + etcdPort;
      ManagedProcess etcd = ManagedProcess.start("etcd", List.of(
          KubeBinaries.etcd().toString(),
          "--name=lab",
          "--data-dir=" + workDir.resolve("etcd"),
          "--listen-client-urls=" + etcdUrl,
          "--advertise-client-urls=" + etcdUrl,
          "--listen-peer-urls=http://127.0.0.1:" + peerPort,
          "--initial-advertise-peer-urls=http://127.0.0.1:" + peerPort,
          "--initial-cluster=lab=http://127.0.0.1:" + peerPort),
          Map.of(), workDir.resolve("etcd.log"));
      started.add(etcd);
      etcd.awaitReady(Duration.ofSeconds(60), () -> HttpProbe.ok(etcdUrl + "/health"));

      // Every request of a ServiceAccount in the operator's namespace is audited: which calls the
      // operator made under the chart's RBAC, and whether any was forbidden.
      Path auditPolicy = workDir.resolve("audit-policy.yaml");
      Files.writeString(auditPolicy, """
          apiVersion: audit.k8s.io/v1
          kind: Policy
          omitStages: ["RequestReceived"]
          rules:
            - level: Metadata
              userGroups: ["system:serviceaccounts:%s"]
            - level: None
          """.formatted(ChartRbac.NAMESPACE));
      // Pods run on the lab's node only in namespaces that opt in (LabNode.optIn): everywhere else they
      // stay Pending, as they did before the lab had a node, so that scenarios which play the
      // kubelet themselves are not raced by a real one. The PodNodeSelector admission plugin gives
      // every Pod of a namespace without its annotation a node selector that no node matches.
      Path admission = workDir.resolve("admission.yaml");
      Files.writeString(admission, """
          apiVersion: apiserver.config.k8s.io/v1
          kind: AdmissionConfiguration
          plugins:
            - name: PodNodeSelector
              configuration:
                podNodeSelectorPluginConfig:
                  clusterDefaultNodeSelector: "%s=%s"
          """.formatted(LabNode.PODS_LABEL, LabNode.PODS_ELSEWHERE));
      int apiPort = Ports.free();
      String server = "https://" + PodNetwork.NODE_ADDRESS + ":" + apiPort;
      ManagedProcess apiServer = ManagedProcess.start("kube-apiserver", List.of(
          bin.resolve("kube-apiserver").toString(),
          "--etcd-servers=" + etcdUrl,
          "--bind-address=" + PodNetwork.NODE_ADDRESS,
          "--advertise-address=" + PodNetwork.NODE_ADDRESS,
          "--secure-port=" + apiPort,
          "--insecure-port=0",
          "--cert-dir=" + workDir.resolve("apiserver-certs"),
          "--tls-cert-file=" + pki.certificate("apiserver"),
          "--tls-private-key-file=" + pki.key("apiserver"),
          "--client-ca-file=" + pki.caCertificate(),
          "--service-account-key-file=" + pki.serviceAccountPublicKey(),
          "--service-account-signing-key-file=" + pki.serviceAccountKey(),
          "--service-account-issuer=https://kubernetes.default.svc." + PodNetwork.CLUSTER_DOMAIN,
          "--service-cluster-ip-range=" + PodNetwork.SERVICE_CIDR,
          "--authorization-mode=Node,RBAC",
          "--enable-admission-plugins=PodNodeSelector",
          "--admission-control-config-file=" + admission,
          "--allow-privileged=true",
          "--kubelet-client-certificate=" + pki.certificate("apiserver-kubelet-client"),
          "--kubelet-client-key=" + pki.key("apiserver-kubelet-client"),
          "--kubelet-preferred-address-types=InternalIP",
          "--profiling=false",
          "--audit-policy-file=" + auditPolicy,
          "--audit-log-path=" + workDir.resolve(AUDIT_LOG),
          // One file for the whole run: the API server rotates at 100 MB by default, and the tests
          // that read the log (RbacAuditTest: every call of the run) would see only its tail.
          "--audit-log-maxsize=" + AUDIT_LOG_MAX_MB,
          "--audit-log-format=json"),
          Map.of(), workDir.resolve("kube-apiserver.log"));
      started.add(apiServer);
      Path kubeconfig = workDir.resolve("kubeconfig.yaml");
      Files.writeString(kubeconfig, pki.adminKubeconfig(server));
      KubernetesClient client = new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
      apiServer.awaitReady(Duration.ofSeconds(120), () -> answers(client));

      int healthPort = Ports.free();
      ManagedProcess controllerManager = ManagedProcess.start("kube-controller-manager", List.of(
          bin.resolve("kube-controller-manager").toString(),
          "--kubeconfig=" + kubeconfig,
          // Every default controller: garbage collection, Deployments and StatefulSets, Endpoints
          // (kube-proxy programs nothing without them), node lifecycle (lifts the new node's
          // not-ready taint), ServiceAccounts and their tokens, volume binding.
          statefulSets ? "--controllers=*" : "--controllers=*,-statefulset",
          "--leader-elect=false",
          "--bind-address=127.0.0.1",
          "--address=127.0.0.1",
          "--port=" + healthPort,
          "--secure-port=0",
          "--concurrent-gc-syncs=5",
          "--service-account-private-key-file=" + pki.serviceAccountKey(),
          "--root-ca-file=" + pki.caCertificate(),
          "--cluster-signing-cert-file=" + pki.caCertificate(),
          "--cluster-signing-key-file=" + pki.caKey(),
          // StatefulSet volume claims are bound to host directories (the lab's StorageClass).
          "--enable-hostpath-provisioner=true"),
          Map.of(), workDir.resolve("kube-controller-manager.log"));
      started.add(controllerManager);
      controllerManager.awaitReady(Duration.ofSeconds(60),
          () -> HttpProbe.ok("http://127.0.0.1:" + healthPort + "/healthz"));

      ManagedProcess scheduler = ManagedProcess.start("kube-scheduler", List.of(
          bin.resolve("kube-scheduler").toString(),
          "--kubeconfig=" + kubeconfig,
          "--authentication-kubeconfig=" + kubeconfig,
          "--authorization-kubeconfig=" + kubeconfig,
          "--leader-elect=false",
          // 1.20 also serves plain HTTP on every address unless told not to.
          "--port=0",
          "--bind-address=127.0.0.1",
          "--secure-port=" + Ports.free()),
          Map.of(), workDir.resolve("kube-scheduler.log"));
      started.add(scheduler);
      return new ControlPlane(started, kubeconfig, client, controllerManager, workDir.resolve(AUDIT_LOG), pki, server);
    } catch (IOException | RuntimeException e) {
      closeAll(started);
      throw e;
    }
  }

  private static boolean answers(KubernetesClient client) {
    try {
      return "ok".equals(client.raw("/readyz"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void closeAll(List<ManagedProcess> processes) {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }

  /** Installs (or updates) every CRD in the given YAML files and waits until each is established. */
  public void installCrds(List<Path> files) throws IOException {
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        for (HasMetadata item : client.load(in).items()) {
          CustomResourceDefinition crd = (CustomResourceDefinition) item;
          client.resource(crd).forceConflicts().serverSideApply();
          client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
              // A CRD seen just after creation may have a status without conditions yet.
              .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
                  && c.getStatus().getConditions().stream().anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
                  30, TimeUnit.SECONDS);
        }
      }
    }
  }

  /**
   * The number of mutating requests (create, update, patch, delete) the API server has served for
   * the given resources, from its own Prometheus metrics.
   */
  public long mutatingRequests(String... resources) {
    String metrics = client.raw("/metrics");
    long total = 0;
    Matcher m = REQUEST_TOTAL.matcher(metrics);
    while (m.find()) {
      Map<String, String> labels = parseLabels(m.group("labels"));
      if (MUTATING_VERBS.contains(labels.get("verb")) && List.of(resources).contains(labels.get("resource"))) {
        total += (long) Double.parseDouble(m.group("value"));
      }
    }
    return total;
  }

  private static Map<String, String> parseLabels(String text) {
    Map<String, String> labels = new java.util.HashMap<>();
    Matcher m = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(text);
    while (m.find()) {
      labels.put(m.group(1), m.group(2));
    }
    return labels;
  }

  public KubernetesClient client() {
    return client;
  }

  /** The API server's URL. */
  public String server() {
    return server;
  }

  /** The cluster's CA, certificates and keys. */
  public ClusterPki pki() {
    return pki;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /** The API server's audit log (JSON lines) of the operator's ServiceAccount requests. */
  public Path auditLog() {
    return auditLog;
  }

  public boolean garbageCollectorRunning() {
    return controllerManager.isAlive();
  }

  @Override
  public void close() {
    client.close();
    closeAll(processes);
  }
}
