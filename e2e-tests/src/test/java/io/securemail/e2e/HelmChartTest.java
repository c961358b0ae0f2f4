package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.securemail.lab.cluster.ChartRbac;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The Helm chart (helm/securemail-operator), linted and rendered by Helm's own library: what an
 * administrator gets from `helm install` with default and with changed values. Needs no cluster, no
 * helm binary and no lab.
 */
class HelmChartTest {

  static final Path REPO = GeneratedCrdTest.REPO;
  static final Path CHART = REPO.resolve("helm/securemail-operator");
  static final String RELEASE = "securemail-operator";
  static final String NAMESPACE = "securemail-system";
  /** The Maven project version (the root pom.xml): the chart's version and the images' tag. */
  static final String VERSION = projectVersion();

  /** Every rule the operator gets in a namespace it manages: group|resource|verb. */
  static final Set<String> NAMESPACED_RULES = rules(
      "securemail.io|securemaildomains|list,watch,create,patch",
      "securemail.io|securemaildomains/status|patch",
      "securemail.io|mailtransports|list,watch,patch",
      "securemail.io|mailtransports/status|patch",
      "|secrets|get,create,update,patch,delete",
      "|configmaps|get,list,watch,create,update,patch,delete",
      "|events|create",
      "apps|deployments|get,create,patch",
      "|services|get,list,watch,create,patch,delete",
      "|pods|list",
      "apps|statefulsets|list,watch,create,patch,delete",
      "networking.k8s.io|ingresses|list,watch,create,patch,delete",
      "cert-manager.io|certificates|list,watch,create,patch,delete",
      "cert-manager.io|issuers|get",
      "externaldns.k8s.io|dnsendpoints|list,watch,create,patch,delete");

  /**
   * The cluster-scoped reads, in both modes (without operator.ownerId, the UID of namespace
   * kube-system names the cluster in DNS ownership records).
   */
  static final Set<String> CLUSTER_RULES = rules(
      "apiextensions.k8s.io|customresourcedefinitions|get",
      "cert-manager.io|clusterissuers|get",
      "|namespaces:kube-system|get");

  /**
   * The namespaces whose labels a MailTransport's spec.attach.namespaceSelector is decided on: any,
   * read by GET only (no list or watch of namespaces).
   */
  static final Set<String> NAMESPACE_LABELS_RULE = rules("|namespaces|get");

  /** The alerts of the chart's PrometheusRule. */
  static final List<String> ALERTS = List.of("SecureMailDomainNotCompliant", "SecureMailTlsaMismatch",
      "SecureMailCertificateExpiring", "SecureMailDaneRolloverStuck", "SecureMailMtaNotReady",
      "SecureMailComplianceStale", "SecureMailOperatorDown", "SecureMailTlsReportFailures");

  static final String RUNBOOKS = "https://github.com/securemail/securemail-operator/blob/main/docs/";

  static final String HOOK = "helm.sh/hook";
  static final String RENAMED_HOOK = "test.securemail.io/hook";

  @TempDir
  Path temp;

