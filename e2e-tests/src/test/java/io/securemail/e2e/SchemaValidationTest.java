package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.securemail.lab.Lab;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.MtaStsSpec;
import io.securemail.operator.api.SecureMailDomain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The API server itself rejects malformed resources, with the schema's message naming the field. */
@ExtendWith(LabExtension.class)
class SchemaValidationTest {

  static final String NS = "schema";
  static Lab lab;

  @BeforeAll
  static void namespace(Lab l) {
    lab = l;
    Domains.createNamespace(l.client(), NS);
  }

  private static KubernetesClientException rejected(Consumer<SecureMailDomain> breakIt) {
    SecureMailDomain smd = Domains.minimal(NS, "broken", "example.com");
    breakIt.accept(smd);
    KubernetesClient client = lab.client();
    var thrown = org.assertj.core.api.Assertions.catchThrowableOfType(KubernetesClientException.class,
        () -> api(client).resource(smd).create());
    assertThat(thrown).as("the API server accepted an invalid resource").isNotNull();
    assertThat(thrown.getCode()).isEqualTo(422);
    assertThat(api(client).inNamespace(NS).withName("broken").get()).isNull();
    return thrown;
  }

  @ParameterizedTest(name = "domain \"{0}\" is rejected")
  @CsvSource({
      "Example.COM", "example.com.", "-example.com", "example..com", "example", "exa_mple.com",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com"})
  void malformedDomainNames(String domain) {
    var e = rejected(smd -> smd.getSpec().setDomain(domain));
    assertThat(e.getMessage()).contains("spec.domain");
  }

  @Test
  void domainLongerThan253() {
    String label = "a".repeat(63);
    String domain = String.join(".", label, label, label, label) + ".com"; // 4*63+3+4 = 259
    var e = rejected(smd -> smd.getSpec().setDomain(domain));
    assertThat(e.getMessage()).contains("spec.domain").contains("253");
  }

  @Test
  void malformedMxHost() {
    var e = rejected(smd -> smd.getSpec().getMx().get(0).setHost("MX1.example.com"));
    // API servers before 1.28 name list items without their index (spec.mx.host).
    assertThat(e.getMessage()).containsPattern("spec\\.mx(\\[0\\])?\\.host").contains("MX1.example.com");
  }

  /**
   * At most sixteen MX hosts. None at all is no longer the schema's to refuse: a domain attached to a
   * MailTransport has none, and "exactly one of spec.mx and spec.transport" needs CEL, which the
   * oldest supported API server lacks; the operator says InvalidSpec naming spec.mx instead
   * (FleetDomainTierTest, SpecValidator).
   */
  @Test
  void moreThanSixteenMxHosts() {
    var e = rejected(smd -> smd.getSpec().setMx(java.util.stream.IntStream.rangeClosed(1, 17)
        .mapToObj(i -> new io.securemail.operator.api.MxHost("mx" + i + ".example.com", i)).toList()));
    assertThat(e.getMessage()).contains("spec.mx");
  }

  @Test
  void ttlOutOfRange() {
    var e = rejected(smd -> smd.getSpec().getDns().setTtl(5));
    assertThat(e.getMessage()).contains("spec.dns.ttl").contains("30");
  }

  @Test
  void maxAgeAboveRfc8461Limit() {
    var e = rejected(smd -> smd.getSpec().getMtaSts().setMaxAge(MtaStsSpec.MAX_AGE_LIMIT + 1));
    assertThat(e.getMessage()).contains("spec.mtaSts.maxAge");
  }

  @Test
  void replicasOutOfRange() {
    var e = rejected(smd -> smd.getSpec().setMta(mta(m -> m.setReplicas(0))));
    assertThat(e.getMessage()).contains("spec.mta.replicas");
  }

  @Test
  void mtaWithoutAMailStore() {
    var e = rejected(smd -> smd.getSpec().setMta(mta(m -> m.getInbound().setDeliverTo(null))));
    assertThat(e.getMessage()).contains("spec.mta.inbound.deliverTo").contains("Required");
  }

  @Test
  void mailStoreNotInNextHopForm() {
    // A bare host name would make Postfix look up MX records for it: mail could loop back to us.
    var e = rejected(smd -> smd.getSpec().setMta(mta(m -> m.getInbound().setDeliverTo("dovecot.mail.svc:24"))));
    assertThat(e.getMessage()).contains("spec.mta.inbound.deliverTo");
  }

  @Test
  void allowedNetworkThatIsNoCidr() {
    var e = rejected(smd -> smd.getSpec().setMta(mta(m -> m.getOutbound().setAllowedNetworks(List.of("office")))));
    assertThat(e.getMessage()).contains("spec.mta.outbound.allowedNetworks");
  }

  /** Port 587 open to every address is refused by the API server itself. */
  @Test
  void allowedNetworkOfEveryAddress() {
    for (String everything : List.of("0.0.0.0/0", "::/0")) {
      var e = rejected(smd -> smd.getSpec().setMta(mta(m -> m.getOutbound().setAllowedNetworks(List.of(everything)))));
      assertThat(e.getMessage()).as(everything).contains("spec.mta.outbound.allowedNetworks");
    }
  }

  @Test
  void clientKeyThatIsNoSha256Digest() {
    var e = rejected(smd -> smd.getSpec().setMta(mta(m -> m.getSubmission().getClientCertificates()
        .setSpkiSha256(List.of("3b:1c:2f")))));
    assertThat(e.getMessage()).contains("spec.mta.submission.clientCertificates.spkiSha256");
  }

  /** A valid spec.mta, changed by {@code change}. */
  private static MtaSpec mta(Consumer<MtaSpec> change) {
    MtaSpec mta = new MtaSpec();
    mta.getInbound().setDeliverTo("lmtp:[dovecot.mail.svc.cluster.local]:24");
    change.accept(mta);
    return mta;
  }

  @Test
  void malformedInterval() {
    var e = rejected(smd -> smd.getSpec().getCompliance().setInterval("5 minutes"));
    assertThat(e.getMessage()).contains("spec.compliance.interval");
  }

  @Test
  void unknownEnumValueThroughKubectl() throws Exception {
    String yaml = """
        apiVersion: securemail.io/v1alpha1
        kind: SecureMailDomain
        metadata: {name: bad-mode, namespace: schema}
        spec:
          domain: example.com
          mx: [{host: mx1.example.com}]
          mtaSts: {mode: strict}
          dns: {provider: route53}
        """;
    var result = kubectl(yaml, "apply", "-f", "-");
    assertThat(result.exitCode).isNotZero();
    assertThat(result.output)
        .contains("spec.mtaSts.mode").contains("Unsupported value: \"strict\"")
        .contains("spec.dns.provider").contains("Unsupported value: \"route53\"");
    assertThat(api(lab.client()).inNamespace(NS).withName("bad-mode").get()).isNull();
  }

  @Test
  void validResourceIsAcceptedByKubectl() throws Exception {
    String yaml = """
        apiVersion: securemail.io/v1alpha1
        kind: SecureMailDomain
        metadata: {name: good, namespace: schema}
        spec:
          domain: good.schema.example
          mx: [{host: mx1.good.schema.example}]
        """;
    var result = kubectl(yaml, "apply", "-f", "-");
    assertThat(result.exitCode).as(result.output).isZero();
    SecureMailDomain stored = api(lab.client()).inNamespace(NS).withName("good").get();
    // Defaults from the schema are applied by the API server.
    assertThat(stored.getSpec().getMx().get(0).getPriority()).isEqualTo(10);
  }

  private record Result(int exitCode, String output) {}

  private static Result kubectl(String stdin, String... args) throws IOException, InterruptedException {
    var command = new java.util.ArrayList<>(java.util.List.of("kubectl",
        "--kubeconfig", lab.controlPlane().kubeconfig().toString()));
    command.addAll(java.util.List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }
}
