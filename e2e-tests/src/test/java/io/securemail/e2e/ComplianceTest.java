package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.OperatorCommand;
import io.securemail.lab.mail.PostfixServer;
import io.securemail.lab.mail.MxMount;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.api.ComplianceStatus;
import io.securemail.operator.api.SecureMailDomain;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Continuous compliance, end to end: the operator checks a domain from the outside (Unbound, the
 * real Postfix on port 25, the lab CA) on its interval; breaking what the MX serves flips the
 * Compliant condition with the failing check as reason, a Warning event and the metric, and healing
 * it flips them back. The `check` command, run as a user runs it, gives the same verdicts.
 */
@ExtendWith(LabExtension.class)
class ComplianceTest {

  static final String NS = "comply";
  static final String NAME = "comply";
  static final String ZONE = "comply.test";
  static final String MX = "mx." + ZONE;
  static final String MX_ADDRESS = "127.0.1.2";
  static final Duration CHECK_TIMEOUT = Duration.ofMinutes(3);

  static Lab lab;
  static KubernetesClient client;
  static MxMount mount;

  @BeforeAll
  static void domain(Lab l) throws Exception {
    lab = l;
    client = l.client();
    // An MX as bsi-tr-03108 (the domain's default profile) wants it: TR-02102-2's suites only.
    l.postfix().setListenerTls(MX_ADDRESS, PostfixServer.ListenerTls.AEAD_ONLY);
    LabMx mx = LabMx.prepare(l, NS, NAME, ZONE, MX_ADDRESS);
    mount = mx.mount();
    SecureMailDomain smd = mx.domain();
    smd.getSpec().getDns().setManageMx(true);
    smd.getSpec().getCompliance().setInterval("1m");
    api(client).resource(smd).create();
  }

  @AfterAll
  static void unmount() {
    if (mount != null) {
      mount.close();
    }
    if (lab != null) {
      lab.postfix().setListenerTls(MX_ADDRESS, PostfixServer.ListenerTls.LAB_DEFAULT);
    }
  }

  static Optional<ComplianceStatus.CheckResult> result(SecureMailDomain smd, String id) {
    return smd.getStatus() == null || smd.getStatus().getCompliance() == null ? Optional.empty()
        : smd.getStatus().getCompliance().getChecks().stream().filter(c -> id.equals(c.getId())).findFirst();
  }

  static SecureMailDomain awaitCompliant(String status) {
    return await().atMost(CHECK_TIMEOUT).pollInterval(Duration.ofSeconds(1))
        .until(() -> api(client).inNamespace(NS).withName(NAME).get(), smd -> Domains.condition(smd, "Compliant")
            .filter(c -> status.equals(c.getStatus())).isPresent()
            && result(smd, "dane.match").filter(r -> "True".equals(status) == "pass".equals(r.getStatus())).isPresent());
  }

  @Test
  void aBrokenMxFlipsCompliantWithTheFailingCheckAndHealingFlipsItBack() throws Exception {
    SecureMailDomain compliant = awaitCompliant("True");
    assertThat(result(compliant, "dnssec.domain")).get().extracting(ComplianceStatus.CheckResult::getStatus)
        .isEqualTo("pass");
    assertThat(result(compliant, "cert.pkix")).get().extracting(ComplianceStatus.CheckResult::getStatus)
        .isEqualTo("pass");
    assertThat(metric("dane.match")).isEqualTo("0.0");
    var agreeing = check(ZONE);
    assertThat(agreeing.exitCode()).as(agreeing.output()).isZero();
    JsonNode json = new ObjectMapper().readTree(agreeing.output());
    assertThat(json.get("compliant").asBoolean()).isTrue();
    assertThat(json.get("checks").findValuesAsText("id")).contains("dane.match", "dnssec.domain", "cert.pkix");

    mount.pause();
    lab.postfix().serveThrowaway(MX_ADDRESS); // a certificate whose key has no TLSA record, from an unknown CA
    try {
      SecureMailDomain broken = awaitCompliant("False");
      Condition condition = Domains.condition(broken, "Compliant").orElseThrow();
      assertThat(condition.getReason()).isIn("DaneMatch", "CertPkix");
      assertThat(result(broken, "dane.match")).get().satisfies(r -> {
        assertThat(r.getStatus()).isEqualTo("fail");
        assertThat(r.getSubject()).contains(MX).contains(MX_ADDRESS);
        assertThat(r.getMessage()).contains(broken.getStatus().getDane().getCurrentSpkiSha256().substring(0, 8));
      });
      assertThat(events("ComplianceCheckFailed")).anySatisfy(m -> assertThat(m).startsWith("dane.match"));
      assertThat(metric("dane.match")).isEqualTo("2.0");
      var cli = check(ZONE);
      assertThat(cli.exitCode()).as(cli.output()).isEqualTo(1);
      JsonNode verdict = new ObjectMapper().readTree(cli.output());
      assertThat(verdict.get("compliant").asBoolean()).isFalse();
      assertThat(verdict.get("checks")).anySatisfy(c -> assertThat(c.get("id").asText() + " " + c.get("status").asText())
          .isEqualTo("dane.match fail"));
    } finally {
      mount.resume();
    }
    awaitCompliant("True");
    assertThat(events("ComplianceCheckPassed")).anySatisfy(m -> assertThat(m).startsWith("dane.match"));
  }

  @Test
  void theCheckCommandSaysItCannotCheckWhenTheResolverDoesNotAnswer() throws Exception {
    var result = ManagedProcess.run(
        OperatorCommand.of(lab, "check", ZONE, "--resolver", "127.0.53.9:53", "--timeout", "2"));
    assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
  }

  static List<String> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()) && NAME.equals(e.getInvolvedObject().getName()))
        .map(e -> e.getMessage()).toList();
  }

  /** The check's value in the operator's Prometheus metrics (0 pass, 1 warn, 2 fail). */
  static String metric(String check) {
    return lab.operator().metrics().lines()
        .filter(l -> l.startsWith("securemail_compliance_check_status{") && l.contains("check=\"" + check + "\"")
            && l.contains("name=\"" + NAME + "\""))
        .map(l -> l.substring(l.lastIndexOf(' ') + 1)).findFirst().orElse("absent");
  }

  static ManagedProcess.Completed check(String domain) throws Exception {
    return ManagedProcess.run(OperatorCommand.of(lab, "check", domain, "--resolver",
        lab.dns().resolverAddress() + ":" + lab.dns().resolverPort(), "--dnssec", "resolver",
        "--ca-file", lab.issuer().caCertificateFile().toString(), "--json"));
  }
}
