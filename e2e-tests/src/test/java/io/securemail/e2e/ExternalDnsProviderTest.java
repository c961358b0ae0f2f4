package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.condition;
import static io.securemail.e2e.Rfc2136PublishingTest.dnsPublished;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.securemail.lab.Lab;
import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.SecureMailDomain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The externalDNS provider: a clear condition while external-dns is not installed; once its CRD
 * exists, one DNSEndpoint per domain, owned by it; DnsPublished only when the records are really
 * served (here the test plays external-dns and publishes them to the lab's Knot).
 */
@ExtendWith(LabExtension.class)
class ExternalDnsProviderTest {

  static final String NS = "external-dns";
  static final ResourceDefinitionContext DNS_ENDPOINTS = new ResourceDefinitionContext.Builder()
      .withGroup("externaldns.k8s.io").withVersion("v1alpha1").withPlural("dnsendpoints").withKind("DNSEndpoint")
      .withNamespaced(true).build();
  static Lab lab;
  static KubernetesClient client;

  @BeforeAll
  static void setUp(Lab l) {
    lab = l;
    client = l.client();
    Domains.createNamespace(client, NS);
  }

  @Test
  void notInstalledThenDnsEndpointOwnedByTheDomainThenObserved() throws Exception {
    SecureMailDomain smd = Domains.minimal(NS, "edns", "edns.test");
    smd.getSpec().getDns().setProvider(DnsSpec.Provider.EXTERNAL_DNS);
    smd.getSpec().getDns().setManageMx(true);
    api(client).resource(smd).create();

    SecureMailDomain missing = awaitStatus(client, NS, "edns", dnsPublished("False", "ExternalDnsNotInstalled"));
    assertThat(condition(missing, "DnsPublished").orElseThrow().getMessage()).contains("dnsendpoints.externaldns.k8s.io");

    lab.controlPlane().installCrds(List.of(Path.of(getClass().getResource("/external-dns/dnsendpoint-crd.yaml").toURI())));

    GenericKubernetesResource endpoint = await().atMost(Duration.ofSeconds(90)).until(
        () -> client.genericKubernetesResources(DNS_ENDPOINTS).inNamespace(NS).withName("edns-records").get(),
        e -> e != null);
    assertThat(endpoint.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getName()).isEqualTo("edns"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> endpoints = (List<Map<String, Object>>) ((Map<String, Object>) endpoint
        .getAdditionalProperties().get("spec")).get("endpoints");
    assertThat(endpoints).extracting(e -> e.get("dnsName"), e -> e.get("recordType"), e -> e.get("targets"))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("edns.test", "MX", List.of("10 mx1.edns.test")),
            org.assertj.core.groups.Tuple.tuple("_smtp._tls.edns.test", "TXT",
                List.of("v=TLSRPTv1; rua=mailto:tls-reports@edns.test")));
    awaitStatus(client, NS, "edns", dnsPublished("False", "NotYetObserved"));

    // Play external-dns: publish what the DNSEndpoint asks for.
    LabDns.addForeign(lab.dns(), "edns.test", "edns.test. 300 IN MX 10 mx1.edns.test.");
    LabDns.addForeign(lab.dns(), "edns.test",
        "_smtp._tls.edns.test. 300 IN TXT \"v=TLSRPTv1; rua=mailto:tls-reports@edns.test\"");
    SecureMailDomain published = awaitStatus(client, NS, "edns", dnsPublished("True", "Published"));
    assertThat(published.getStatus().getPublishedRecords()).as("external-dns owns the records, not us").isEmpty();

    api(client).inNamespace(NS).withName("edns").delete();
    await().atMost(Domains.STATUS_TIMEOUT).until(
        () -> client.genericKubernetesResources(DNS_ENDPOINTS).inNamespace(NS).withName("edns-records").get() == null);
  }
}
