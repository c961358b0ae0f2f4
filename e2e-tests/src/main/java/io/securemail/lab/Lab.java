package io.securemail.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
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
      "switch.test", "dane.test", "comply.test", "rsa.test", "sts.test", "rbac.test", "edge.test",
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

  private Lab(ControlPlane controlPlane, DnsLab dns, OperatorProcess operator, Map<String, String> operatorProperties,
      Path workDir, LabIssuer issuer, PostfixServer postfix, PolicyServers policyServers, Path repoDir, ChartRbac rbac) {
    this.rbac = rbac;
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
    long started = System.nanoTime();
    DnsLab dns = DnsLab.start(workDir.resolve("dns"), ZONES, BIND_ZONES);
    ControlPlane controlPlane = null;
    LabIssuer issuer = null;
    PostfixServer postfix = null;
    PolicyServers policyServers = null;
    try {
      controlPlane = ControlPlane.start(workDir);
      // The CRDs the build generated (GeneratedCrdTest keeps the committed crds/ equal to them).
      controlPlane.installCrds(crdFiles(repoDir.resolve("operator/target/kubernetes")));
      // cert-manager's API before the operator starts, so the operator finds it installed.
      issuer = LabIssuer.start(controlPlane.client(), workDir.resolve("cert-manager"));
      postfix = PostfixServer.start(workDir.resolve("postfix"));
      policyServers = PolicyServers.start(workDir.resolve("mta-sts"));
      Map<String, String> properties = new java.util.HashMap<>(operatorProperties);
      // The operator observes DNS only through the lab's validating resolver: nothing leaves loopback.
      properties.putIfAbsent("securemail.dns.resolvers", dns.resolverAddress() + ":" + dns.resolverPort());
      // The compliance checks trust the lab resolver's AD bit (it is on loopback) and the lab CA.
      properties.putIfAbsent("securemail.compliance.dnssec", "resolver");
      properties.putIfAbsent("securemail.compliance.ca-file", issuer.caCertificateFile().toString());
      // The operator runs as the Helm chart's ServiceAccount: the API server enforces the chart's RBAC.
      ChartRbac rbac = ChartRbac.install(controlPlane, repoDir.resolve("helm/securemail-operator"), workDir);
      OperatorProcess operator = OperatorProcess.start(repoDir.resolve("operator"), rbac.kubeconfig(),
          workDir.resolve("operator.log"), properties);
      System.out.printf("[lab] DNS, control plane, cert-manager stand-in, Postfix, policy servers and operator up "
          + "in %.1f s (work dir %s)%n", (System.nanoTime() - started) / 1e9, workDir);
      return new Lab(controlPlane, dns, operator, properties, workDir, issuer, postfix, policyServers, repoDir, rbac);
    } catch (IOException | RuntimeException e) {
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
      dns.close();
      throw e;
    }
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

  @Override
  public void close() {
    operator.close();
    issuer.close();
    postfix.close();
    policyServers.close();
    controlPlane.close();
    dns.close();
  }
}
