package io.securemail.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.certmanager.LabIssuer;
import io.securemail.lab.cluster.ChartRbac;
import io.securemail.lab.cluster.ContainerEngine;
import io.securemail.lab.cluster.ControlPlane;
import io.securemail.lab.cluster.LabImages;
import io.securemail.lab.cluster.LabNode;
import io.securemail.lab.cluster.OperatorProcess;
import io.securemail.lab.cluster.PodNetwork;
import io.securemail.lab.dns.DnsLab;
import io.securemail.lab.dns.OutboundZone;
import io.securemail.lab.mail.PostfixServer;
import io.securemail.lab.mtasts.PolicyServers;
import io.securemail.lab.support.LabCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole lab for one run: a control plane with the project's CRDs installed, a stand-in for
 * cert-manager (its CRDs and a CA issuer), a real Postfix as the MX hosts, nginx as the MTA-STS
 * policy servers, and the packaged operator running against it all. Started once, shared by every
 * test, stopped at the end.
 */
public final class Lab implements AutoCloseable {

  /** The DNSSEC-signed zones the lab's authoritative server hosts; scenarios use one each. */
  public static final List<String> ZONES = List.of(
      "faults.test",
      "example.test", "other.test", "edns.test", "manual.test", "publish.test", "tsig.test", "outage.test", "foreign.test", "deletion.test", "abandon.test",
      "switch.test", "dane.test", "comply.test", "rsa.test", "sts.test", "rbac.test", "edge.test", "caa.test",
      // The domain the operator installed by its chart manages on the lab's node.
      "node.test",
      // The domains of examples/, each applied as written (ExamplesReadyTest).
      "example.com", "example.org", "example.net", "example.de",
      // MX hosts that misbehave on purpose, and a healthy domain beside them (HostileMxTest).
      "hostile.test", "calm.test",
      // An UPDATE's answer lost, the operator killed mid-update, status wiped, the server moved, an
      // ownership record under the former default owner id, a retired key's TLSA, another TXT record
      // at the ownership record's name (DnsLedgerTest).
      "lost.test", "crash.test", "wipe.test", "move.test", "legacy.test", "stale.test", "squat.test",
      // Two MTA replicas, one lagging (DaneReplicasTest).
      "replicas.test",
      // A TLS report labelled with the rollover it overlaps (EvidenceLabelsTest).
      "evidence.test",
      // One MX fleet (a MailTransport) and its customers' domains in three zones (FleetTest).
      "fleet.test", "fleet-a.test", "fleet-b.test", "fleet-c.test",
      // The MX fleet benchmark's customer domains (-Pbenchmark -Dbench.layout=transport).
      "fleetbench.test",
      // Destinations for outbound mail (not a domain the operator manages): see OutboundZone.
      OutboundZone.ZONE);

  /** The DNSSEC-signed zones the lab's BIND hosts: the second RFC 2136 implementation (interop). */
  public static final List<String> BIND_ZONES = List.of("bind.test");

  private final ControlPlane controlPlane;
  private final DnsLab dns;
  private volatile OperatorProcess operator;
  private final Map<String, String> operatorProperties;
  private final Path workDir;
  private final LabIssuer issuer;
  private final PostfixServer postfix;
  private final PolicyServers policyServers;
  private final Path repoDir;
  private final ChartRbac rbac;
  private final PodNetwork network;
  private final ContainerEngine containers; // null without the node
  private final LabImages images;           // null without the node
  private final LabNode node;                  // null without the node
  private final LabLock lock;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  /** Stops the lab when the JVM is stopped before the lab's user closes it (Ctrl-C, a killed build). */
  private final Thread closeOnExit = new Thread(this::close, "lab-close-on-exit");

  /** What a lab runs besides its control plane, DNS and mail servers. */
  public enum Mode {
    /**
     * Only the control plane with the project's and cert-manager's CRDs (and the cert-manager
     * stand-in): no DNS, mail or policy servers, no operator process. For tests that run the
     * reconciler in their own JVM against the real API server, on every change.
     */
    CONTROL_PLANE,
    /** The operator as a process on the machine; no container engine, no node. */
    PROCESSES,
    /** Also a container engine, the project's images built locally, and a real node that runs them. */
    WITH_NODE
  }

  private Lab(ControlPlane controlPlane, DnsLab dns, OperatorProcess operator, Map<String, String> operatorProperties,
      Path workDir, LabIssuer issuer, PostfixServer postfix, PolicyServers policyServers, Path repoDir, ChartRbac rbac,
      PodNetwork network, ContainerEngine containers, LabImages images, LabNode node, LabLock lock) {
    this.lock = lock;
    this.rbac = rbac;
    this.network = network;
    this.containers = containers;
    this.images = images;
    this.node = node;
    Runtime.getRuntime().addShutdownHook(closeOnExit);
    this.controlPlane = controlPlane;
    this.dns = dns;
    this.operator = operator;
    this.operatorProperties = operatorProperties;
    this.workDir = workDir;
    this.issuer = issuer;
    this.postfix = postfix;
    this.policyServers = policyServers;
    this.repoDir = repoDir;
  }

