package io.securemail.operator.mta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.SecureMailDomain;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PostfixConfigTest {

  /** main.cf as name -> value (continuation lines are not used by the renderer). */
  private static Map<String, String> params(String mainCf) {
    return Arrays.stream(mainCf.split("\n")).filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split("=", 2)).collect(Collectors.toMap(p -> p[0].trim(), p -> p[1].trim()));
  }

  private static PostfixFiles render(SecureMailDomain domain) {
    return PostfixConfig.render(domain.getSpec(), PostfixLayout.pod());
  }

  @Test
  void publicMxOffersTlsButDoesNotRequireIt() {
    Map<String, String> main = params(render(MtaFixtures.domain()).mainCf());
    // RFC 3207 section 4: a publicly-referenced MX must not require TLS.
    assertThat(main).containsEntry("smtpd_tls_security_level", "may")
        .containsEntry("smtpd_tls_cert_file", "/etc/securemail/tls/tls.crt")
        .containsEntry("smtpd_tls_key_file", "/etc/securemail/tls/tls.key")
        .containsEntry("smtpd_tls_received_header", "yes");
  }

  @Test
  void requireTlsIsAnExplicitChoice() {
    SecureMailDomain domain = MtaFixtures.domain();
    domain.getSpec().getMta().getInbound().setRequireTls(true);
    assertThat(params(render(domain).mainCf())).containsEntry("smtpd_tls_security_level", "encrypt");
  }

  /** Behind a load balancer that hides the client, Postfix reads the client's address from the PROXY header. */
  @Test
  void proxyProtocolIsReadOnlyWhenTheLoadBalancerSendsIt() {
    SecureMailDomain domain = MtaFixtures.domain();
    assertThat(params(render(domain).mainCf())).doesNotContainKey("smtpd_upstream_proxy_protocol");
    domain.getSpec().getMta().getInbound().setProxyProtocol(true);
    assertThat(params(render(domain).mainCf())).containsEntry("smtpd_upstream_proxy_protocol", "haproxy")
        .containsEntry("smtpd_upstream_proxy_timeout", "5s");
  }

  @Test
  void bsiProfileAllowsOnlyTls12AndUpWithForwardSecretAeadSuites() {
    Map<String, String> main = params(render(MtaFixtures.domain()).mainCf());
    assertThat(main).containsEntry("smtpd_tls_protocols", ">=TLSv1.2")
        .containsEntry("smtpd_tls_mandatory_protocols", ">=TLSv1.2")
        .containsEntry("smtp_tls_protocols", ">=TLSv1.2")
        .containsEntry("smtpd_tls_ciphers", "high").containsEntry("smtp_tls_ciphers", "high")
        .containsEntry("tls_preempt_cipherlist", "yes")
        .containsEntry("tls_ssl_options", "NO_COMPRESSION, NO_RENEGOTIATION");
    assertThat(main.get("tls_high_cipherlist").split(":"))
        .isNotEmpty().allSatisfy(suite -> assertThat(suite).startsWith("ECDHE-").contains("-GCM-"));
  }

  /**
   * TR-02102-2 Table 11 in TLS 1.3 (no ChaCha20-Poly1305) and Table 1's ECDHE AES-GCM suites in
   * TLS 1.2: Postfix names the rendered OpenSSL file, whose section chain for Postfix's application
   * name must end in exactly these settings.
   */
  @Test
  void bsiProfileRestrictsTls13SuitesToTable11ThroughItsOwnOpensslConfiguration() {
    PostfixFiles files = render(MtaFixtures.domain());
    Map<String, String> main = params(files.mainCf());
    assertThat(main).containsEntry("tls_config_file", "/etc/securemail/postfix/openssl.cnf")
        .containsEntry("tls_config_name", "postfix");
    assertThat(files.byName()).containsEntry(PostfixFiles.OPENSSL_CNF, files.opensslCnf());
    Map<String, String> settings = opensslSslSettings(files.opensslCnf(), main.get("tls_config_name"));
    assertThat(settings).containsOnly(Map.entry("MinProtocol", "TLSv1.2"),
        Map.entry("Ciphersuites", "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256"));
    assertThat(main.get("tls_high_cipherlist")).isEqualTo("ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        + "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256");
  }

  @Test
  void mozillaIntermediateKeepsOpportunisticOutboundAtMedium() {
    SecureMailDomain domain = MtaFixtures.domain();
    domain.getSpec().getMta().setTlsProfile(MtaSpec.TlsProfile.MOZILLA_INTERMEDIATE);
    Map<String, String> main = params(render(domain).mainCf());
    assertThat(main).containsEntry("smtp_tls_ciphers", "medium").containsEntry("smtpd_tls_ciphers", "high");
    assertThat(main.get("tls_high_cipherlist")).contains("CHACHA20");
  }

  /** Mozilla lists ChaCha20-Poly1305 for TLS 1.3 too: OpenSSL's default suites, no file of ours. */
  @Test
  void mozillaIntermediateKeepsOpensslsDefaultTls13Suites() {
    SecureMailDomain domain = MtaFixtures.domain();
    domain.getSpec().getMta().setTlsProfile(MtaSpec.TlsProfile.MOZILLA_INTERMEDIATE);
    PostfixFiles files = render(domain);
    assertThat(params(files.mainCf())).doesNotContainKey("tls_config_file").doesNotContainKey("tls_config_name");
    assertThat(files.opensslCnf()).isNull();
    assertThat(files.byName()).doesNotContainKey(PostfixFiles.OPENSSL_CNF);
  }

  @Test
  void outboundEnforcesDaneWithDnssecAndAsksTheDaneFirstPolicyDaemon() {
    Map<String, String> main = params(render(MtaFixtures.domain()).mainCf());
    assertThat(main).containsEntry("smtp_tls_security_level", "dane")
        .containsEntry("smtp_dns_support_level", "dnssec")
        .containsEntry("smtp_tls_policy_maps", "socketmap:inet:127.0.0.1:8462:postfix");
  }

  @Test
  void withoutDaneAndMtaStsOutboundIsOpportunistic() {
    SecureMailDomain domain = MtaFixtures.domain();
    domain.getSpec().getMta().getOutbound().setDane(false);
    domain.getSpec().getMta().getOutbound().setMtaSts(false);
    Map<String, String> main = params(render(domain).mainCf());
    assertThat(main).containsEntry("smtp_tls_security_level", "may").doesNotContainKey("smtp_tls_policy_maps");
  }

  @Test
  void relaysOnlyTheDomainToTheMailStore() {
    Map<String, String> main = params(render(MtaFixtures.domain()).mainCf());
    assertThat(main).containsEntry("relay_domains", "example.com")
        .containsEntry("relay_transport", "lmtp:[dovecot.mail.svc.cluster.local]:24")
        .containsEntry("mynetworks", "")
        .containsEntry("mydestination", "")
        .containsEntry("smtpd_relay_restrictions", "reject_unauth_destination")
        .containsEntry("myhostname", "mx1.example.com");
  }

  @Test
  void smtpMailStoreGoesThroughTheRelayServiceWithItsOwnTlsLevel() {
    SecureMailDomain domain = MtaFixtures.domain();
    domain.getSpec().getMta().getInbound().setDeliverTo("smtp:[10.1.2.3]:2525");
    PostfixFiles files = render(domain);
    assertThat(params(files.mainCf())).containsEntry("relay_transport", "relay:[10.1.2.3]:2525");
    String relay = service(files.masterCf(), "relay");
    assertThat(relay).contains("-o smtp_tls_security_level=encrypt").contains("-o smtp_tls_policy_maps=")
        .contains("-o smtp_header_checks=");
  }

  @Test
  void submissionRequiresTlsAndAllowsOnlyTheListedNetworks() {
    SecureMailDomain domain = MtaFixtures.domain();
    domain.getSpec().getMta().getOutbound().setAllowedNetworks(List.of("10.0.0.0/8", "fd00::/8"));
    String submission = service(render(domain).masterCf(), "5587");
    assertThat(submission).contains("-o smtpd_tls_security_level=encrypt")
        .contains("-o { mynetworks = 10.0.0.0/8 fd00::/8 }")
        .contains("-o smtpd_relay_restrictions=permit_mynetworks,reject");
  }

  @Test
  void noSubmissionListenerWithoutAllowedNetworks() {
    assertThat(render(MtaFixtures.domain()).masterCf()).doesNotContain("5587");
  }

  @Test
  void headersAreStrippedOnlyOnTheWayOut() {
    PostfixFiles files = render(MtaFixtures.domain());
    assertThat(service(files.masterCf(), "smtp")).contains("smtp_header_checks=regexp:${config_directory}/"
        + PostfixFiles.OUTBOUND_HEADER_CHECKS);
    assertThat(files.outboundHeaderChecks()).contains("/^Received:/ IGNORE");
    assertThat(params(files.mainCf())).doesNotContainKey("header_checks").doesNotContainKey("smtp_header_checks");

    SecureMailDomain keep = MtaFixtures.domain();
    keep.getSpec().getMta().getOutbound().setStripInternalHeaders(false);
    assertThat(service(render(keep).masterCf(), "smtp")).doesNotContain("header_checks");
  }

  @Test
  void theLayoutDecidesPathsAndListeners() {
    PostfixLayout lab = new PostfixLayout("/lab/etc", "/lab/queue", "/lab/data", "/lab/tls/tls.crt",
        "/lab/tls/tls.key", "/lab/ca.pem", List.of("127.0.3.1:25"), List.of("127.0.3.1:587"), "loopback-only",
        "inet:127.0.4.2:8462");
    SecureMailDomain domain = MtaFixtures.domain();
    domain.getSpec().getMta().getOutbound().setAllowedNetworks(List.of("127.0.0.0/8"));
    PostfixFiles files = PostfixConfig.render(domain.getSpec(), lab);
    assertThat(params(files.mainCf())).containsEntry("queue_directory", "/lab/queue")
        .containsEntry("smtp_tls_CAfile", "/lab/ca.pem").containsEntry("inet_interfaces", "loopback-only")
        .containsEntry("tls_config_file", "/lab/etc/openssl.cnf")
        .containsEntry("smtp_tls_policy_maps", "socketmap:inet:127.0.4.2:8462:postfix");
    assertThat(files.masterCf()).contains("127.0.3.1:25 inet n - n - - smtpd")
        .contains("127.0.3.1:587 inet n - n - - smtpd");
  }

  @Test
  void aDomainWithoutMtaHasNoConfiguration() {
    SecureMailDomain domain = MtaFixtures.domain();
    domain.getSpec().setMta(null);
    assertThatThrownBy(() -> render(domain)).hasMessageContaining("spec.mta is not set");
  }

  /**
   * The SSL settings an OpenSSL configuration file gives an application (config(5)): its name in
   * the default section names a section, whose {@code ssl_conf} names one, whose
   * {@code system_default} names the section of settings. Fails where the chain breaks.
   */
  private static Map<String, String> opensslSslSettings(String cnf, String application) {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    Map<String, String> current = sections.computeIfAbsent("", k -> new LinkedHashMap<>());
    for (String raw : cnf.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("[")) {
        assertThat(line).endsWith("]");
        String name = line.substring(1, line.length() - 1).strip();
        assertThat(sections).as("section [" + name + "] appears once").doesNotContainKey(name);
        current = sections.computeIfAbsent(name, k -> new LinkedHashMap<>());
        continue;
      }
      String[] pair = line.split("=", 2);
      assertThat(pair).as("name = value: " + line).hasSize(2);
      current.put(pair[0].strip(), pair[1].strip());
    }
    String appSection = sections.get("").get(application);
    assertThat(appSection).as("the default section maps " + application).isNotNull();
    assertThat(sections).containsKey(appSection);
    String ssl = sections.get(appSection).get("ssl_conf");
    assertThat(ssl).as("ssl_conf in [" + appSection + "]").isNotNull();
    assertThat(sections).containsKey(ssl);
    String systemDefault = sections.get(ssl).get("system_default");
    assertThat(systemDefault).as("system_default in [" + ssl + "]").isNotNull();
    assertThat(sections).containsKey(systemDefault);
    return sections.get(systemDefault);
  }

  /** One master.cf service entry with its -o lines. */
  private static String service(String masterCf, String name) {
    StringBuilder entry = new StringBuilder();
    boolean in = false;
    for (String line : masterCf.split("\n")) {
      if (!line.startsWith(" ") && !line.startsWith("#")) {
        in = line.startsWith(name + " ");
      }
      if (in) {
        entry.append(line).append('\n');
      }
    }
    assertThat(entry).as("master.cf service " + name).isNotEmpty();
    return entry.toString();
  }
}