  @Test
  void lintsCleanInStrictMode() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {GeneratedCrdTest.CRD, GeneratedCrdTest.TRANSPORT_CRD})
  void chartCrdIsTheGeneratedOne(String crd) throws IOException {
    Path source = REPO.resolve("crds").resolve(crd);
    Path copy = CHART.resolve("crds").resolve(crd);
    if (GeneratedCrdTest.UPDATE) {
      Files.createDirectories(copy.getParent());
      Files.copy(source, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    assertThat(copy).as("the chart's CRD").isRegularFile();
    assertThat(Files.readAllBytes(copy))
        .as("%s differs from %s: run the build with -Dsecuremail.updateGenerated=true and commit it",
            REPO.relativize(copy), REPO.relativize(source))
        .isEqualTo(Files.readAllBytes(source));
  }

  @Test
  void chartVersionsAreTheProjectVersion() throws IOException {
    Map<?, ?> chart = Serialization.unmarshal(Files.readString(CHART.resolve("Chart.yaml")), Map.class);
    assertThat(chart.get("appVersion")).as("appVersion in %s", REPO.relativize(CHART.resolve("Chart.yaml")))
        .isEqualTo(VERSION);
    assertThat(chart.get("version")).as("version in %s", REPO.relativize(CHART.resolve("Chart.yaml")))
        .isEqualTo(VERSION);
  }

  @Test
  void imagesAreTheProjectsOwnTaggedWithTheProjectVersion() {
    List<HasMetadata> defaults = render("");
    assertThat(container(defaults).getImage()).isEqualTo("ghcr.io/securemail/securemail-operator:" + VERSION);
    assertThat(env(container(defaults)))
        .containsEntry("SECUREMAIL_MTA_IMAGE", "ghcr.io/securemail/securemail-mta:" + VERSION)
        .containsEntry("SECUREMAIL_MTASTS_IMAGE", "ghcr.io/securemail/securemail-policy-server:" + VERSION);

    // One registry and one tag move all three.
    List<HasMetadata> mirrored = render("image: {registry: registry.example:5000/mail, tag: \"1.2.3\"}\n");
    assertThat(container(mirrored).getImage()).isEqualTo("registry.example:5000/mail/securemail-operator:1.2.3");
    assertThat(env(container(mirrored)))
        .containsEntry("SECUREMAIL_MTA_IMAGE", "registry.example:5000/mail/securemail-mta:1.2.3")
        .containsEntry("SECUREMAIL_MTASTS_IMAGE", "registry.example:5000/mail/securemail-policy-server:1.2.3");

    // Each image can still be named on its own.
    String digest = "sha256:" + "0123456789abcdef".repeat(4);
    List<HasMetadata> own = render("""
        image: {repository: registry.example/team/operator}
        operator:
          mta: {image: "registry.example/team/mta@%s"}
          mtaSts: {image: "registry.example/team/policy-server:2.0"}
        """.formatted(digest));
    assertThat(container(own).getImage()).isEqualTo("registry.example/team/operator:" + VERSION);
    assertThat(env(container(own)))
        .containsEntry("SECUREMAIL_MTA_IMAGE", "registry.example/team/mta@" + digest)
        .containsEntry("SECUREMAIL_MTASTS_IMAGE", "registry.example/team/policy-server:2.0");
  }

  @Test
  void defaultsRenderTheOperatorWithClusterWideRbac() {
    List<HasMetadata> objects = render("");
    assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactlyInAnyOrder(
        "ServiceAccount/securemail-operator",
        "ClusterRole/securemail-operator",
        "ClusterRole/securemail-operator-view",
        "ClusterRole/securemail-operator-edit",
        "ClusterRoleBinding/securemail-operator",
        "Role/securemail-operator-leader-election",
        "RoleBinding/securemail-operator-leader-election",
        "Service/securemail-operator-metrics",
        "Service/securemail-operator-tlsrpt",
        "Deployment/securemail-operator");
    assertThat(objects).filteredOn(o -> !o.getKind().startsWith("Cluster"))
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(NAMESPACE));

    ClusterRoleBinding binding = one(objects, ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo("securemail-operator");
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo("securemail-operator");
      assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
    });
  }

  @Test
  void clusterRoleGrantsExactlyWhatTheOperatorUses() {
    ClusterRole role = operatorClusterRole(render(""));
    Set<String> expected = new TreeSet<>(NAMESPACED_RULES);
    expected.addAll(CLUSTER_RULES);
    expected.addAll(NAMESPACE_LABELS_RULE);
    assertThat(flatten(role.getRules())).isEqualTo(expected);
    assertThat(role.getRules()).allSatisfy(r -> {
      assertThat(r.getApiGroups()).doesNotContain("*");
      assertThat(r.getResources()).doesNotContain("*");
      assertThat(r.getVerbs()).doesNotContain("*");
      assertThat(r.getNonResourceURLs()).isNullOrEmpty();
    });
  }

  @Test
  void leaderElectionUsesOneLeaseInTheReleaseNamespace() {
    List<HasMetadata> objects = render("");
    Role lease = one(objects, Role.class);
    assertThat(lease.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    // The Lease, and (TLS report mail is on by default) the leader's label on its own Pod, which
    // the report Service selects.
    assertThat(lease.getRules()).extracting(r -> String.join(",", r.getApiGroups()) + "|" + String.join(",",
        r.getResources()) + "|" + String.join(",", r.getVerbs()) + " " + r.getResourceNames())
        .containsExactlyInAnyOrder("coordination.k8s.io|leases|create []",
            "coordination.k8s.io|leases|get,update,patch [securemail-operator]", "|pods|get,list,patch []");
    assertThat(env(container(objects))).containsEntry("SECUREMAIL_LEADER_ELECTION_ENABLED", "true")
        .containsEntry("SECUREMAIL_LEADER_ELECTION_LEASE_NAME", "securemail-operator")
        .containsEntry("SECUREMAIL_LEADER_ELECTION_LEASE_NAMESPACE", NAMESPACE);
    assertThat(container(objects).getEnv()).filteredOn(e -> e.getName().startsWith("SECUREMAIL_LEADER_ELECTION_POD_"))
        .extracting(e -> e.getName() + "=" + e.getValueFrom().getFieldRef().getFieldPath())
        .containsExactlyInAnyOrder("SECUREMAIL_LEADER_ELECTION_POD_NAME=metadata.name",
            "SECUREMAIL_LEADER_ELECTION_POD_NAMESPACE=metadata.namespace");

    // No reports received: no label, so no Pod rights and no Pod name.
    List<HasMetadata> noReports = render("operator: {tlsReports: {mail: {enabled: false}}}\n");
    assertThat(one(noReports, Role.class).getRules()).allSatisfy(r ->
        assertThat(r.getResources()).containsExactly("leases"));
    assertThat(env(container(noReports))).doesNotContainKeys("SECUREMAIL_LEADER_ELECTION_POD_NAME",
        "SECUREMAIL_LEADER_ELECTION_POD_NAMESPACE");

    List<HasMetadata> single = render("leaderElection: {enabled: false}\n");
    assertThat(single).noneMatch(o -> o instanceof Role);
    assertThat(env(container(single))).containsEntry("SECUREMAIL_LEADER_ELECTION_ENABLED", "false")
        .doesNotContainKey("SECUREMAIL_LEADER_ELECTION_LEASE_NAME");
  }

  @Test
  void podAndContainerAreRestricted() {
    List<HasMetadata> objects = render("");
    Deployment deployment = one(objects, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("securemail-operator");
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(185L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    Container container = container(objects);
    assertThat(container.getImage()).isEqualTo("ghcr.io/securemail/securemail-operator:" + VERSION);
    var security = container.getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getPrivileged()).isNull();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getMountPath()).isEqualTo("/tmp");
      assertThat(pod.getVolumes()).anySatisfy(v -> {
        assertThat(v.getName()).isEqualTo(m.getName());
        assertThat(v.getEmptyDir()).isNotNull();
      });
    });

    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    // Metrics and health; LMTP for TLS report mail (operator.tlsRpt.lmtp.enabled, the default).
    assertThat(container.getPorts()).extracting(p -> p.getName() + "/" + p.getContainerPort())
        .containsExactly("http/8080", "lmtp/2424");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");
    assertThat(pod.getHostNetwork()).isNull();
    assertThat(pod.getHostPID()).isNull();
  }

  @Test
  void operatorSettingsBecomeItsEnvironment() {
    List<HasMetadata> defaults = render("");
    assertThat(env(container(defaults))).containsEntry("SECUREMAIL_COMPLIANCE_DNSSEC", "validate")
        .containsEntry("SECUREMAIL_COMPLIANCE_MAX_CONCURRENT", "4")
        .containsEntry("QUARKUS_LOG_LEVEL", "INFO")
        .containsEntry("SECUREMAIL_MTASTS_IMAGE", "ghcr.io/securemail/securemail-policy-server:" + VERSION)
        .containsEntry("SECUREMAIL_MTASTS_REPLICAS", "2")
        .containsEntry("SECUREMAIL_MTASTS_SERVICE_TYPE", "LoadBalancer")
        .containsEntry("SECUREMAIL_MTA_IMAGE", "ghcr.io/securemail/securemail-mta:" + VERSION)
        .containsEntry("SECUREMAIL_MTA_CLUSTER_DOMAIN", "cluster.local")
        .containsEntry("SECUREMAIL_MTA_CLUSTER_DNS_ADDRESS", "10.96.0.10")
        .containsEntry("SECUREMAIL_MTA_POSTFIX_CPU_REQUEST", "100m")
        .containsEntry("SECUREMAIL_MTA_POSTFIX_MEMORY_REQUEST", "128Mi")
        .containsEntry("SECUREMAIL_MTA_POSTFIX_MEMORY_LIMIT", "512Mi")
        .containsEntry("SECUREMAIL_TENANCY_INGRESS_ANNOTATIONS", "*")
        .containsEntry("SECUREMAIL_NETWORK_ALLOW_PRIVATE_TARGETS", "false")
        .doesNotContainKeys("SECUREMAIL_DNS_RESOLVERS", "SECUREMAIL_OWNER_ID",
            "QUARKUS_OPERATOR_SDK_CONTROLLERS_SECUREMAILDOMAIN_NAMESPACES",
            "QUARKUS_OPERATOR_SDK_CONTROLLERS_MAILTRANSPORT_NAMESPACES", "SECUREMAIL_MTA_IMAGE_PULL_SECRETS", "SECUREMAIL_MTASTS_IMAGE_PULL_SECRETS",
            "SECUREMAIL_TENANCY_ALLOWED_DOMAINS");

    List<HasMetadata> set = render("""
        image: {repository: registry.example/securemail, tag: "1.2.3", pullPolicy: Always}
        operator:
          dnsResolvers: ["10.0.0.10", "resolver.example:5353", "[2001:db8::53]:53"]
          dnssec: resolver
          ownerId: cluster-b
          complianceMaxConcurrent: 8
          logLevel: DEBUG
          mtaSts: {image: registry.example/securemail-policy-server:1.2.4, replicas: 3, serviceType: ClusterIP,
                   imagePullSecrets: [registry-a]}
          mta: {image: registry.example/securemail-mta:1.2.3, clusterDomain: k8s.internal, clusterDnsAddress: 10.32.0.10,
                imagePullSecrets: [registry-a, registry-b],
                postfixResources: {cpuRequest: 500m, memoryRequest: 1Gi, memoryLimit: 2Gi}}
          tenancy:
            allowedDomains: {team-a: [example.com, example.org.], "*": [shared.example], mail-admin: ["*"]}
            ingressAnnotations: ["cert-manager.io/*", nginx.ingress.kubernetes.io/ssl-redirect]
          network: {allowPrivateTargets: true}
        extraEnv: [{name: SECUREMAIL_DANE_POLL_INTERVAL, value: 30s}]
        """);
    Container container = container(set);
    assertThat(container.getImage()).isEqualTo("registry.example/securemail:1.2.3");
    assertThat(container.getImagePullPolicy()).isEqualTo("Always");
    assertThat(env(container))
        .containsEntry("SECUREMAIL_DNS_RESOLVERS", "10.0.0.10,resolver.example:5353,[2001:db8::53]:53")
        .containsEntry("SECUREMAIL_COMPLIANCE_DNSSEC", "resolver")
        .containsEntry("SECUREMAIL_OWNER_ID", "cluster-b")
        .containsEntry("SECUREMAIL_COMPLIANCE_MAX_CONCURRENT", "8")
        .containsEntry("QUARKUS_LOG_LEVEL", "DEBUG")
        .containsEntry("SECUREMAIL_MTASTS_IMAGE", "registry.example/securemail-policy-server:1.2.4")
        .containsEntry("SECUREMAIL_MTASTS_REPLICAS", "3")
        .containsEntry("SECUREMAIL_MTASTS_SERVICE_TYPE", "ClusterIP")
        .containsEntry("SECUREMAIL_MTA_IMAGE", "registry.example/securemail-mta:1.2.3")
        .containsEntry("SECUREMAIL_MTA_CLUSTER_DOMAIN", "k8s.internal")
        .containsEntry("SECUREMAIL_MTA_CLUSTER_DNS_ADDRESS", "10.32.0.10")
        .containsEntry("SECUREMAIL_MTASTS_IMAGE_PULL_SECRETS", "registry-a")
        .containsEntry("SECUREMAIL_MTA_IMAGE_PULL_SECRETS", "registry-a,registry-b")
        .containsEntry("SECUREMAIL_MTA_POSTFIX_CPU_REQUEST", "500m")
        .containsEntry("SECUREMAIL_MTA_POSTFIX_MEMORY_REQUEST", "1Gi")
        .containsEntry("SECUREMAIL_MTA_POSTFIX_MEMORY_LIMIT", "2Gi")
        .containsEntry("SECUREMAIL_DANE_POLL_INTERVAL", "30s")
        .containsEntry("SECUREMAIL_TENANCY_ALLOWED_DOMAINS",
            "*=shared.example,mail-admin=*,team-a=example.com,team-a=example.org.")
        .containsEntry("SECUREMAIL_TENANCY_INGRESS_ANNOTATIONS", "cert-manager.io/*,nginx.ingress.kubernetes.io/ssl-redirect")
        .containsEntry("SECUREMAIL_NETWORK_ALLOW_PRIVATE_TARGETS", "true");
    assertThat(flatten(operatorClusterRole(set).getRules())).as("a named owner id needs no namespace read")
        .doesNotContain("|namespaces:kube-system|get");
  }

  /**
   * The TLS report receiver (docs/tls-reports-mail.md): a ClusterIP Service on the LMTP port
   * selecting the operator's leading Pod, and its cluster name in the operator's environment,
   * which renders it into the MTAs' transport tables. Off: neither.
   */
  @Test
  void tlsReportMailReceiverHasAClusterIpServiceTheOperatorKnowsByName() {
    List<HasMetadata> defaults = render("");
    Container container = container(defaults);
    assertThat(env(container)).containsEntry("SECUREMAIL_TLSRPT_LMTP_ENABLED", "true")
        .containsEntry("SECUREMAIL_TLSRPT_LMTP_PORT", "2424")
        .containsEntry("SECUREMAIL_TLSRPT_LMTP_SERVICE_HOST", "securemail-operator-tlsrpt." + NAMESPACE
            + ".svc.cluster.local");
    assertThat(container.getPorts()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("lmtp");
      assertThat(p.getContainerPort()).isEqualTo(2424);
    });
    Service service = reportService(defaults);
    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("lmtp");
      assertThat(p.getPort()).isEqualTo(2424);
      assertThat(p.getTargetPort().getStrVal()).isEqualTo("lmtp");
    });
    // The operator's Pods, and of them only the one the leader labelled (LeaderRole).
    Map<String, String> leader = new java.util.HashMap<>(one(defaults, Deployment.class).getSpec().getTemplate()
        .getMetadata().getLabels());
    assertThat(service.getSpec().getSelector()).containsEntry("securemail.io/leader", "true")
        .containsAllEntriesOf(one(defaults, Deployment.class).getSpec().getSelector().getMatchLabels());
    assertThat(leader).doesNotContainKey("securemail.io/leader");
    leader.put("securemail.io/leader", "true");
    assertThat(leader).containsAllEntriesOf(service.getSpec().getSelector());
    // Without leader election the one replica receives: the Service selects every operator Pod.
    assertThat(reportService(render("leaderElection: {enabled: false}\n")).getSpec().getSelector())
        .isEqualTo(one(defaults, Deployment.class).getSpec().getSelector().getMatchLabels());

    List<HasMetadata> moved = render("operator: {mta: {clusterDomain: k8s.internal}, tlsReports: {mail: {port: 2525}}}\n");
    assertThat(env(container(moved))).containsEntry("SECUREMAIL_TLSRPT_LMTP_PORT", "2525")
        .containsEntry("SECUREMAIL_TLSRPT_LMTP_SERVICE_HOST", "securemail-operator-tlsrpt." + NAMESPACE
            + ".svc.k8s.internal");
    assertThat(reportService(moved).getSpec().getPorts()).singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(2525));

    List<HasMetadata> off = render("operator: {tlsReports: {mail: {enabled: false}}}\n");
    assertThat(env(container(off))).containsEntry("SECUREMAIL_TLSRPT_LMTP_ENABLED", "false")
        .doesNotContainKeys("SECUREMAIL_TLSRPT_LMTP_PORT", "SECUREMAIL_TLSRPT_LMTP_SERVICE_HOST");
    assertThat(container(off).getPorts()).extracting(p -> p.getName()).containsExactly("http");
    assertThat(all(off, Service.class)).extracting(o -> o.getMetadata().getName())
        .containsExactly("securemail-operator-metrics");
  }

  /**
   * The former operator.tlsRpt.lmtp.enabled and .port still work for one release, and win over the
   * new keys, so an upgrade with the old values changes nothing (docs/upgrade.md).
   */
  @Test
  void theDeprecatedTlsRptLmtpKeysStillWork() {
    List<HasMetadata> moved = render("operator: {tlsRpt: {lmtp: {port: 2626}}}\n");
    assertThat(env(container(moved))).containsEntry("SECUREMAIL_TLSRPT_LMTP_ENABLED", "true")
        .containsEntry("SECUREMAIL_TLSRPT_LMTP_PORT", "2626");
    assertThat(container(moved).getPorts()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("lmtp");
      assertThat(p.getContainerPort()).isEqualTo(2626);
    });
    assertThat(reportService(moved).getSpec().getPorts()).singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(2626));

    List<HasMetadata> off = render("operator: {tlsRpt: {lmtp: {enabled: false}}, tlsReports: {mail: {enabled: true}}}\n");
    assertThat(env(container(off))).containsEntry("SECUREMAIL_TLSRPT_LMTP_ENABLED", "false")
        .doesNotContainKey("SECUREMAIL_TLSRPT_LMTP_PORT");
    assertThat(all(off, Service.class)).extracting(o -> o.getMetadata().getName())
        .containsExactly("securemail-operator-metrics");
    assertThat(one(off, Role.class).getRules()).allSatisfy(r -> assertThat(r.getResources()).containsExactly("leases"));

    List<HasMetadata> withPolicy = render("""
        operator: {tlsRpt: {lmtp: {enabled: false}}}
        networkPolicy: {enabled: true}
        """);
    assertThat(one(withPolicy, NetworkPolicy.class).getSpec().getIngress())
        .noneMatch(i -> i.getPorts().stream().anyMatch(p -> "lmtp".equals(p.getPort().getStrVal())));
  }

  /** What helm install and helm upgrade print: a line naming the deprecated values in use, and none without. */
  @Test
  void theNotesNameTheDeprecatedValuesInUse() throws IOException {
    Path old = Files.createTempFile(temp, "values", ".yaml");
    Files.writeString(old, "operator: {tlsRpt: {lmtp: {enabled: true, port: 2626}}}\n");
    String notes = new Helm(CHART).install().withName(RELEASE).withNamespace(NAMESPACE).clientOnly().dryRun()
        .withValuesFile(old).call().getOutput();
    assertThat(notes.replaceAll("\\s+", " ")).contains("DEPRECATED values in use: operator.tlsRpt.lmtp.enabled "
        + "(now operator.tlsReports.mail.enabled), operator.tlsRpt.lmtp.port (now operator.tlsReports.mail.port).");
    assertThat(new Helm(CHART).install().withName(RELEASE).withNamespace(NAMESPACE).clientOnly().dryRun().call()
        .getOutput()).contains("securemail-operator").doesNotContain("DEPRECATED");
  }

  private static Service reportService(List<HasMetadata> objects) {
    return all(objects, Service.class).stream().filter(o -> o.getMetadata().getName().equals("securemail-operator-tlsrpt"))
        .findFirst().orElseThrow();
  }

  @Test
  void watchNamespacesGetARoleEachAndNoClusterWideNamespacedRights() {
    List<HasMetadata> objects = render("watchNamespaces: [team-a, team-b]\n");
    List<Role> roles = all(objects, Role.class).stream()
        .filter(r -> !r.getMetadata().getName().endsWith("-leader-election")).toList();
    assertThat(roles).extracting(r -> r.getMetadata().getNamespace()).containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(roles).allSatisfy(r -> assertThat(flatten(r.getRules())).isEqualTo(NAMESPACED_RULES));
    assertThat(all(objects, RoleBinding.class))
        .filteredOn(b -> !b.getMetadata().getName().endsWith("-leader-election"))
        .extracting(b -> b.getMetadata().getNamespace() + " " + b.getRoleRef().getKind() + "/" + b.getRoleRef().getName()
            + " -> " + b.getSubjects().get(0).getNamespace() + "/" + b.getSubjects().get(0).getName())
        .containsExactlyInAnyOrder("team-a Role/securemail-operator -> securemail-system/securemail-operator",
            "team-b Role/securemail-operator -> securemail-system/securemail-operator");

    // Namespace labels (spec.attach.namespaceSelector) of the watched namespaces only.
    Set<String> clusterRules = new TreeSet<>(CLUSTER_RULES);
    clusterRules.addAll(rules("|namespaces:team-a|get", "|namespaces:team-b|get"));
    assertThat(flatten(operatorClusterRole(objects).getRules())).isEqualTo(clusterRules);
    assertThat(all(objects, ClusterRole.class)).extracting(c -> c.getMetadata().getName())
        .containsExactlyInAnyOrder("securemail-operator", "securemail-operator-view", "securemail-operator-edit");
    assertThat(env(container(objects)))
        .containsEntry("QUARKUS_OPERATOR_SDK_CONTROLLERS_SECUREMAILDOMAIN_NAMESPACES", "team-a,team-b")
        .containsEntry("QUARKUS_OPERATOR_SDK_CONTROLLERS_MAILTRANSPORT_NAMESPACES", "team-a,team-b");
  }

  @Test
  void monitoringAndNetworkPolicyOnlyWhenEnabled() {
    List<HasMetadata> defaults = render("");
    assertThat(defaults).extracting(HasMetadata::getKind)
        .doesNotContain("ServiceMonitor", "PrometheusRule", "NetworkPolicy");

    List<HasMetadata> objects = render("""
        metrics:
          serviceMonitor: {enabled: true, labels: {release: prometheus}}
          prometheusRule: {enabled: true}
        networkPolicy: {enabled: true}
        """);
    GenericKubernetesResource monitor = generic(objects, "ServiceMonitor");
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    assertThat(monitor.<String>get("spec", "endpoints", 0, "path")).isEqualTo("/q/metrics");
    assertThat(monitor.<String>get("spec", "endpoints", 0, "port")).isEqualTo("http");
    Map<String, String> serviceLabels = objects.stream().filter(o -> o.getKind().equals("Service")).findFirst()
        .orElseThrow().getMetadata().getLabels();
    assertThat(serviceLabels).containsAllEntriesOf(monitor.get("spec", "selector", "matchLabels"));

    GenericKubernetesResource rule = generic(objects, "PrometheusRule");
    List<Map<String, Object>> alerts = rule.get("spec", "groups", 0, "rules");
    Map<String, String> exprs = alerts.stream()
        .collect(Collectors.toMap(a -> (String) a.get("alert"), a -> (String) a.get("expr")));
    assertThat(exprs).containsOnlyKeys(ALERTS.toArray(String[]::new));
    // ConditionMetrics' gauges.
    assertThat(exprs.get("SecureMailDaneRolloverStuck")).isEqualTo("securemail_dane_rollover_stuck == 1");
    assertThat(exprs.get("SecureMailMtaNotReady")).isEqualTo("securemail_condition_status{condition=\"MtaReady\"} == 0");
    assertThat(exprs.get("SecureMailDomainNotCompliant")).isEqualTo("securemail_compliance_compliant == 0");
    // ComplianceMetrics: 0 pass, 1 warn, 2 fail, -1 skip.
    assertThat(exprs.get("SecureMailTlsaMismatch"))
        .isEqualTo("securemail_compliance_check_status{check=\"dane.match\"} == 2");
    assertThat(exprs.get("SecureMailCertificateExpiring"))
        .isEqualTo("securemail_certificate_expiry_timestamp_seconds - time() < 14 * 86400");
    assertThat(alerts).filteredOn(a -> a.get("alert").equals("SecureMailDomainNotCompliant"))
        .singleElement().satisfies(a -> assertThat(a.get("for")).isEqualTo("15m"));
    // Per-domain alerts name the domain; SecureMailOperatorDown has no domain (absent() has no labels).
    assertThat(alerts).filteredOn(a -> !a.get("alert").equals("SecureMailOperatorDown"))
        .allSatisfy(a -> assertThat(((Map<?, ?>) a.get("annotations")).get("summary").toString())
            .contains("{{ $labels."));

    NetworkPolicy policy = one(objects, NetworkPolicy.class);
    assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    Set<String> egress = new TreeSet<>();
    policy.getSpec().getEgress().forEach(e -> e.getPorts().forEach(p ->
        egress.add(p.getProtocol() + "/" + (p.getPort().getIntVal() != null ? p.getPort().getIntVal() : p.getPort().getStrVal()))));
    assertThat(egress).containsExactlyInAnyOrder("UDP/53", "TCP/53", "TCP/25", "TCP/443", "TCP/6443");
    assertThat(policy.getSpec().getIngress()).hasSize(3).first().satisfies(i ->
        assertThat(i.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("http")));
    assertThat(policy.getSpec().getIngress().get(1).getPorts()).singleElement()
        .satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("http"));
    // TLS report mail (operator.tlsRpt.lmtp.enabled, the default): from the MTA Pods of every namespace.
    assertThat(policy.getSpec().getIngress().get(2)).satisfies(i -> {
      assertThat(i.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("lmtp"));
      assertThat(i.getFrom()).singleElement().satisfies(f -> {
        assertThat(f.getNamespaceSelector().getMatchLabels()).isNullOrEmpty();
        assertThat(f.getPodSelector().getMatchLabels()).containsOnly(Map.entry("app.kubernetes.io/name", "securemail-mta"));
      });
    });
    // Prometheus, from the monitoring namespace.
    assertThat(policy.getSpec().getIngress().get(0).getFrom()).singleElement()
        .satisfies(f -> assertThat(f.getNamespaceSelector().getMatchLabels())
            .containsEntry("kubernetes.io/metadata.name", "monitoring"));
    // helm test's Pod, from the release namespace (helmTestAsksTheOperatorsReadinessThroughTheMetricsService).
    assertThat(policy.getSpec().getIngress().get(1).getFrom()).singleElement().satisfies(f -> {
      assertThat(f.getNamespaceSelector()).isNull();
      assertThat(f.getPodSelector().getMatchLabels()).containsOnly(Map.entry("app.kubernetes.io/instance", RELEASE),
          Map.entry("app.kubernetes.io/component", "test"));
    });
  }

  /**
   * The Grafana dashboard: only when asked for, labelled for the sidecar, valid JSON, and every
   * panel queries series the operator exports (a renamed metric would leave a panel empty).
   */
  @Test
  void grafanaDashboardIsAConfigMapForTheSidecarQueryingTheOperatorsSeries() throws Exception {
    assertThat(all(render(""), ConfigMap.class)).noneMatch(c -> c.getMetadata().getName().endsWith("-dashboard"));
    ConfigMap dashboard = all(render("""
        metrics:
          grafanaDashboard: {enabled: true, namespace: monitoring, annotations: {grafana_folder: Mail}}
        """), ConfigMap.class).stream().filter(c -> c.getMetadata().getName().endsWith("-dashboard"))
        .findFirst().orElseThrow();
    assertThat(dashboard.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboard.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Mail");
    com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(dashboard.getData().get("securemail-operator.json"));
    List<String> exprs = new java.util.ArrayList<>();
    json.path("panels").forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
    assertThat(exprs).hasSizeGreaterThanOrEqualTo(8);
    java.util.Set<String> exported = java.util.Set.of("securemail_condition_status", "securemail_compliance_compliant",
        "securemail_compliance_check_status", "securemail_dane_rollover_stuck",
        "securemail_certificate_expiry_timestamp_seconds", "securemail_compliance_last_check_timestamp_seconds",
        "securemail_dns_updates_total", "securemail_dns_failures_total");
    for (String expr : exprs) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("securemail_[a-z_]+").matcher(expr);
      assertThat(m.find()).as(expr).isTrue();
      m.reset();
      while (m.find()) {
        assertThat(exported).as("a series the operator exports, in " + expr).contains(m.group());
      }
    }
  }

  @Test
  void prometheusRuleWithLabelsParsesAndHasEveryAlertOnce() {
    // kube-prometheus-stack selects rules by a label: the rule must render with labels set.
    List<HasMetadata> objects = render("""
        metrics:
          prometheusRule: {enabled: true, labels: {release: kube-prometheus-stack, team: mail}}
        """);
    GenericKubernetesResource rule = generic(objects, "PrometheusRule");
    assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack")
        .containsEntry("team", "mail").containsEntry("app.kubernetes.io/component", "operator")
        .allSatisfy((key, value) -> assertThat(value).doesNotContain("alert"));
    assertThat(rule.getAdditionalProperties()).containsOnlyKeys("spec");
    List<Map<String, Object>> groups = rule.get("spec", "groups");
    assertThat(groups).singleElement().satisfies(g -> assertThat(g).containsOnlyKeys("name", "rules"));
    List<Map<String, Object>> alerts = rule.get("spec", "groups", 0, "rules");
    assertThat(alerts).extracting(a -> (String) a.get("alert")).containsExactlyInAnyOrderElementsOf(ALERTS);

    // The same without labels (the chart's default).
    List<Map<String, Object>> unlabelled = generic(render("metrics: {prometheusRule: {enabled: true}}\n"),
        "PrometheusRule").get("spec", "groups", 0, "rules");
    assertThat(unlabelled).extracting(a -> (String) a.get("alert")).containsExactlyInAnyOrderElementsOf(ALERTS);
  }

  @Test
  void serviceMonitorHonorsTheOperatorsNamespaceLabel() {
    // The operator's series carry the domain's namespace as the label namespace; without
    // honorLabels Prometheus would rename it to exported_namespace.
    Map<String, Object> defaults = generic(render("metrics: {serviceMonitor: {enabled: true}}\n"), "ServiceMonitor")
        .get("spec", "endpoints", 0);
    assertThat(defaults).containsEntry("honorLabels", true).containsEntry("interval", "30s")
        .doesNotContainKeys("scrapeTimeout", "relabelings");

    Map<String, Object> set = generic(render("""
        metrics:
          serviceMonitor:
            enabled: true
            honorLabels: false
            scrapeTimeout: 10s
            relabelings: [{action: labeldrop, regex: pod}]
        """), "ServiceMonitor").get("spec", "endpoints", 0);
    assertThat(set).containsEntry("honorLabels", false).containsEntry("scrapeTimeout", "10s")
        .containsEntry("relabelings", List.of(Map.of("action", "labeldrop", "regex", "pod")));
  }

  @Test
  void everyAlertHasAForAndARunbookSectionInTheDocs() throws IOException {
    List<Map<String, Object>> alerts = generic(render("metrics: {prometheusRule: {enabled: true}}\n"),
        "PrometheusRule").get("spec", "groups", 0, "rules");
    assertThat(alerts).hasSize(ALERTS.size());
    for (Map<String, Object> alert : alerts) {
      assertThat(alert.get("for")).as("for of %s", alert.get("alert")).asString().matches("[0-9]+[smhd]");
      String url = (String) ((Map<?, ?>) alert.get("annotations")).get("runbook_url");
      assertThat(url).as("runbook_url of %s", alert.get("alert")).startsWith(RUNBOOKS).contains("#");
      // The page exists and has a heading with that anchor (GitHub's: lower case, punctuation dropped).
      String page = url.substring(RUNBOOKS.length(), url.indexOf('#'));
      String anchor = url.substring(url.indexOf('#') + 1);
      Path doc = REPO.resolve("docs").resolve(page);
      assertThat(doc).as("runbook page of %s", alert.get("alert")).isRegularFile();
      assertThat(Files.readAllLines(doc).stream().filter(l -> l.startsWith("#")).map(HelmChartTest::githubAnchor))
          .as("headings of %s", page).contains(anchor);
    }
    assertThat(alerts).filteredOn(a -> a.get("alert").equals("SecureMailTlsaMismatch")).singleElement()
        .satisfies(a -> assertThat(((Map<?, ?>) a.get("annotations")).get("runbook_url"))
            .isEqualTo(RUNBOOKS + "compliance.md#danematch"));

    // Another base (a mirror, a release tag), with or without the trailing slash.
    for (String base : List.of("https://git.example/mail/securemail/src/tag/v1/docs",
        "https://git.example/mail/securemail/src/tag/v1/docs/")) {
      List<Map<String, Object>> moved = generic(render("metrics: {prometheusRule: {enabled: true, runbookBaseUrl: \""
          + base + "\"}}\n"), "PrometheusRule").get("spec", "groups", 0, "rules");
      assertThat(moved).allSatisfy(a -> assertThat(((Map<?, ?>) a.get("annotations")).get("runbook_url")).asString()
          .startsWith("https://git.example/mail/securemail/src/tag/v1/docs/").doesNotContain("docs//"));
    }
  }

  @Test
  void operatorDownAndStaleComplianceAlerts() {
    List<HasMetadata> objects = render("metrics: {prometheusRule: {enabled: true}}\n");
    Map<String, Map<String, Object>> alerts = alerts(objects);
    // Prometheus Operator names a ServiceMonitor target's job after the Service.
    String service = objects.stream().filter(o -> o.getKind().equals("Service")).findFirst().orElseThrow()
        .getMetadata().getName();
    assertThat(alerts.get("SecureMailOperatorDown")).containsEntry("expr",
        "absent(up{job=\"" + service + "\", namespace=\"" + NAMESPACE + "\"} == 1)").containsEntry("for", "5m");
    assertThat(map(alerts.get("SecureMailOperatorDown").get("labels")))
        .containsEntry("severity", "critical").containsEntry("namespace", NAMESPACE);
    // 3 x the default compliance interval (5m) = 30m = 1800 s.
    assertThat(alerts.get("SecureMailComplianceStale")).containsEntry("expr",
            "time() - max by (namespace, name) (securemail_compliance_last_check_timestamp_seconds) > 1800")
        .containsEntry("for", "5m");

    Map<String, Map<String, Object>> set = alerts(render("""
        metrics:
          prometheusRule:
            enabled: true
            complianceStaleAfter: 3h
            complianceStaleFor: 10m
            operatorDownFor: 2m
            certificateExpiringFor: 2h
            daneRolloverStuckFor: 30m
            mtaNotReadyFor: 1h
        """));
    assertThat(set.get("SecureMailComplianceStale")).containsEntry("for", "10m").extractingByKey("expr").asString()
        .endsWith("> 10800");
    assertThat(set.get("SecureMailOperatorDown")).containsEntry("for", "2m");
    assertThat(set.get("SecureMailCertificateExpiring")).containsEntry("for", "2h");
    assertThat(set.get("SecureMailDaneRolloverStuck")).containsEntry("for", "30m");
    assertThat(set.get("SecureMailMtaNotReady")).containsEntry("for", "1h");
    assertThat(map(set.get("SecureMailMtaNotReady").get("annotations"))).extractingByKey("description")
        .asString().contains("False for 1h");

    // A stopped operator (replicas: 0) is not down.
    assertThat(alerts(render("replicas: 0\nmetrics: {prometheusRule: {enabled: true}}\n")))
        .doesNotContainKey("SecureMailOperatorDown").containsKey("SecureMailComplianceStale");
  }

  @Test
  void aggregatedClusterRolesLetViewAndEditUsersWorkWithDomains() {
    List<HasMetadata> objects = render("");
    ClusterRole view = named(objects, ClusterRole.class, "securemail-operator-view");
    assertThat(view.getMetadata().getLabels()).containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true");
    assertThat(flatten(view.getRules())).isEqualTo(rules("securemail.io|securemaildomains|get,list,watch",
        "securemail.io|mailtransports|get,list,watch"));
    ClusterRole edit = named(objects, ClusterRole.class, "securemail-operator-edit");
    assertThat(edit.getMetadata().getLabels()).doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-view")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true");
    assertThat(flatten(edit.getRules())).isEqualTo(
        rules("securemail.io|securemaildomains|get,list,watch,create,update,patch,delete,deletecollection",
            "securemail.io|mailtransports|get,list,watch,create,update,patch,delete,deletecollection"));
    // For people only: no binding of the chart names them, and the operator's own roles aggregate nothing.
    assertThat(all(objects, ClusterRoleBinding.class)).extracting(b -> b.getRoleRef().getName())
        .containsExactly("securemail-operator");
    assertThat(all(objects, RoleBinding.class)).extracting(b -> b.getRoleRef().getName())
        .doesNotContain("securemail-operator-view", "securemail-operator-edit");
    assertThat(operatorClusterRole(objects).getMetadata().getLabels().keySet())
        .noneMatch(k -> k.startsWith("rbac.authorization.k8s.io/aggregate-to-"));
    // The lab installs the RBAC bound to the operator's ServiceAccount, which RbacAuditTest measures.
    assertThat(ChartRbac.boundToTheServiceAccount(objects.stream()
            .filter(o -> o.getKind().equals("ServiceAccount") || o.getKind().contains("Role")).toList()))
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactlyInAnyOrder(
            "ServiceAccount/securemail-operator", "ClusterRole/securemail-operator",
            "ClusterRoleBinding/securemail-operator", "Role/securemail-operator-leader-election",
            "RoleBinding/securemail-operator-leader-election");

    assertThat(all(render("rbac: {aggregateClusterRoles: false}\n"), ClusterRole.class))
        .extracting(c -> c.getMetadata().getName()).containsExactly("securemail-operator");
    assertThat(all(render("rbac: {create: false}\n"), ClusterRole.class)).isEmpty();
    assertThat(all(render("watchNamespaces: [team-a]\n"), ClusterRole.class))
        .extracting(c -> c.getMetadata().getName())
        .contains("securemail-operator-view", "securemail-operator-edit");
  }

  @Test
  void tlsReportsAreKeptOnAVolumeAndReceivedOverHttpsOnlyWhenEnabled() {
    List<HasMetadata> defaults = render("");
    assertThat(env(container(defaults))).containsEntry("SECUREMAIL_TLSRPT_STORE", "/var/lib/securemail/tlsrpt")
        .containsEntry("SECUREMAIL_TLSRPT_MAX_BYTES", "1048576")
        .containsEntry("SECUREMAIL_TLSRPT_MAX_INFLATED_BYTES", "8388608")
        .containsEntry("SECUREMAIL_TLSRPT_RETENTION", "90d").doesNotContainKey("SECUREMAIL_TLSRPT_RECEIVER");
    var pod = one(defaults, Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("tls-reports")).singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(container(defaults).getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("tls-reports");
      assertThat(m.getMountPath()).isEqualTo("/var/lib/securemail/tlsrpt");
    });
    assertThat(defaults).noneMatch(o -> o.getKind().equals("PersistentVolumeClaim"));
    assertThat(reportService(defaults).getSpec().getPorts()).extracting(p -> p.getName()).containsExactly("lmtp");
    assertThat(env(container(defaults))).containsEntry("SECUREMAIL_TLSRPT_QUOTA_DOMAIN_BYTES", "67108864")
        .containsEntry("SECUREMAIL_TLSRPT_QUOTA_ORGANIZATION_REPORTS_PER_DAY", "100");

    List<HasMetadata> enabled = render("""
        operator:
          tlsReports:
            https: {enabled: true}
            retention: 30d
            quota: {domainBytes: 1048576, organizationReportsPerDay: 5}
            persistence: {enabled: true, storageClassName: fast, size: 2Gi}
        networkPolicy: {enabled: true}
        """);
    // One Service for both transports, a named port each: the policy servers are given its http
    // port, the MTAs its lmtp port.
    Service reports = reportService(enabled);
    assertThat(all(enabled, Service.class)).extracting(o -> o.getMetadata().getName())
        .containsExactlyInAnyOrder("securemail-operator-metrics", "securemail-operator-tlsrpt");
    assertThat(reports.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort() + "->"
        + p.getTargetPort().getStrVal()).containsExactlyInAnyOrder("http:8080->http", "lmtp:2424->lmtp");
    assertThat(reports.getSpec().getSelector()).containsEntry("securemail.io/leader", "true")
        .containsAllEntriesOf(one(enabled, Deployment.class).getSpec().getSelector().getMatchLabels());
    assertThat(env(container(enabled))).containsEntry("SECUREMAIL_TLSRPT_RETENTION", "30d")
        .containsEntry("SECUREMAIL_TLSRPT_RECEIVER", "securemail-operator-tlsrpt." + NAMESPACE + ".svc.cluster.local:8080")
        .containsEntry("SECUREMAIL_TLSRPT_LMTP_SERVICE_HOST", "securemail-operator-tlsrpt." + NAMESPACE
            + ".svc.cluster.local")
        .containsEntry("SECUREMAIL_TLSRPT_QUOTA_DOMAIN_BYTES", "1048576")
        .containsEntry("SECUREMAIL_TLSRPT_QUOTA_ORGANIZATION_REPORTS_PER_DAY", "5");
    // HTTPS alone: the Service has the http port only.
    assertThat(reportService(render("operator: {tlsReports: {https: {enabled: true, port: 8181}, mail: {enabled: false}}}\n"))
        .getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort()).containsExactly("http:8181");
    var claim = one(enabled, io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class);
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
    assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("2Gi");
    assertThat(one(enabled, Deployment.class).getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getName().equals("tls-reports")).singleElement()
        .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo(claim.getMetadata().getName()));
    var policy = one(enabled, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
    assertThat(policy.getSpec().getIngress()).as("ingress from the policy servers of every namespace")
        .anyMatch(rule -> rule.getFrom().size() == 1 && rule.getFrom().get(0).getPodSelector() != null
            && rule.getFrom().get(0).getNamespaceSelector() != null
            && "securemail-mta-sts".equals(rule.getFrom().get(0).getPodSelector().getMatchLabels()
                .get("app.kubernetes.io/name")));

    List<HasMetadata> existing = render("operator: {tlsReports: {persistence: {enabled: true, existingClaim: mine}}}\n");
    assertThat(existing).noneMatch(o -> o.getKind().equals("PersistentVolumeClaim"));
    assertThat(one(existing, Deployment.class).getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getName().equals("tls-reports")).singleElement()
        .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("mine"));
  }

  @Test
  void podDisruptionBudgetOnlyWhenEnabledWithSeveralReplicas() {
    assertThat(render("replicas: 2\n")).noneMatch(o -> o.getKind().equals("PodDisruptionBudget"));
    // One replica: a budget would block every node drain.
    assertThat(render("podDisruptionBudget: {enabled: true}\n"))
        .noneMatch(o -> o.getKind().equals("PodDisruptionBudget"));

    List<HasMetadata> objects = render("replicas: 2\npodDisruptionBudget: {enabled: true}\n");
    PodDisruptionBudget pdb = one(objects, PodDisruptionBudget.class);
    assertThat(pdb.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getMaxUnavailable()).isNull();
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(one(objects, Deployment.class).getSpec().getSelector().getMatchLabels());

    PodDisruptionBudget percent = one(render("replicas: 3\npodDisruptionBudget: {enabled: true, minAvailable: \"50%\"}\n"),
        PodDisruptionBudget.class);
    assertThat(percent.getSpec().getMinAvailable().getStrVal()).isEqualTo("50%");
    PodDisruptionBudget max = one(render("replicas: 3\npodDisruptionBudget: {enabled: true, maxUnavailable: 1}\n"),
        PodDisruptionBudget.class);
    assertThat(max.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(max.getSpec().getMinAvailable()).isNull();
  }

  @Test
  void topologySpreadConstraintsArePassedThrough() {
    assertThat(one(render(""), Deployment.class).getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
        .isNullOrEmpty();
    Deployment deployment = one(render("""
        replicas: 2
        topologySpreadConstraints:
          - maxSkew: 1
            topologyKey: topology.kubernetes.io/zone
            whenUnsatisfiable: ScheduleAnyway
            labelSelector: {matchLabels: {app.kubernetes.io/name: securemail-operator}}
        """), Deployment.class);
    assertThat(deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).singleElement()
        .satisfies(c -> {
          assertThat(c.getMaxSkew()).isEqualTo(1);
          assertThat(c.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
          assertThat(c.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
          assertThat(c.getLabelSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "securemail-operator");
        });
  }

  @Test
  void imageDigestPinsTheOperatorImage() {
    String digest = "sha256:" + "0123456789abcdef".repeat(4);
    List<HasMetadata> pinned = render("image: {digest: \"" + digest + "\"}\n");
    assertThat(container(pinned).getImage()).isEqualTo("ghcr.io/securemail/securemail-operator@" + digest);
    // The digest is the operator image's only; the other two keep their references.
    assertThat(env(container(pinned)))
        .containsEntry("SECUREMAIL_MTA_IMAGE", "ghcr.io/securemail/securemail-mta:" + VERSION)
        .containsEntry("SECUREMAIL_MTASTS_IMAGE", "ghcr.io/securemail/securemail-policy-server:" + VERSION);
    assertThat(container(render("image: {repository: registry.example/team/operator, tag: \"2.0\", digest: \""
        + digest + "\"}\n")).getImage()).isEqualTo("registry.example/team/operator@" + digest);
    assertThat(container(render("image: {registry: registry.example/mail, digest: \"" + digest + "\"}\n")).getImage())
        .isEqualTo("registry.example/mail/securemail-operator@" + digest);
  }

  @Test
  @SuppressWarnings("unchecked")
  void chartMetadataForHelmAndArtifactHub() throws IOException {
    Map<String, Object> chart = Serialization.unmarshal(Files.readString(CHART.resolve("Chart.yaml")), Map.class);
    // The lab's API server (1.20.2) is the oldest Kubernetes the project runs on.
    assertThat(chart).containsEntry("kubeVersion", ">=1.20.0-0")
        .containsEntry("home", "https://github.com/securemail/securemail-operator")
        .containsEntry("sources", List.of("https://github.com/securemail/securemail-operator"));
    Map<String, String> annotations = (Map<String, String>) chart.get("annotations");
    assertThat(annotations).containsEntry("artifacthub.io/license", "Apache-2.0")
        .containsEntry("artifacthub.io/operator", "true");

    // The images are the three the chart runs with its defaults, tagged with the appVersion.
    List<Map<String, String>> images = Serialization.unmarshal(annotations.get("artifacthub.io/images"), List.class);
    Container operator = container(render(""));
    assertThat(images).extracting(i -> i.get("image")).containsExactlyInAnyOrder(operator.getImage(),
        env(operator).get("SECUREMAIL_MTA_IMAGE"), env(operator).get("SECUREMAIL_MTASTS_IMAGE"));
    assertThat(images).allSatisfy(i -> assertThat(i.get("image")).endsWith(":" + VERSION));

    // The CRDs the chart installs, in the order of the annotation ...
    List<Map<String, Object>> crds = Serialization.unmarshal(annotations.get("artifacthub.io/crds"), List.class);
    List<String> files = List.of(GeneratedCrdTest.CRD, GeneratedCrdTest.TRANSPORT_CRD);
    assertThat(crds).hasSameSizeAs(files);
    String version = null;
    Map<?, ?> spec = null;
    for (int i = 0; i < files.size(); i++) {
      Map<String, Object> crd = Serialization.unmarshal(Files.readString(CHART.resolve("crds").resolve(files.get(i))),
          Map.class);
      Map<?, ?> crdSpec = (Map<?, ?>) crd.get("spec");
      String crdVersion = (String) ((Map<?, ?>) ((List<?>) crdSpec.get("versions")).get(0)).get("name");
      assertThat(crds.get(i)).containsEntry("kind", ((Map<?, ?>) crdSpec.get("names")).get("kind"))
          .containsEntry("version", crdVersion)
          .containsEntry("name", ((Map<?, ?>) crd.get("metadata")).get("name"))
          .containsKeys("displayName", "description");
      if (i == 0) {
        version = crdVersion;
        spec = crdSpec;
      }
    }
    // ... and its example: examples/minimal.yaml, which ExamplesTest applies to an API server.
    List<Map<String, Object>> examples = Serialization.unmarshal(annotations.get("artifacthub.io/crdsExamples"),
        List.class);
    Map<String, Object> minimal = Serialization.unmarshal(Files.readString(REPO.resolve("examples/minimal.yaml")),
        Map.class);
    assertThat(examples).containsExactly(minimal);
    assertThat(minimal).containsEntry("apiVersion", spec.get("group") + "/" + version);
  }

  @Test
  void helmTestAsksTheOperatorsReadinessThroughTheMetricsService() throws IOException {
    // The Pod is a test hook: `helm test` runs it, `helm install` does not create it.
    assertThat(render("")).noneMatch(o -> o.getKind().equals("Pod"));
    List<HasMetadata> objects = renderWithTestHooks("");
    Pod pod = one(objects, Pod.class);
    assertThat(pod.getMetadata().getAnnotations()).containsEntry(RENAMED_HOOK, "test");
    assertThat(pod.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSpec().getActiveDeadlineSeconds()).isPositive();

    // The operator image (bash and its /dev/tcp; the image has no curl) and its pull settings.
    Container test = pod.getSpec().getContainers().get(0);
    assertThat(pod.getSpec().getContainers()).hasSize(1);
    assertThat(test.getImage()).isEqualTo(container(objects).getImage());
    assertThat(test.getCommand()).containsExactly("bash", "-c");
    String script = test.getArgs().get(0);
    Service service = all(objects, Service.class).stream()
        .filter(o -> o.getMetadata().getName().endsWith("-metrics")).findFirst().orElseThrow();
    String address = service.getMetadata().getName() + "." + NAMESPACE + ".svc";
    // The Service's address from the kubelet's service variable (no cluster DNS needed), its name otherwise.
    String variable = service.getMetadata().getName().toUpperCase().replace('-', '_') + "_SERVICE_HOST";
    assertThat(script).contains("export host=${" + variable + ":-" + address + "}")
        .contains("/dev/tcp/$host/" + service.getSpec().getPorts().get(0).getPort())
        .contains("GET /q/health/ready HTTP/1.1").contains("Host: " + address).contains(" 200");
    assertThat(container(objects).getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");

    // Restricted, like the operator's Pod.
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(185L);
    assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var security = test.getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(test.getResources().getLimits()).containsKey("memory");

    // Neither the metrics Service nor the operator's NetworkPolicy selects it.
    assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/component", "test")
        .containsEntry("app.kubernetes.io/instance", RELEASE);
    assertThat(pod.getMetadata().getLabels().entrySet().containsAll(service.getSpec().getSelector().entrySet()))
        .as("the metrics Service's selector %s matches the test Pod", service.getSpec().getSelector()).isFalse();

    // Another port, digest and pull secret follow the values.
    String digest = "sha256:" + "0123456789abcdef".repeat(4);
    Pod set = one(renderWithTestHooks("""
        metrics: {service: {port: 9090}}
        image: {digest: "%s", pullPolicy: Never}
        imagePullSecrets: [{name: regcred}]
        """.formatted(digest)), Pod.class);
    assertThat(set.getSpec().getContainers().get(0).getArgs().get(0)).contains("/dev/tcp/$host/9090")
        .contains("url=http://$host:9090/q/health/ready");
    assertThat(set.getSpec().getContainers().get(0).getImage()).endsWith("@" + digest);
    assertThat(set.getSpec().getContainers().get(0).getImagePullPolicy()).isEqualTo("Never");
    assertThat(set.getSpec().getImagePullSecrets()).extracting(s -> s.getName()).containsExactly("regcred");
  }

  @Test
  void logFormatTextOrJson() throws IOException {
    // The operator's application.properties: text by default, with the reconciled resource from
    // the Java Operator SDK's MDC; JSON only when the chart asks for it.
    String properties = Files.readString(REPO.resolve("operator/src/main/resources/application.properties"));
    assertThat(properties).contains("quarkus.log.console.json.enabled=false")
        .containsPattern("(?m)^quarkus\\.log\\.console\\.format=.*%X\\{resource\\.namespace\\}.*%X\\{resource\\.name\\}");

    assertThat(env(container(render("")))).containsEntry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
    assertThat(env(container(render("logFormat: text\n")))).containsEntry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
    assertThat(env(container(render("logFormat: json\n")))).containsEntry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
  }

  @Test
  void theOperatorsObjectsAreComponentOperator() {
    List<HasMetadata> objects = render("""
        replicas: 2
        podDisruptionBudget: {enabled: true}
        metrics:
          serviceMonitor: {enabled: true}
          prometheusRule: {enabled: true}
        networkPolicy: {enabled: true}
        """);
    assertThat(objects).filteredOn(o -> !o.getKind().equals("Service")).hasSizeGreaterThan(10)
        .allSatisfy(o -> assertThat(o.getMetadata().getLabels()).as(o.getKind() + "/" + o.getMetadata().getName())
            .containsEntry("app.kubernetes.io/component", "operator"));
    assertThat(all(objects, Service.class)).extracting(o -> o.getMetadata().getName(),
        o -> o.getMetadata().getLabels().get("app.kubernetes.io/component")).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("securemail-operator-metrics", "metrics"),
            org.assertj.core.groups.Tuple.tuple("securemail-operator-tlsrpt", "tlsrpt"));
    Deployment deployment = one(objects, Deployment.class);
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "operator");
    // The selector stays as it was: a Deployment's selector cannot change on upgrade.
    assertThat(deployment.getSpec().getSelector().getMatchLabels()).containsOnlyKeys("app.kubernetes.io/name",
        "app.kubernetes.io/instance");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyValueHasASchemaEntryAndARowInTheReadme() throws IOException {
    Map<String, Object> values = Serialization.unmarshal(Files.readString(CHART.resolve("values.yaml")), Map.class);
    Map<String, Object> schema = Serialization.unmarshal(Files.readString(CHART.resolve("values.schema.json")),
        Map.class);
    String readme = Files.readString(REPO.resolve("helm/README.md"));
    Set<String> rows = readme.lines().filter(l -> l.startsWith("| `"))
        .map(l -> l.substring(3, l.indexOf('`', 3))).collect(Collectors.toSet());
    List<String> undocumented = new ArrayList<>();
    documented("", values, schema, readme, rows, undocumented);
    assertThat(undocumented).as("values without a schema entry or without a row in helm/README.md").isEmpty();
  }

  /** Walks values.yaml along the schema: each value is in the schema and named in the README's table. */
  @SuppressWarnings("unchecked")
  private static void documented(String path, Map<String, Object> values, Map<String, Object> schema, String readme,
      Set<String> rows, List<String> undocumented) {
    Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
    for (Map.Entry<String, Object> value : values.entrySet()) {
      String key = path.isEmpty() ? value.getKey() : path + "." + value.getKey();
      Map<String, Object> property = properties == null ? null : (Map<String, Object>) properties.get(value.getKey());
      if (property == null) {
        undocumented.add(key + " (schema)");
      } else if (value.getValue() instanceof Map<?, ?> nested && !nested.isEmpty() && property.containsKey("properties")
          && !rows.contains(key)) {
        documented(key, (Map<String, Object>) nested, property, readme, rows, undocumented);
      } else if (!readme.contains("`" + key + "`")) {
        undocumented.add(key + " (README)");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
      "replicas: -1;                          replicas",
      "replicas: two;                         replicas",
      "replica: 2;                            replica",
      "image: {pullPolicy: Sometimes};        pullPolicy",
      "image: {registry: ''};                 registry",
      "image: {registry: ghcr.io/securemail/}; registry",
      "image: {registry: 'ghcr.io/securemail:1.0'}; registry",
      "image: {repository: 'ghcr.io/securemail/securemail-operator:1.0'}; repository",
      "operator: {mta: {image: 'securemail mta'}}; image",
      "operator: {mtaSts: {image: 'policy-server:'}}; image",
      "operator: {dnssec: trust-me};          dnssec",
      "operator: {complianceMaxConcurrent: 0}; complianceMaxConcurrent",
      "operator: {dnsResolvers: ['2001:db8::53']}; dnsResolvers",
      "operator: {ownerId: 'a,b'};            ownerId",
      "operator: {mtaSts: {serviceType: ExternalName}}; serviceType",
      "watchNamespaces: [Team_A];             watchNamespaces",
      "securityContext: {runAsUser: 0};       runAsUser",
      "metrics: {serviceMonitor: {enabled: true, interval: often}}; interval",
      "metrics: {serviceMonitor: {honorLabels: 'yes'}}; honorLabels",
      "metrics: {serviceMonitor: {scrapeTimeout: soon}}; scrapeTimeout",
      "metrics: {prometheusRule: {complianceStaleAfter: 1h30m}}; complianceStaleAfter",
      "metrics: {prometheusRule: {operatorDownFor: never}}; operatorDownFor",
      "metrics: {prometheusRule: {runbookBaseUrl: 'docs/'}}; runbookBaseUrl",
      "image: {digest: 'sha256:0123'};        digest",
      "rbac: {aggregateClusterRoles: 'true'}; aggregateClusterRoles",
      "logFormat: yaml;                       logFormat",
      "podDisruptionBudget: {enabled: true, minAvailable: 0}; minAvailable",
      "podDisruptionBudget: {enabled: true, maxUnavailable: 'half'}; maxUnavailable",
      "topologySpreadConstraints: [{maxSkew: 1}]; topologySpreadConstraints",
      "operator: {tenancy: {allowedDomains: {team-a: []}}}; allowedDomains",
      "operator: {tenancy: {allowedDomains: {Team_A: [example.com]}}}; allowedDomains",
      "operator: {tenancy: {allowedDomains: {team-a: ['*.example.com']}}}; allowedDomains",
      "operator: {tenancy: {ingressAnnotations: []}}; ingressAnnotations",
      "operator: {network: {allowPrivateTargets: 'yes'}}; allowPrivateTargets",
      "operator: {tlsReports: {quota: {organizationReportsPerDay: 0}}}; organizationReportsPerDay",
      "operator: {tlsReports: {mail: {port: 25}}}; port",
      "operator: {tlsRpt: {lmtp: {port: 25}}}; port",
  })
  void invalidValuesFailWithTheSchemasMessage(String values, String field) {
    assertThatThrownBy(() -> render(values + "\n"))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(field);
  }

  @Test
  void severalReplicasNeedLeaderElection() {
    assertThat(one(render("replicas: 2\n"), Deployment.class).getSpec().getReplicas()).isEqualTo(2);
    assertThatThrownBy(() -> render("replicas: 2\nleaderElection: {enabled: false}\n"))
        .hasMessageContaining("replicas: 2 needs leaderElection.enabled=true");
  }

  /** The version of the root pom.xml, which every module inherits. */
  private static String projectVersion() {
    try {
      Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(REPO.resolve("pom.xml").toFile()).getDocumentElement();
      for (Node child = project.getFirstChild(); child != null; child = child.getNextSibling()) {
        if (child instanceof Element element && element.getTagName().equals("version")) {
          return element.getTextContent().trim();
        }
      }
      throw new IllegalStateException("pom.xml has no <version>");
    } catch (IOException | ParserConfigurationException | SAXException e) {
      throw new IllegalStateException("pom.xml is unreadable: " + e.getMessage(), e);
    }
  }

  /** helm template with these values (YAML) on top of the chart's, as `helm install` would render. */
  private List<HasMetadata> render(String values) {
    try {
      TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
      if (!values.isBlank()) {
        Path file = Files.createTempFile(temp, "values", ".yaml");
        Files.writeString(file, values);
        template = template.withValuesFile(file);
      }
      return parse(template.call());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * helm template with test hooks: Helm's library renders the release's manifest without hooks, so
   * this renders a copy of the chart whose templates/tests have their helm.sh/hook annotations renamed
   * to {@link #RENAMED_HOOK} (and so are rendered like any other object).
   */
  private List<HasMetadata> renderWithTestHooks(String values) throws IOException {
    Path copy = temp.resolve("chart-with-test-hooks");
    if (!Files.exists(copy)) {
      try (Stream<Path> files = Files.walk(CHART)) {
        for (Path source : files.toList()) {
          Path target = copy.resolve(CHART.relativize(source).toString());
          if (Files.isDirectory(source)) {
            Files.createDirectories(target);
          } else if (CHART.relativize(source).startsWith("templates/tests")) {
            Files.writeString(target, Files.readString(source).replace(HOOK, RENAMED_HOOK));
          } else {
            Files.copy(source, target);
          }
        }
      }
    }
    TemplateCommand template = new Helm(copy).template().withName(RELEASE).withNamespace(NAMESPACE);
    if (!values.isBlank()) {
      Path file = Files.createTempFile(temp, "values", ".yaml");
      Files.writeString(file, values);
      template = template.withValuesFile(file);
    }
    return parse(template.call());
  }

  static List<HasMetadata> parse(String manifests) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : manifests.split("(?m)^---\\s*$")) {
      if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
        objects.add(Serialization.unmarshal(document));
      }
    }
    return objects;
  }

  /** The ClusterRole the chart binds to the operator's ServiceAccount. */
  private static ClusterRole operatorClusterRole(List<HasMetadata> objects) {
    ClusterRoleBinding binding = one(objects, ClusterRoleBinding.class);
    assertThat(binding.getSubjects()).extracting(s -> s.getKind() + " " + s.getNamespace() + "/" + s.getName())
        .containsExactly("ServiceAccount " + NAMESPACE + "/securemail-operator");
    return named(objects, ClusterRole.class, binding.getRoleRef().getName());
  }

  private static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
    List<T> found = all(objects, type).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
    assertThat(found).as("%s/%s", type.getSimpleName(), name).hasSize(1);
    return found.get(0);
  }

  /** The PrometheusRule's alerts by name. */
  private static Map<String, Map<String, Object>> alerts(List<HasMetadata> objects) {
    List<Map<String, Object>> rules = generic(objects, "PrometheusRule").get("spec", "groups", 0, "rules");
    return rules.stream().collect(Collectors.toMap(a -> (String) a.get("alert"), a -> a));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  /** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
  static String githubAnchor(String heading) {
    return heading.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }

  private static <T> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> found = all(objects, type);
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  private static <T> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static GenericKubernetesResource generic(List<HasMetadata> objects, String kind) {
    return objects.stream().filter(o -> o.getKind().equals(kind)).map(GenericKubernetesResource.class::cast)
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
  }

  private static Container container(List<HasMetadata> objects) {
    List<Container> containers = one(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream().filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  /**
   * Rules as group|resource|verb strings (one per combination; resource:name for a rule narrowed
   * to named objects), so that any widening shows.
   */
  private static Set<String> flatten(List<PolicyRule> rules) {
    Set<String> flat = new TreeSet<>();
    for (PolicyRule rule : rules) {
      List<String> names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
          ? List.of("") : rule.getResourceNames().stream().map(n -> ":" + n).toList();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String name : names) {
            for (String verb : rule.getVerbs()) {
              flat.add(group + "|" + resource + name + "|" + verb);
            }
          }
        }
      }
    }
    return flat;
  }

  private static Set<String> rules(String... specs) {
    Set<String> flat = new TreeSet<>();
    for (String spec : specs) {
      String[] parts = spec.split("\\|", -1);
      Arrays.stream(parts[2].split(",")).forEach(verb -> flat.add(parts[0] + "|" + parts[1] + "|" + verb));
    }
    return flat;
  }
}
