package io.securemail.lab;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Kubernetes control plane on loopback: kube-apiserver + etcd (through kube-api-test, from
 * the binaries provisioned under ~/.kubeapitest) and kube-controller-manager for garbage collection
 * and Deployments. No kubelet: no Pod ever runs.
 */
public final class ControlPlane implements AutoCloseable {

  private static final Pattern REQUEST_TOTAL = Pattern.compile(
      "^apiserver_request_total\\{(?<labels>[^}]*)} (?<value>[0-9.e+]+)$", Pattern.MULTILINE);
  private static final List<String> MUTATING_VERBS = List.of("POST", "PUT", "PATCH", "DELETE", "APPLY", "CREATE", "UPDATE");

  static final String AUDIT_LOG = "audit.log";

  private final KubeAPIServer apiServer;
  private final Path kubeconfig;
  private final KubernetesClient client;
  private final ManagedProcess controllerManager;
  private final Path auditLog;

  private ControlPlane(KubeAPIServer apiServer, Path kubeconfig, KubernetesClient client, ManagedProcess controllerManager,
      Path auditLog) {
    this.auditLog = auditLog;
    this.apiServer = apiServer;
    this.kubeconfig = kubeconfig;
    this.client = client;
    this.controllerManager = controllerManager;
  }

  public static ControlPlane start(Path workDir) throws IOException {
    Files.createDirectories(workDir);
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
    KubeAPIServer apiServer = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withOfflineMode(true)       // binaries come from lab/provision.sh; nothing is downloaded
        .withUpdateKubeConfig(false) // never touch the user's ~/.kube/config
        .withStartupTimeout(120_000)
        .withApiServerFlag("--audit-policy-file", auditPolicy.toString())
        .withApiServerFlag("--audit-log-path", workDir.resolve(AUDIT_LOG).toString())
        .withApiServerFlag("--audit-log-format", "json")
        .build());
    apiServer.start();
    Path kubeconfig = workDir.resolve("kubeconfig.yaml");
    Files.writeString(kubeconfig, apiServer.getKubeConfigYaml());
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml())).build();

    int healthPort = Ports.free();
    Path binary = Path.of(System.getProperty("user.home"), ".kubeapitest", "k8s")
        .resolve(newestVersionDir()).resolve("kube-controller-manager");
    ManagedProcess controllerManager = ManagedProcess.start("kube-controller-manager", List.of(
        binary.toString(),
        "--kubeconfig=" + kubeconfig,
        "--controllers=garbagecollector,namespace,deployment,replicaset",
        "--leader-elect=false",
        "--bind-address=127.0.0.1",
        "--address=127.0.0.1",
        "--port=" + healthPort,
        "--secure-port=0",
        "--concurrent-gc-syncs=5"),
        Map.of(), workDir.resolve("kube-controller-manager.log"));
    controllerManager.awaitReady(Duration.ofSeconds(60),
        () -> HttpProbe.ok("http://127.0.0.1:" + healthPort + "/healthz"));
    return new ControlPlane(apiServer, kubeconfig, client, controllerManager, workDir.resolve(AUDIT_LOG));
  }

  private static String newestVersionDir() throws IOException {
    Path root = Path.of(System.getProperty("user.home"), ".kubeapitest", "k8s");
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.map(p -> p.getFileName().toString())
          .filter(n -> Files.isExecutable(root.resolve(n).resolve("kube-controller-manager")))
          .max(String::compareTo)
          .orElseThrow(() -> new IllegalStateException("no kube-controller-manager under " + root
              + "; run e2e-tests/lab/provision.sh"));
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
    controllerManager.close();
    apiServer.stop();
  }
}
