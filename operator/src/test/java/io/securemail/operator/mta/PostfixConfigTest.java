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
    assertThat(main).containsEntry("relay_domains", "example.com, texthash:/etc/securemail/postfix/inbound_domains")
        .containsEntry("relay_transport", "lmtp:[dovecot.mail.svc.cluster.local]:24")
        .containsEntry("mynetworks", "")
        .containsEntry("mydestination", "")
        .containsEntry("smtpd_relay_restrictions", "permit_auth_destination, "
            + "check_recipient_mx_access texthash:/etc/securemail/postfix/inbound_own_mx, reject_unauth_destination")
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

  /** Port 25 relays the domain only, not its subdomains (Postfix lets parents match them by default). */
  @Test
  void relayDomainsAndAccessTablesDoNotMatchSubdomains() {
    String matching = params(render(MtaFixtures.domain()).mainCf()).get("parent_domain_matches_subdomains");
    assertThat(List.of(matching.split(",\\s*"))).doesNotContain("relay_domains", "smtpd_access_maps")
        .contains("debug_peer_list", "fast_flush_domains", "mynetworks");
  }

  /** No backscatter: an address the mail store refuses is refused at RCPT, not bounced after acceptance. */
  @Test
  void port25AsksTheMailStoreAboutEachRecipientBeforeAccepting() {
    PostfixFiles files = render(MtaFixtures.domain());
    assertThat(params(files.mainCf())).containsEntry("smtpd_recipient_restrictions", "reject_unverified_recipient")
        .containsEntry("unverified_recipient_reject_code", "550")
        // An address the store cannot confirm now is deferred (the sender retries), not accepted.
        .containsEntry("unverified_recipient_tempfail_action", "defer_if_permit");
    // The verify service the probes need is there.
    assertThat(files.masterCf()).containsPattern("(?m)^verify +unix");
  }

  @Test
  void submissionRequiresTlsTheNetworksAClientKeyAndASenderOfTheDomain() {
    SecureMailDomain domain = MtaFixtures.withSubmission(MtaFixtures.domain());
    PostfixFiles files = render(domain);
    String submission = service(files.masterCf(), "5587");
    assertThat(submission).contains("-o smtpd_tls_security_level=encrypt")
        .contains("-o smtpd_tls_ask_ccert=yes")
        .contains("-o { mynetworks = 10.1.2.0/24 fd00:1::/64 }")
        .contains("-o smtpd_client_restrictions=$securemail_submission_client_restrictions")
        .contains("-o smtpd_sender_restrictions=$securemail_submission_sender_restrictions")
        .contains("-o smtpd_relay_restrictions=$securemail_submission_relay_restrictions")
        // No address verification towards the internet's servers.
        .contains("-o smtpd_recipient_restrictions=\n");
    Map<String, String> main = params(files.mainCf());
    String dir = PostfixLayout.POD_CONFIG_DIR + "/";
    assertThat(main).containsEntry("smtpd_tls_fingerprint_digest", "sha256")
        .containsEntry("securemail_submission_client_restrictions", "permit_mynetworks, reject")
        .containsEntry("securemail_submission_sender_restrictions",
            "check_sender_access regexp:" + dir + SubmissionTables.SENDERS)
        .containsEntry("securemail_submission_relay_restrictions", "check_ccert_access texthash:" + dir
            + SubmissionTables.CLIENT_KEYS + ", check_client_access regexp:" + dir + SubmissionTables.UNCERTIFIED
            + ", reject");
    // Port 25 keeps its own restrictions: the submission ones are only master.cf overrides.
    assertThat(main).containsEntry("smtpd_relay_restrictions", "permit_auth_destination, "
            + "check_recipient_mx_access texthash:" + dir + PostfixConfig.OWN_MX + ", reject_unauth_destination")
        .doesNotContainKey("smtpd_client_restrictions").doesNotContainKey("smtpd_sender_restrictions")
        .doesNotContainKey("smtpd_tls_ask_ccert");

    // The key, as Postfix prints a fingerprint (upper case, colon-separated pairs).
    assertThat(files.submissionTables().get(SubmissionTables.CLIENT_KEYS).lines().filter(l -> !l.startsWith("#")))
        .containsExactly("3B:1C:2F:0E:9D:8A:7B:6C:5D:4E:3F:20:19:18:17:16:15:14:13:12:11:10:09:08:07:06:05:04:03:02:"
            + "01:00 OK");
    assertThat(files.byName()).containsKeys(SubmissionTables.CLIENT_KEYS, SubmissionTables.SENDERS,
        SubmissionTables.UNCERTIFIED);
    assertThat(files.submissionTables().get(SubmissionTables.UNCERTIFIED)).contains("/^/ REJECT 5.7.1 ");
  }

  /** The sender table, read as Postfix reads a regexp table: first match, case-insensitive. */
  @Test
  void submissionTakesSendersOfTheDomainOnly() {
    String senders = render(MtaFixtures.withSubmission(MtaFixtures.domain())).submissionTables()
        .get(SubmissionTables.SENDERS);
    assertThat(RegexpTable.first(senders, "alice@example.com")).isEqualTo("OK");
    assertThat(RegexpTable.first(senders, "Alice@EXAMPLE.com")).isEqualTo("OK");
    for (String refused : List.of("alice@example.org", "alice@sub.example.com", "alice@badexample.com",
        "alice@example.com.evil.test", "<>")) {
      assertThat(RegexpTable.first(senders, refused)).as(refused)
          .isEqualTo("REJECT 5.7.1 the sender address must belong to example.com");
    }
  }

  @Test
  void fingerprintsAreWrittenAsPostfixPrintsThem() {
    String colons = SubmissionTables.fingerprint(MtaFixtures.CLIENT_KEY);
    assertThat(colons).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    assertThat(SubmissionTables.fingerprint(colons.toLowerCase())).isEqualTo(colons);
    assertThatThrownBy(() -> SubmissionTables.fingerprint("3b1c")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noSubmissionListenerWithoutAllowedNetworks() {
    PostfixFiles files = render(MtaFixtures.domain());
    assertThat(files.masterCf()).doesNotContain("5587");
    assertThat(files.submissionTables()).isEmpty();
    assertThat(files.mainCf()).doesNotContain("securemail_submission");
  }

  @Test
  void headersAreStrippedOnlyOnTheWayOut() {
    PostfixFiles files = render(MtaFixtures.domain());
    assertThat(service(files.masterCf(), "smtp")).contains("smtp_header_checks=regexp:${config_directory}/"
        + PostfixFiles.OUTBOUND_HEADER_CHECKS);
    assertThat(params(files.mainCf())).doesNotContainKey("header_checks").doesNotContainKey("smtp_header_checks");

    SecureMailDomain keep = MtaFixtures.domain();
    keep.getSpec().getMta().getOutbound().setStripInternalHeaders(false);
    assertThat(service(render(keep).masterCf(), "smtp")).doesNotContain("header_checks");
  }

  /**
   * RFC 5321 sections 4.4 and 6.3: every pass through the MTA leaves its Received header, so a
   * forwarding loop is counted; only the client clause of it goes, and the internal hops' headers.
   */
  @Test
  void theMtasOwnReceivedHeaderStaysWithoutItsClientAndInternalHopsGo() {
    String table = render(MtaFixtures.withSubmission(MtaFixtures.domain())).outboundHeaderChecks();
    String own = "Received: from app1.corp.internal (app1.corp.internal [10.1.2.3])\n"
        + "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n"
        + "\t(Client CN \"app1\", Issuer \"app1\" (not verified))\n"
        + "\tby mx1.example.com (Postfix) with ESMTPS id 4ABCD1234\n\tfor <dave@dest.example>; Sun,  6 Dec 2026 14:00:00 +0000";
    assertThat(RegexpTable.first(table, own)).isEqualTo("REPLACE Received: by mx1.example.com (Postfix) with ESMTPS "
        + "id 4ABCD1234\n\tfor <dave@dest.example>; Sun,  6 Dec 2026 14:00:00 +0000");
    // Its header from an earlier pass (already without a client clause) stays as it is.
    assertThat(RegexpTable.first(table, "Received: by mx1.example.com (Postfix) with ESMTPS id 1; date"))
        .isEqualTo("REPLACE Received: by mx1.example.com (Postfix) with ESMTPS id 1; date");
    // The port-25 header of forwarded mail is this MTA's too: counted, its client clause gone.
    assertThat(RegexpTable.first(table, "Received: from mail.sender.example (mail.sender.example [192.0.2.7])\n"
        + "\tby mx1.example.com (Postfix) with ESMTPS id 2; date")).startsWith("REPLACE Received: by mx1.example.com");

    for (String internal : List.of(
        "Received: from localhost (localhost [127.0.0.1]) by app1.corp.internal (Postfix) with ESMTP id 3; date",
        "Received: from app2 (app2 [192.168.7.1]) by relay.corp.internal with ESMTP; date",
        "Received: from app3 (app3 [172.20.1.1]) by relay; date",
        "Received: from pod (pod [100.64.0.9]) by relay; date",
        "Received: from EXCH01.corp.local (10.0.0.5) by EXCH02.corp.local (10.0.0.6) with Microsoft SMTP Server; date",
        "Received: from app4 (app4 [IPv6:fd00:1::4]) by relay; date",
        "Received: from app5 (app5 [IPv6:fe80::1]) by relay; date",
        "Received: from app6 (app6 [IPv6:::1]) by relay; date",
        "Received: by app7.corp.internal (Postfix, from userid 33) id 5; date")) {
      assertThat(RegexpTable.first(table, internal)).as(internal).isEqualTo("IGNORE");
    }
    for (String external : List.of(
        "Received: from mail.partner.example (mail.partner.example [192.0.2.9]) by mx.partner.example; date",
        "Received: from a (a [172.32.0.1]) by b; date",
        "Received: from a (a [100.128.0.1]) by b; date",
        "Received: from a (a [110.1.2.3]) by b; date",
        "Received: from a (a [IPv6:2001:db8::1]) by b; date",
        "Received: from mx1.example.com.evil (x [198.51.100.1]) by mx.evil (Postfix); date")) {
      assertThat(RegexpTable.first(table, external)).as(external).isNull();
    }
    assertThat(RegexpTable.first(table, "X-Originating-IP: [10.1.2.3]")).isEqualTo("IGNORE");
    assertThat(RegexpTable.first(table, "X-Mailer: app")).isEqualTo("IGNORE");
    assertThat(RegexpTable.first(table, "Subject: from 10.0.0.1")).isNull();
  }

  /** allowedNetworks' IPv4 networks are the organisation's too, whatever their addresses. */
  @Test
  void receivedHeadersFromTheAllowedNetworksGo() {
    SecureMailDomain domain = MtaFixtures.withSubmission(MtaFixtures.domain());
    domain.getSpec().getMta().getOutbound().setAllowedNetworks(List.of("198.51.100.96/28", "203.0.113.0/24",
        "2001:db8:1::/48"));
    String table = render(domain).outboundHeaderChecks();
    for (String address : List.of("198.51.100.96", "198.51.100.100", "198.51.100.111", "203.0.113.0",
        "203.0.113.255")) {
      assertThat(RegexpTable.first(table, "Received: from h (h [" + address + "]) by relay; date")).as(address)
          .isEqualTo("IGNORE");
    }
    for (String address : List.of("198.51.100.95", "198.51.100.112", "198.51.100.1", "203.0.114.1", "203.0.11.1")) {
      assertThat(RegexpTable.first(table, "Received: from h (h [" + address + "]) by relay; date")).as(address)
          .isNull();
    }
    assertThat(OutboundHeaderChecks.ipv4Network("10.0.0.0/8")).isEqualTo("10\\.[0-9.]*");
    assertThat(OutboundHeaderChecks.ipv4Network("192.0.2.7/32")).isEqualTo("192\\.0\\.2\\.7");
    assertThat(OutboundHeaderChecks.ipv4Network("2001:db8:1::/48")).isNull();
  }

  @Test
  void theLayoutDecidesPathsAndListeners() {
    PostfixLayout lab = new PostfixLayout("/lab/etc", "/lab/queue", "/lab/data", "/lab/tls/tls.crt",
        "/lab/tls/tls.key", "/lab/ca.pem", List.of("127.0.3.1:25"), List.of("127.0.3.1:587"), "loopback-only",
        "inet:127.0.4.2:8462");
    SecureMailDomain domain = MtaFixtures.domain();
    domain.getSpec().getMta().getOutbound().setAllowedNetworks(List.of("127.0.0.0/8"));
    domain.getSpec().getMta().getSubmission().getClientCertificates().setSpkiSha256(List.of(MtaFixtures.CLIENT_KEY));
    PostfixFiles files = PostfixConfig.render(domain.getSpec(), lab);
    assertThat(params(files.mainCf())).containsEntry("queue_directory", "/lab/queue")
        .containsEntry("smtp_tls_CAfile", "/lab/ca.pem").containsEntry("inet_interfaces", "loopback-only")
        .containsEntry("tls_config_file", "/lab/etc/openssl.cnf")
        .containsEntry("smtp_tls_policy_maps", "socketmap:inet:127.0.4.2:8462:postfix")
        .containsEntry("securemail_submission_sender_restrictions",
            "check_sender_access regexp:/lab/etc/" + SubmissionTables.SENDERS);
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
