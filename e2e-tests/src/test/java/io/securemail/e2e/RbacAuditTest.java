package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.mail.MxMount;
import io.securemail.lab.mtasts.PolicyMount;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.securemail.operator.api.AttachSpec;
import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.TransportRef;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.PolicyHostSpec;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.PolicyIngressSpec;
import io.securemail.operator.api.SecureMailDomain;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Helm chart's RBAC, enforced by the real API server: the lab's operator runs with a token of
 * the chart's ServiceAccount (see ChartRbac). Every domain kind is reconciled and deleted here;
 * the API server's audit log then says which calls the operator made. None may have been
 * forbidden, and every permission the chart grants must have been used: a grant nobody needs is a
 * finding. Runs after the other classes, so their calls count too.
 */
@ExtendWith(LabExtension.class)
@Order(Integer.MAX_VALUE)
class RbacAuditTest {

  static final String NS = "rbac";
  static final String TENANT_NS = "rbac-tenant";
  static final String DOMAIN_LABEL = "securemail.io/domain";
  static final String ZONE = "rbac.test";
  static final String MX_ADDRESS = "127.0.1.5";
  static final String POLICY_ADDRESS = "127.0.2.3";

  static Lab lab;
  static KubernetesClient client;
  static MxMount mx;
  static PolicyMount policyServer;

