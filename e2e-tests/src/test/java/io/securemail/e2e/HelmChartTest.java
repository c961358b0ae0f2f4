package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
      "securemail.io|securemaildomains|get,list,watch,patch",
      "securemail.io|securemaildomains/status|patch",
      "|secrets|get,create,update,patch",
      "|configmaps|get,list,watch,create,update,patch,delete",
      "|events|create",
      "apps|deployments|get,create,patch",
      "|services|get,list,watch,create,patch,delete",
      "apps|statefulsets|list,watch,create,patch,delete",
      "networking.k8s.io|ingresses|list,watch,create,patch,delete",
      "cert-manager.io|certificates|list,watch,create,patch,delete",
      "cert-manager.io|issuers|get",
      "externaldns.k8s.io|dnsendpoints|list,watch,create,patch,delete");

  /** The cluster-scoped reads, in both modes. */
  static final Set<String> CLUSTER_RULES = rules(
      "apiextensions.k8s.io|customresourcedefinitions|get",
      "cert-manager.io|clusterissuers|get");

  /** The alerts of the chart's PrometheusRule. */
  static final List<String> ALERTS = List.of("SecureMailDomainNotCompliant", "SecureMailTlsaMismatch",
      "SecureMailCertificateExpiring", "SecureMailDaneRolloverStuck", "SecureMailMtaNotReady");

  @TempDir
  Path temp;

  @Test
  void lintsCleanInStrictMode() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
  }

  @Test
  void chartCrdIsTheGeneratedOne() throws IOException {
    Path source = REPO.resolve("crds").resolve(GeneratedCrdTest.CRD);
    Path copy = CHART.resolve("crds").resolve(GeneratedCrdTest.CRD);
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
        "ClusterRoleBinding/securemail-operator",
        "Role/securemail-operator-leader-election",
        "RoleBinding/securemail-operator-leader-election",
        "Service/securemail-operator-metrics",
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
    ClusterRole role = one(render(""), ClusterRole.class);
    Set<String> expected = new TreeSet<>(NAMESPACED_RULES);
    expected.addAll(CLUSTER_RULES);
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
    assertThat(lease.getRules()).extracting(r -> String.join(",", r.getVerbs()) + " " + r.getResourceNames())
        .containsExactlyInAnyOrder("create []", "get,update,patch [securemail-operator]");
    assertThat(lease.getRules()).allSatisfy(r -> {
      assertThat(r.getApiGroups()).containsExactly("coordination.k8s.io");
      assertThat(r.getResources()).containsExactly("leases");
    });
    assertThat(env(container(objects))).containsEntry("SECUREMAIL_LEADER_ELECTION_ENABLED", "true")
        .containsEntry("SECUREMAIL_LEADER_ELECTION_LEASE_NAME", "securemail-operator")
        .containsEntry("SECUREMAIL_LEADER_ELECTION_LEASE_NAMESPACE", NAMESPACE);

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
    assertThat(container.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("http");
      assertThat(p.getContainerPort()).isEqualTo(8080);
    });
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");
    assertThat(pod.getHostNetwork()).isNull();
    assertThat(pod.getHostPID()).isNull();
  }

  @Test
  void operatorSettingsBecomeItsEnvironment() {
    List<HasMetadata> defaults = render("");
    assertThat(env(container(defaults))).containsEntry("SECUREMAIL_COMPLIANCE_DNSSEC", "validate")
        .containsEntry("SECUREMAIL_OWNER_ID", "securemail-operator")
        .containsEntry("SECUREMAIL_COMPLIANCE_MAX_CONCURRENT", "4")
        .containsEntry("QUARKUS_LOG_LEVEL", "INFO")
        .containsEntry("SECUREMAIL_MTASTS_IMAGE", "ghcr.io/securemail/securemail-policy-server:" + VERSION)
        .containsEntry("SECUREMAIL_MTASTS_REPLICAS", "2")
        .containsEntry("SECUREMAIL_MTASTS_SERVICE_TYPE", "LoadBalancer")
        .containsEntry("SECUREMAIL_MTA_IMAGE", "ghcr.io/securemail/securemail-mta:" + VERSION)
        .containsEntry("SECUREMAIL_MTA_CLUSTER_DOMAIN", "cluster.local")
        .containsEntry("SECUREMAIL_MTA_CLUSTER_DNS_ADDRESS", "10.96.0.10")
        .doesNotContainKeys("SECUREMAIL_DNS_RESOLVERS", "QUARKUS_OPERATOR_SDK_CONTROLLERS_SECUREMAILDOMAIN_NAMESPACES");

    List<HasMetadata> set = render("""
        image: {repository: registry.example/securemail, tag: "1.2.3", pullPolicy: Always}
        operator:
          dnsResolvers: ["10.0.0.10", "resolver.example:5353", "[2001:db8::53]:53"]
          dnssec: resolver
          ownerId: cluster-b
          complianceMaxConcurrent: 8
          logLevel: DEBUG
          mtaSts: {image: registry.example/securemail-policy-server:1.2.4, replicas: 3, serviceType: ClusterIP}
          mta: {image: registry.example/securemail-mta:1.2.3, clusterDomain: k8s.internal, clusterDnsAddress: 10.32.0.10}
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
        .containsEntry("SECUREMAIL_DANE_POLL_INTERVAL", "30s");
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

    assertThat(all(objects, ClusterRole.class)).singleElement()
        .satisfies(c -> assertThat(flatten(c.getRules())).isEqualTo(CLUSTER_RULES));
    assertThat(env(container(objects)))
        .containsEntry("QUARKUS_OPERATOR_SDK_CONTROLLERS_SECUREMAILDOMAIN_NAMESPACES", "team-a,team-b");
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
    assertThat(alerts).allSatisfy(a -> assertThat(((Map<?, ?>) a.get("annotations")).get("summary").toString())
        .contains("{{ $labels."));

    NetworkPolicy policy = one(objects, NetworkPolicy.class);
    assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    Set<String> egress = new TreeSet<>();
    policy.getSpec().getEgress().forEach(e -> e.getPorts().forEach(p ->
        egress.add(p.getProtocol() + "/" + (p.getPort().getIntVal() != null ? p.getPort().getIntVal() : p.getPort().getStrVal()))));
    assertThat(egress).containsExactlyInAnyOrder("UDP/53", "TCP/53", "TCP/25", "TCP/443", "TCP/6443");
    assertThat(policy.getSpec().getIngress()).singleElement().satisfies(i -> {
      assertThat(i.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("http"));
      assertThat(i.getFrom()).singleElement().satisfies(f -> assertThat(f.getNamespaceSelector().getMatchLabels())
          .containsEntry("kubernetes.io/metadata.name", "monitoring"));
    });
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
        .containsEntry("team", "mail")
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

  static List<HasMetadata> parse(String manifests) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : manifests.split("(?m)^---\\s*$")) {
      if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
        objects.add(Serialization.unmarshal(document));
      }
    }
    return objects;
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

  /** Rules as group|resource|verb strings (one per combination), so that any widening shows. */
  private static Set<String> flatten(List<PolicyRule> rules) {
    Set<String> flat = new TreeSet<>();
    for (PolicyRule rule : rules) {
      assertThat(rule.getResourceNames()).as("resourceNames in %s", rule).isNullOrEmpty();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            flat.add(group + "|" + resource + "|" + verb);
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