  /**
   * @param repoDir the repository checkout (its crds/ and operator/ are used)
   * @param workDir where logs, kubeconfig and server state go
   * @param operatorProperties extra operator configuration
   */
  public static Lab start(Path repoDir, Path workDir, Map<String, String> operatorProperties) throws IOException {
    return start(repoDir, workDir, operatorProperties, Mode.PROCESSES);
  }

  /**
   * @param repoDir the repository checkout (its crds/ and operator/ are used)
   * @param workDir where logs, kubeconfig and server state go
   * @param operatorProperties extra operator configuration
   * @param mode whether a container engine and a node run too
   */
  public static Lab start(Path repoDir, Path workDir, Map<String, String> operatorProperties, Mode mode)
      throws IOException {
    long started = System.nanoTime();
    LabLock lock = LabLock.acquire();
    // First: every server a Pod must reach also listens on the node address, which must exist.
    PodNetwork network;
    try {
      network = PodNetwork.create();
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
    DnsLab dns = null;
    ControlPlane controlPlane = null;
    LabIssuer issuer = null;
    PostfixServer postfix = null;
    PolicyServers policyServers = null;
    ContainerEngine containers = null;
    LabNode node = null;
    try {
      if (mode != Mode.CONTROL_PLANE) {
        dns = DnsLab.start(workDir.resolve("dns"), ZONES, BIND_ZONES);
      }
      controlPlane = ControlPlane.start(workDir, mode == Mode.WITH_NODE);
      // The CRDs the build generated (GeneratedCrdTest keeps the committed crds/ equal to them).
      controlPlane.installCrds(crdFiles(repoDir.resolve("operator/target/kubernetes")));
      // cert-manager's API before the operator starts, so the operator finds it installed.
      issuer = LabIssuer.start(controlPlane.client(), workDir.resolve("cert-manager"));
      if (mode == Mode.CONTROL_PLANE) {
        System.out.printf("[lab] control plane and cert-manager stand-in up in %.1f s (work dir %s)%n",
            (System.nanoTime() - started) / 1e9, workDir);
        return new Lab(controlPlane, null, null, operatorProperties, workDir, issuer, null, null, repoDir, null,
            network, null, null, null, lock);
      }
      postfix = PostfixServer.start(workDir.resolve("postfix"));
      policyServers = PolicyServers.start(workDir.resolve("mta-sts"));
      LabImages images = null;
      if (mode == Mode.WITH_NODE) {
        long nodeStarted = System.nanoTime();
        containers = ContainerEngine.start(workDir.resolve("docker"), LabCache.dir().resolve("docker"));
        images = LabImages.build(containers, repoDir, LabCache.dir(), projectVersion());
        node = LabNode.start(controlPlane, containers, images.pause(), workDir.resolve("node"));
        System.out.printf("[lab] container engine, images and node up in %.1f s%n", (System.nanoTime() - nodeStarted) / 1e9);
      }
      Map<String, String> properties = new java.util.HashMap<>(operatorProperties);
      // The operator observes DNS only through the lab's validating resolver: nothing leaves loopback.
      properties.putIfAbsent("securemail.dns.resolvers", dns.resolverAddress() + ":" + dns.resolverPort());
      // The compliance checks trust the lab resolver's AD bit (it is on loopback) and the lab CA.
      properties.putIfAbsent("securemail.compliance.dnssec", "resolver");
      properties.putIfAbsent("securemail.compliance.ca-file", issuer.caCertificateFile().toString());
      // Every server of the lab is on loopback, which a production operator refuses to connect to.
      properties.putIfAbsent("securemail.network.allow-private-targets", "true");
      // Tests post reports about domains that are not the operator's and expect "not ours" (404, 550),
      // also right after a test restarts the operator; a new leader's "try again" for domains it has
      // not reconciled yet is a unit test's (ReportReceiverTest).
      properties.putIfAbsent("securemail.tlsrpt.settling", "0s");
      // The operator runs as the Helm chart's ServiceAccount: the API server enforces the chart's RBAC.
      ChartRbac rbac = ChartRbac.install(controlPlane, repoDir.resolve("helm/securemail-operator"), workDir);
      OperatorProcess operator = OperatorProcess.start(repoDir.resolve("operator"), rbac.kubeconfig(),
          workDir.resolve("operator.log"), properties);
      System.out.printf("[lab] DNS, control plane, cert-manager stand-in, Postfix, policy servers%s and operator up "
          + "in %.1f s (work dir %s)%n", node != null ? ", node" : "", (System.nanoTime() - started) / 1e9, workDir);
      return new Lab(controlPlane, dns, operator, properties, workDir, issuer, postfix, policyServers, repoDir, rbac,
          network, containers, images, node, lock);
    } catch (IOException | RuntimeException e) {
      if (node != null) {
        node.close();
      }
      if (containers != null) {
        containers.close();
      }
      if (policyServers != null) {
        policyServers.close();
      }
      if (postfix != null) {
        postfix.close();
      }
      if (issuer != null) {
        issuer.close();
      }
      if (controlPlane != null) {
        controlPlane.close();
      }
      if (dns != null) {
        dns.close();
      }
      network.close();
      lock.close();
      throw e;
    }
  }

  /**
   * The Maven project version, which tags the project's images (the build passes it as
   * {@code securemail.version}).
   */
  public static String projectVersion() {
    String version = System.getProperty("securemail.version");
    if (version == null || version.isBlank()) {
      throw new IllegalStateException("the system property securemail.version (the project version) is not set");
    }
    return version;
  }

  static List<Path> crdFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".securemail.io-v1.yml")).sorted().toList();
    }
  }

  public KubernetesClient client() {
    return controlPlane.client();
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  public DnsLab dns() {
    return dns;
  }

  /** Makes destinations for outbound mail in the lab zone {@value OutboundZone#ZONE}. */
  public OutboundZone outbound() {
    return new OutboundZone(dns);
  }

  public OperatorProcess operator() {
    return operator;
  }

  /**
   * Stops the operator and starts it again with the same configuration, as a Pod restart would:
   * what it knew survives only in the API server.
   */
  public synchronized void restartOperator() throws IOException {
    operator.close();
    operator = OperatorProcess.start(repoDir.resolve("operator"), rbac.kubeconfig(),
        workDir.resolve("operator-" + System.currentTimeMillis() + ".log"), operatorProperties);
  }

  /**
   * Stops the lab's operator process until {@link #resumeOperator()}: while an operator installed
   * on the node by its chart runs, it is the cluster's only one, as in production.
   */
  public synchronized void suspendOperator() {
    if (operator != null) {
      operator.close();
    }
  }

  /** Starts the lab's operator process again after {@link #suspendOperator()}. */
  public synchronized void resumeOperator() throws IOException {
    if (operator != null && !operator.isAlive()) {
      restartOperator();
    }
  }

  /**
   * Starts another operator process with the lab's configuration plus {@code extra} (as a second
   * replica, or one scoped to a test's namespace), with the cluster admin's credentials; the
   * caller stops it.
   */
  public OperatorProcess startExtraOperator(String name, Map<String, String> extra) throws IOException {
    Map<String, String> properties = new java.util.HashMap<>(operatorProperties);
    properties.putAll(extra);
    return OperatorProcess.start(repoDir.resolve("operator"), controlPlane.kubeconfig(),
        workDir.resolve("operator-" + name + ".log"), properties);
  }

  /** The stand-in for cert-manager: its CRDs, the lab CA and its ClusterIssuer, issuance. */
  public LabIssuer issuer() {
    return issuer;
  }

  /** The Postfix serving the lab's MX addresses. */
  /** The Helm chart's ServiceAccount and RBAC the operator runs with. */
  public ChartRbac rbac() {
    return rbac;
  }

  public PostfixServer postfix() {
    return postfix;
  }

  /** nginx with the operator's configuration as MTA-STS policy servers, one per namespace mounted. */
  public PolicyServers policyServers() {
    return policyServers;
  }

  /** The lab's work directory (logs, state); scenarios that run servers of their own put them below it. */
  public Path workDir() {
    return workDir;
  }

  public Path repoDir() {
    return repoDir;
  }

  /** The lab's container engine (the node's runtime; Testcontainers reaches it too). */
  public ContainerEngine containers() {
    return requireNode(containers);
  }

  /** The project's images, built locally for this run. */
  public LabImages images() {
    return requireNode(images);
  }

  /** The real node: kubelet, kube-proxy, CNI. */
  public LabNode node() {
    return requireNode(node);
  }

  private static <T> T requireNode(T part) {
    if (part == null) {
      throw new IllegalStateException("this lab runs without a node (Lab.Mode.PROCESSES)");
    }
    return part;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (Thread.currentThread() != closeOnExit) {
      try {
        Runtime.getRuntime().removeShutdownHook(closeOnExit);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook runs, or ran, this same close
      }
    }
    if (operator != null) {
      operator.close();
    }
    if (node != null) {
      node.close();
    }
    if (containers != null) {
      containers.close();
    }
    issuer.close();
    if (postfix != null) {
      postfix.close();
    }
    if (policyServers != null) {
      policyServers.close();
    }
    controlPlane.close();
    if (dns != null) {
      dns.close();
    }
    network.close();
    lock.close();
  }
}