  @BeforeAll
  static void exercise(Lab l) throws Exception {
    lab = l;
    client = l.client();
    lab.controlPlane().installCrds(List.of(Path.of(RbacAuditTest.class.getResource("/external-dns/dnsendpoint-crd.yaml")
        .toURI())));
    LabMx prepared = LabMx.prepare(l, NS, "full", ZONE, MX_ADDRESS);
    mx = prepared.mount();
    policyServer = l.policyServers().mount(client, NS, POLICY_ADDRESS);
    SecureMailDomain full = prepared.domain();
    full.getSpec().getDns().setManageMx(true);
    PolicyHostSpec host = new PolicyHostSpec();
    host.setAddresses(List.of(POLICY_ADDRESS));
    full.getSpec().getMtaSts().setPolicyHost(host);
    full.getSpec().getMtaSts().setIngress(new PolicyIngressSpec());
    full.getSpec().getDane().setPrePublish("5s"); // a requested rollover may start as soon as the next TLSA is seen
    api(client).resource(full).create();

    SecureMailDomain external = Domains.minimal(NS, "via-external-dns", "external." + ZONE);
    external.getSpec().getDns().setProvider(DnsSpec.Provider.EXTERNAL_DNS);
    // A namespaced Issuer that does not exist: the operator looks it up and says so.
    external.getSpec().getCertificates().setIssuerRef(new IssuerRef("missing", IssuerRef.Kind.ISSUER));
    api(client).resource(external).create();
    SecureMailDomain manual = Domains.minimal(NS, "by-hand", "manual." + ZONE);
    // An MTA for this one: its StatefulSet, Service and ConfigMap are created, changed and removed.
    MtaSpec mta = new MtaSpec();
    mta.getInbound().setDeliverTo("smtp:[mailstore.internal]:25");
    manual.getSpec().setMta(mta);
    api(client).resource(manual).create();
    // MX hosts of its own for now; it moves to a fleet below, and the keys of its old hosts go.
    SecureMailDomain mover = Domains.minimal(NS, "mover", "mover." + ZONE);
    mover.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    api(client).resource(mover).create();

    Domains.awaitStatus(client, NS, "full", smd -> condition(smd, "MtaStsPolicyServed")
        .filter(c -> "True".equals(c.getStatus())).isPresent()
        && condition(smd, "Compliant").isPresent());
    Domains.awaitStatus(client, NS, "via-external-dns", smd -> condition(smd, "CertificatesReady")
        .filter(c -> "IssuerNotFound".equals(c.getReason())).isPresent()
        && condition(smd, "DnsPublished").isPresent());
    Domains.awaitStatus(client, NS, "by-hand", smd -> condition(smd, "DnsPublished").isPresent()
        && condition(smd, "MtaReady").isPresent());
    // A changed record set rewrites the manual provider's zone snippet; a changed MTA its StatefulSet.
    Domains.edit(client, NS, "by-hand", d -> {
      d.getSpec().getTlsRpt().setRua(List.of("mailto:tls-rpt@manual." + ZONE));
      d.getSpec().getMta().getInbound().setRequireTls(true);
      return d;
    });
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> client.configMaps().inNamespace(NS).withName("by-hand-mta")
        .get().getData().get("main.cf").contains("smtpd_tls_security_level = encrypt"));
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> client.configMaps().inNamespace(NS).list().getItems().stream()
        .anyMatch(c -> c.getData() != null && c.getData().values().stream()
            .anyMatch(v -> v.contains("mailto:tls-rpt@manual." + ZONE))));
    // The DNSEndpoint exists before the provider changes (the operator notices a newly installed
    // external-dns CRD within 30 s), so that its removal below is the operator's.
    await().atMost(Duration.ofSeconds(90)).until(() -> client.genericKubernetesResources(
        ExternalDnsProviderTest.DNS_ENDPOINTS).inNamespace(NS).withName("via-external-dns-records").get() != null);
    // Provider changes: the DNSEndpoint and the zone-snippet ConfigMap are removed by the operator.
    // The issuer goes too: the domain's Certificates are removed with it.
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> client.resources(Certificate.class).inNamespace(NS)
        .withLabel(DOMAIN_LABEL, "via-external-dns").list().getItems().size() == 3);
    Domains.edit(client, NS, "via-external-dns", d -> {
      d.getSpec().getDns().setProvider(DnsSpec.Provider.MANUAL);
      d.getSpec().getCertificates().setIssuerRef(null);
      return d;
    });
    Domains.edit(client, NS, "by-hand", d -> {
      d.getSpec().getDns().setProvider(DnsSpec.Provider.EXTERNAL_DNS);
      d.getSpec().setMta(null);
      return d;
    });
    Domains.awaitStatus(client, NS, "via-external-dns", smd -> true);
    Domains.awaitStatus(client, NS, "by-hand", smd -> true);
    // The operator removes the DNSEndpoint itself (not the garbage collector: the domain lives on).
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> client.genericKubernetesResources(
        ExternalDnsProviderTest.DNS_ENDPOINTS).inNamespace(NS).withName("via-external-dns-records").get() == null);
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> client.resources(Certificate.class).inNamespace(NS)
        .withLabel(DOMAIN_LABEL, "via-external-dns").list().getItems().isEmpty());
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> client.apps().statefulSets().inNamespace(NS)
        .withName("by-hand-mta").get() == null && client.services().inNamespace(NS).withName("by-hand-mta").get() == null);
    // The policy Ingress changes, then goes.
    Domains.edit(client, NS, "full", d -> {
      d.getSpec().getMtaSts().getIngress().setClassName("other");
      return d;
    });
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> "other".equals(client.network().v1().ingresses().inNamespace(NS)
        .withName("full-mta-sts").get().getSpec().getIngressClassName()));
    Domains.edit(client, NS, "full", d -> {
      d.getSpec().getMtaSts().setIngress(null);
      return d;
    });
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> client.network().v1().ingresses().inNamespace(NS)
        .withName("full-mta-sts").get() == null);
    Domains.awaitStatus(client, NS, "full", smd -> smd.getStatus().getDane() != null
        && "Stable".equals(smd.getStatus().getDane().getPhase()));
    // A rollover request: acted on once, recorded in status; the annotation stays where it is.
    Domains.edit(client, NS, "full", d -> {
      d.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of("securemail.io/dane-rollover", "requested")));
      return d;
    });
    // The rollover starts once the next key's TLSA has been visible for max(prePublish, 2 x TTL).
    await().atMost(Domains.STATUS_TIMEOUT.plusSeconds(2L * full.getSpec().getDns().getTtl()))
        .until(() -> api(client).inNamespace(NS).withName("full").get(),
            smd -> "requested".equals(smd.getStatus().getDane().getLastRequest()));

    exerciseTransport();

    for (String name : List.of("full", "via-external-dns", "by-hand")) {
      api(client).inNamespace(NS).withName(name).delete();
    }
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> api(client).inNamespace(NS).list().getItems().isEmpty());
  }

  /**
   * A MailTransport: its finalizer and status (patch), its fleet domain (created by server-side
   * apply), the labels of a namespace its namespaceSelector decides on (get), and its deletion.
   */
  static void exerciseTransport() {
    Domains.createNamespace(client, TENANT_NS);
    var transports = TransportTierTest.transports(client);
    MailTransport transport = TransportTierTest.transport(NS, "fleet", "fleet." + ZONE);
    AttachSpec attach = new AttachSpec();
    attach.setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("rbac.test/fleet", "yes").build());
    transport.getSpec().setAttach(attach);
    transports.resource(transport).create();
    // A domain of the transport's own namespace moves to it: the Secrets of its old MX keys are deleted.
    Domains.awaitStatus(client, NS, "mover", smd -> smd.getStatus().getDane() != null);
    Domains.edit(client, NS, "mover", d -> {
      d.getSpec().setMx(new java.util.ArrayList<>());
      d.getSpec().setTransport(new TransportRef("fleet", null));
      return d;
    });
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> client.secrets().inNamespace(NS).withName("mover-mx-a").get() == null
        && client.secrets().inNamespace(NS).withName("mover-mx-b").get() == null);
    api(client).inNamespace(NS).withName("mover").delete();
    SecureMailDomain tenant = Domains.minimal(TENANT_NS, "tenant", "tenant." + ZONE);
    tenant.getSpec().setMx(new java.util.ArrayList<>());
    tenant.getSpec().setTransport(new TransportRef("fleet", NS));
    api(client).resource(tenant).create();
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> transports.inNamespace(NS).withName("fleet").get(),
        t -> t.getStatus() != null && t.getStatus().getRefusedDomains().contains(TENANT_NS + "/tenant")
            && api(client).inNamespace(NS).withName("fleet").get() != null);
    api(client).inNamespace(TENANT_NS).withName("tenant").delete();
    transports.inNamespace(NS).withName("fleet").delete();
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> transports.inNamespace(NS).withName("fleet").get() == null
        && api(client).inNamespace(TENANT_NS).withName("tenant").get() == null
        && api(client).inNamespace(NS).withName("mover").get() == null);
  }

  @AfterAll
  static void unmount() {
    if (policyServer != null) {
      policyServer.close();
    }
    if (mx != null) {
      mx.close();
    }
  }

  @Test
  void theOperatorWasNeverForbiddenAndUsedEveryPermissionTheChartGrants() throws IOException {
    // This API server audits a watch only when it ends: a restart ends the operator's watches.
    lab.restartOperator();
    List<JsonNode> requests = operatorRequests();
    assertThat(requests).as("audited requests of " + lab.rbac().user()).isNotEmpty();

    List<String> forbidden = requests.stream().filter(r -> r.path("responseStatus").path("code").asInt() == 403)
        .map(r -> permission(r) + " " + r.path("requestURI").asText()).distinct().toList();
    assertThat(forbidden).as("calls the chart's RBAC forbade").isEmpty();

    Set<String> used = requests.stream().map(RbacAuditTest::permission).collect(Collectors.toCollection(TreeSet::new));
    // A server-side apply that creates its object (201) is authorized as a create as well as a patch;
    // the audit log records only the patch.
    requests.stream().filter(r -> "patch".equals(r.path("verb").asText())
            && r.path("responseStatus").path("code").asInt() == 201)
        .map(r -> permission(r).replaceFirst("\\|patch$", "|create")).forEach(used::add);
    Set<String> granted = granted();
    Set<String> unused = new TreeSet<>(granted);
    unused.removeAll(used);
    System.out.println("[rbac] permissions the operator used (" + used.size() + "):");
    used.forEach(p -> System.out.println("[rbac]   " + p));
    assertThat(unused).as("granted by the chart but never used (" + granted.size() + " granted)").isEmpty();
  }

  /** group|resource[/subresource]|verb of one audited request. */
  static String permission(JsonNode request) {
    JsonNode ref = request.path("objectRef");
    String resource = ref.path("resource").asText() + (ref.hasNonNull("subresource") ? "/" + ref.path("subresource").asText() : "");
    return ref.path("apiGroup").asText("") + "|" + resource + "|" + request.path("verb").asText();
  }

  /**
   * Every group|resource|verb the ClusterRoles bound to the operator's ServiceAccount grant
   * (resourceNames rules aside). The chart's ClusterRoles for people (aggregated into view, edit and
   * admin) are bound to nobody and do not count.
   */
  static Set<String> granted() {
    Set<String> bound = lab.rbac().installed().stream().filter(ClusterRoleBinding.class::isInstance)
        .map(ClusterRoleBinding.class::cast)
        .filter(b -> b.getSubjects().stream().anyMatch(s -> lab.rbac().user()
            .equals("system:serviceaccount:" + s.getNamespace() + ":" + s.getName())))
        .map(b -> b.getRoleRef().getName()).collect(Collectors.toSet());
    assertThat(bound).as("ClusterRoles bound to " + lab.rbac().user()).isNotEmpty();
    Set<String> granted = new TreeSet<>();
    for (HasMetadata object : lab.rbac().installed()) {
      if (object instanceof ClusterRole role && bound.contains(role.getMetadata().getName())) {
        for (PolicyRule rule : role.getRules()) {
          for (String group : rule.getApiGroups()) {
            for (String resource : rule.getResources()) {
              for (String verb : rule.getVerbs()) {
                granted.add(group + "|" + resource + "|" + verb);
              }
            }
          }
        }
      }
    }
    return granted;
  }

  static List<JsonNode> operatorRequests() throws IOException {
    return OperatorRequests.all(lab);
  }
}
