package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static io.securemail.e2e.Domains.condition;
import static io.securemail.e2e.Domains.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the schema cannot say is checked by the operator: Ready=False/InvalidSpec naming the field,
 * a Warning event, nothing already published touched; fixing the spec clears it.
 */
@ExtendWith(LabExtension.class)
class InvalidSpecTest {

  static final String NS = "invalid-spec";
  static KubernetesClient client;

  @BeforeAll
  static void namespace(KubernetesClient c) {
    client = c;
    Domains.createNamespace(client, NS);
  }

  @Test
  void duplicateMxHostIsReportedAndPublishedRecordsStayUntouched() {
    api(client).resource(Domains.minimal(NS, "dup", "dup.invalid-spec.example")).create();
    awaitStatus(client, NS, "dup", ready("False", "Progressing"));
    ConfigMap published = await().atMost(Domains.STATUS_TIMEOUT)
        .until(() -> client.configMaps().inNamespace(NS).withName("dup-dns-records").get(), cm -> cm != null);
    var recordsBefore = api(client).inNamespace(NS).withName("dup").get().getStatus().getRecords();

    Domains.edit(client, NS, "dup", smd -> {
      var mx = new ArrayList<>(smd.getSpec().getMx());
      mx.add(new MxHost("mx1.dup.invalid-spec.example", 20));
      smd.getSpec().setMx(mx);
      smd.getSpec().getDns().setTtl(600); // a change that would alter the published records if acted on
      return smd;
    });

    SecureMailDomain invalid = awaitStatus(client, NS, "dup", ready("False", "InvalidSpec"));
    assertThat(condition(invalid, "Ready").orElseThrow().getMessage())
        .contains("spec.mx[1].host").contains("mx1.dup.invalid-spec.example is listed twice");
    // What GitOps tools read (kstatus, the Argo CD health check): it waits for a person.
    assertThat(condition(invalid, "Stalled").orElseThrow()).satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("InvalidSpec");
    });
    assertThat(condition(invalid, "Reconciling").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(invalid.getStatus().getRecords()).usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(recordsBefore);
    await().atMost(Duration.ofSeconds(20)).until(() -> warningEvents("dup").stream()
        .anyMatch(e -> e.getMessage().contains("spec.mx[1].host")));
    // Several reconciles later the published ConfigMap is still exactly what it was.
    await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> true);
    ConfigMap after = client.configMaps().inNamespace(NS).withName("dup-dns-records").get();
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(published.getMetadata().getResourceVersion());
    assertThat(after.getData()).isEqualTo(published.getData());
    assertThat(warningEvents("dup")).as("one event per problem, not one per reconcile").hasSize(1);

    Domains.edit(client, NS, "dup", smd -> {
      smd.getSpec().setMx(List.of(smd.getSpec().getMx().get(0)));
      return smd;
    });
    awaitStatus(client, NS, "dup", ready("False", "Progressing"));
    await().atMost(Domains.STATUS_TIMEOUT).until(() -> client.configMaps().inNamespace(NS)
        .withName("dup-dns-records").get().getData().get("records.zone").contains(" 600 IN TXT "));
  }

  @Test
  void missingTsigSecretIsReportedUntilItAppears() {
    api(client).resource(Domains.rfc2136(NS, "tsig", "tsig.invalid-spec.example", "127.0.0.1:53",
        "tsig.invalid-spec.example.", "securemail", "tsig-example-net")).create();

    SecureMailDomain invalid = awaitStatus(client, NS, "tsig", ready("False", "InvalidSpec"));
    assertThat(condition(invalid, "Ready").orElseThrow().getMessage())
        .contains("spec.dns.rfc2136.tsigSecretRef.name").contains("\"tsig-example-net\" does not exist");

    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("tsig-example-net")
        .endMetadata().withStringData(Map.of("secret", "c2VjdXJlbWFpbC1sYWItdHNpZy1rZXk=")).build()).create();

    // The operator looks again on its own (no edit of the domain) and accepts the spec; nothing
    // listens at 127.0.0.1:53 in the lab, so publishing then fails for a reason of its own.
    SecureMailDomain accepted = await().atMost(Duration.ofSeconds(75)).until(
        () -> api(client).inNamespace(NS).withName("tsig").get(),
        d -> condition(d, "DnsPublished").isPresent());
    assertThat(condition(accepted, "Ready").orElseThrow().getReason()).isNotEqualTo("InvalidSpec");
    assertThat(condition(accepted, "DnsPublished").orElseThrow().getReason()).isEqualTo("DnsServerUnreachable");
  }

  @Test
  void mxHostOutsideTheWritableZoneNamesTheField() {
    SecureMailDomain smd = Domains.rfc2136(NS, "zone", "zone.invalid-spec.example", "127.0.0.1",
        "zone.invalid-spec.example", "securemail", "tsig-zone");
    smd.getSpec().setMx(List.of(new MxHost("mx1.zone.invalid-spec.example", 10), new MxHost("mx.provider.net", 20)));
    Domains.tsigSecret(client, NS, "tsig-zone", "c2VjcmV0");
    api(client).resource(smd).create();

    SecureMailDomain invalid = awaitStatus(client, NS, "zone", ready("False", "InvalidSpec"));
    assertThat(condition(invalid, "Ready").orElseThrow().getMessage())
        .contains("spec.mx[1].host: mx.provider.net is not inside spec.dns.rfc2136.zone zone.invalid-spec.example")
        .doesNotContain("spec.mx[0]");
  }

  private static List<Event> warningEvents(String name) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .filter(e -> "Warning".equals(e.getType()) && "InvalidSpec".equals(e.getReason()))
        .toList();
  }
}
