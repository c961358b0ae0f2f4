package io.securemail.operator.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy hosts pass POST /tlsrpt to the operator's report receiver only when one is configured. */
class PolicyServerReportsTest {

  private static final PolicyServerConfig.ReportProxy PROXY =
      new PolicyServerConfig.ReportProxy("securemail-operator-reports.securemail.svc:8080", 1048576);

  @Test
  void withAReceiverEveryPolicyHostPassesReportsOnWithinLimits() {
    String conf = PolicyServerConfig.nginxConf(PolicyServerConfig.Layout.container(), PROXY);
    String https = conf.substring(conf.indexOf("listen 8443"), conf.indexOf("listen 8080"));
    assertThat(https).contains("location = /tlsrpt {\n"
        + "      if ($host != $sts_host) {\n        return 404;\n      }\n"
        + "      limit_except POST {\n        deny all;\n      }\n"
        + "      client_max_body_size 1048576;\n"
        + "      client_body_timeout 10s;\n"
        + "      proxy_pass http://securemail-operator-reports.securemail.svc:8080/tlsrpt;\n");
    assertThat(conf.substring(conf.indexOf("listen 8080"))).contains("if ($host != $sts_http_host)",
        "proxy_pass http://securemail-operator-reports.securemail.svc:8080/tlsrpt;");
    // Everything else keeps the 1 KiB request limit of a policy fetch.
    assertThat(conf).contains("  client_max_body_size 1k;\n");
  }

  /** The operator's evidence (GET /evidence/...) is never reachable through a policy host. */
  @Test
  void onlyReportsArePassedOnNotTheOperatorsOtherPaths() {
    String conf = PolicyServerConfig.nginxConf(PolicyServerConfig.Layout.container(), PROXY);
    assertThat(conf).doesNotContain("evidence").doesNotContain("location /tlsrpt")
        .doesNotContain("location ^~").doesNotContain("location ~");
    assertThat(conf.lines().filter(l -> l.contains("proxy_pass"))).isNotEmpty()
        .allMatch(l -> l.strip().equals("proxy_pass http://securemail-operator-reports.securemail.svc:8080/tlsrpt;"));
    assertThat(conf).contains("    location / {\n      return 404;\n    }\n");
  }

  @Test
  void withoutAReceiverNothingIsPassedOn() {
    assertThat(PolicyServerConfig.nginxConf(PolicyServerConfig.Layout.container())).doesNotContain("tlsrpt",
        "proxy_pass");
  }

  @Test
  void theReceiverIsHostAndPort() {
    assertThatThrownBy(() -> new PolicyServerConfig.ReportProxy("http://x:80/; evil", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not HOST:PORT");
    assertThat(new PolicyServerConfig.ReportProxy("[fd00::1]:8080", 1).upstream()).isEqualTo("[fd00::1]:8080");
  }

  @Test
  void anIngressForThePolicyHostRoutesReportsOnlyWhenAsked() {
    var domain = new io.securemail.operator.api.SecureMailDomain();
    domain.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace("mail")
        .withName("example").withUid("u-1").build());
    var spec = new io.securemail.operator.api.SecureMailDomainSpec();
    spec.setDomain("example.com");
    spec.setTlsRpt(new io.securemail.operator.api.TlsRptSpec(List.of("mailto:tls@example.com")));
    domain.setSpec(spec);
    var ingress = new io.securemail.operator.api.PolicyIngressSpec();
    assertThat(paths(PolicyIngress.desired(domain, ingress))).containsExactly("/.well-known/mta-sts.txt");
    spec.getTlsRpt().setReceive(new io.securemail.operator.api.TlsRptReceiveSpec(true));
    assertThat(paths(PolicyIngress.desired(domain, ingress))).containsExactly("/.well-known/mta-sts.txt",
        "/tlsrpt");
  }

  private static List<String> paths(io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress) {
    return ingress.getSpec().getRules().get(0).getHttp().getPaths().stream().map(p -> p.getPath()).toList();
  }

  @Test
  void theDeploymentRollsWhenTheReceiverChanges() {
    var without = new PolicyServer(new PolicyServer.Settings("img", 1, "ClusterIP", List.of()), Clock.systemUTC());
    var with = new PolicyServer(new PolicyServer.Settings("img", 1, "ClusterIP", List.of(), PROXY),
        Clock.systemUTC());
    assertThat(with.deployment("ns").getSpec().getTemplate().getMetadata().getAnnotations())
        .isNotEqualTo(without.deployment("ns").getSpec().getTemplate().getMetadata().getAnnotations());
  }
}
