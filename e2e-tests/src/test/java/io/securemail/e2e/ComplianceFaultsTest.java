package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.OperatorCommand;
import io.securemail.operator.mtasts.PolicyServer;
import io.securemail.operator.mtasts.PolicySite;
import io.securemail.lab.mail.PostfixServer;
import io.securemail.lab.mail.PostfixServer.ListenerTls;
import io.securemail.lab.mtasts.FaultyPolicyServer;
import io.securemail.lab.mtasts.PolicyMount;
import io.securemail.lab.mtasts.PolicyServers;
import io.securemail.lab.support.LabPki;
import io.securemail.lab.support.ManagedProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every compliance check against real misconfigurations: the lab's Knot, Unbound, Postfix and
 * nginx are set up, directly and without the operator, with one healthy domain and domains that
 * are healthy except for named faults, all under {@value #ZONE}. The {@code check} command, run as a
 * user runs it, must find exactly those faults: each faulty report's results other than "pass" are
 * listed in full, with the words that name the fault in the messages. The verdicts on DANE, TLS
 * versions and cipher suites are compared with independent tools on the same servers
 * (posttls-finger, ldns-dane, testssl.sh).
 *
 * <p>The lab's servers used here: Postfix listeners 127.0.1.5 (healthy: AEAD suites only), 127.0.1.6
 * (no STARTTLS), 127.0.1.7 (TLS 1.0 and 1.1 accepted), 127.0.1.8 (CBC suites accepted), 127.0.1.9
 * (an RSA certificate, static RSA key exchange accepted), 127.0.1.10 (healthy, a certificate from an
 * intermediate CA sent with its chain) and ::1 (healthy, for an MX host with only an AAAA record),
 * all restored to the lab's defaults afterwards; policy servers 127.0.2.7 (the operator's nginx
 * configuration) and 127.0.2.8 (a lab fault server: a redirect, text/html).
 */
@ExtendWith(LabExtension.class)
class ComplianceFaultsTest {

  static final String ZONE = "faults.test";
  /** Below {@value #ZONE}, served unsigned by Knot and delegated without DS: an insecure delegation. */
  static final String UNSIGNED_ZONE = "insecure." + ZONE;
  /**
   * Below {@value #ZONE}, served unsigned by Knot, but the parent has a DS record for it that
   * matches no key: the parent says "signed", the child has no signatures, so it is bogus (RFC 4035
   * section 5.2), the mistake of a zone moved to a provider without DNSSEC while its DS stays.
   */
  static final String BOGUS_ZONE = "bogus." + ZONE;
  static final String NS = "faults";

  static final String HEALTHY_ADDRESS = "127.0.1.5";
  static final String NO_STARTTLS_ADDRESS = "127.0.1.6";
  static final String LEGACY_TLS_ADDRESS = "127.0.1.7";
  static final String CBC_ADDRESS = "127.0.1.8";
  static final String STATIC_RSA_ADDRESS = "127.0.1.9";
  static final String CHAIN_ADDRESS = "127.0.1.10";
  static final String IPV6_ADDRESS = PostfixServer.IPV6_ADDRESS;
  static final Map<String, ListenerTls> LISTENERS = Map.of(HEALTHY_ADDRESS, ListenerTls.AEAD_ONLY,
      NO_STARTTLS_ADDRESS, ListenerTls.NO_STARTTLS, LEGACY_TLS_ADDRESS, ListenerTls.LEGACY_TLS,
      CBC_ADDRESS, ListenerTls.CBC_SUITES, STATIC_RSA_ADDRESS, ListenerTls.RSA_KEY_EXCHANGE,
      CHAIN_ADDRESS, ListenerTls.AEAD_ONLY, IPV6_ADDRESS, ListenerTls.AEAD_ONLY);
  static final String POLICY_ADDRESS = "127.0.2.7";
  static final String FAULTY_POLICY_ADDRESS = "127.0.2.8";

  static final String BSI = "bsi-tr-03108";
  static final String RFC = "rfc";

  // MX hosts, each a name in ZONE (or UNSIGNED_ZONE) with the address of the listener that serves it.
  static final String MX_GOOD = "mx-good." + ZONE;
  static final String MX_TLSA_OTHER = "mx-tlsa-other." + ZONE;
  static final String MX_NO_TLSA = "mx-no-tlsa." + ZONE;
  static final String MX_ONE_TLSA = "mx-one-tlsa." + ZONE;
  static final String MX_NO_ADDRESS = "mx-no-address." + ZONE;
  static final String MX_NO_STARTTLS = "mx-no-starttls." + ZONE;
  static final String MX_TLS10 = "mx-tls10." + ZONE;
  static final String MX_CBC = "mx-cbc." + ZONE;
  static final String MX_WRONG_NAME = "mx-wrong-name." + ZONE;
  static final String MX_EXPIRED = "mx-expired." + ZONE;
  static final String MX_UNSIGNED = "mx." + UNSIGNED_ZONE;
  static final String MX_BOGUS = "mx." + BOGUS_ZONE;
  // Aliases (CNAME) of hosts on the healthy listener: TLSA at the target; at the alias only; at both, differing.
  static final String MX_ALIAS = "mx-alias." + ZONE;
  static final String MX_ALIAS_TARGET = "mx-alias-target." + ZONE;
  static final String MX_ALIAS_FALLBACK = "mx-alias-fallback." + ZONE;
  static final String MX_ALIAS_BARE_TARGET = "mx-alias-bare-target." + ZONE;
  static final String MX_ALIAS_OTHER = "mx-alias-other." + ZONE;
  static final String MX_ALIAS_OTHER_TARGET = "mx-alias-other-target." + ZONE;
  static final String MX_STATIC_RSA = "mx-static-rsa." + ZONE;
  // DANE-TA (2 1 1) on the chain listener: the intermediate CA it sends; the root it does not send;
  // the intermediate again, for a name the certificate does not carry.
  static final String MX_TA = "mx-ta." + ZONE;
  static final String MX_TA_ROOT = "mx-ta-root." + ZONE;
  static final String MX_TA_UNNAMED = "mx-ta-unnamed." + ZONE;
  static final String MX_IPV6 = "mx-ipv6." + ZONE;

  // Domains: each healthy except for its faults.
  static final String GOOD = "good." + ZONE;
  static final String DNS_FAULTS = "dns-faults." + ZONE;
  static final String TLS_FAULTS = "tls-faults." + ZONE;
  static final String WRONG_NAME = "wrong-name." + ZONE;
  static final String EXPIRED = "expired." + ZONE;
  static final String TWO_RECORDS = "two-records." + ZONE;
  static final String REDIRECT = "redirect." + ZONE;
  static final String HTML = "html." + ZONE;
  static final String UNCOVERED = "uncovered." + ZONE;
  static final String TESTING = "testing." + ZONE;
  static final String NONE = "none." + ZONE;
  static final String BAD_RUA = "bad-rua." + ZONE;
  static final String BOGUS_MX = "bogus-mx." + ZONE;
  static final String ALIASES = "aliases." + ZONE;
  static final String STATIC_RSA = "static-rsa." + ZONE;
  static final String DANE_TA = "dane-ta." + ZONE;
  static final String IPV6 = "ipv6." + ZONE;
  /** Its mta-sts host has a CAA record that names no CA, so no CA may issue its certificate. */
  static final String CAA = "caa." + ZONE;

  static final List<String> ALL_CHECKS = List.of("dns.mx", "dnssec.domain", "dnssec.mx", "dane.tlsa", "dane.match",
      "dane.rollover", "smtp.starttls", "tls.version", "tls.cipher", "cert.pkix", "cert.expiry", "mtasts.record",
      "mtasts.policy", "mtasts.mx", "mtasts.mode", "tlsrpt.record", "cert.caa");

  static Lab lab;
  static KubernetesClient client;
  static Path work;
  static Path caFile;
  static KeyPair caKey;
  static X509Certificate ca;
  /** The key every listener serves, its TLSA data, a "next" key's and an unrelated key's. */
  static KeyPair serverKey;
  static String servedSpki;
  static String nextSpki;
  static String otherSpki;
  /** The RSA key of the static-RSA listener (static RSA key exchange needs an RSA certificate), its TLSA data. */
  static KeyPair rsaKey;
  static String rsaSpki;
  /** The intermediate CA whose certificate the chain listener sends after its own. */
  static KeyPair intermediateKey;
  static X509Certificate intermediate;
  static PolicyMount policyServer;
  static FaultyPolicyServer faultyPolicyServer;
  /** Reports by "domain profile dnssec-mode", each from one run of the check command. */
  static final Map<String, JsonNode> reports = new ConcurrentHashMap<>();
  static CompletableFuture<Map<String, Map<String, String>>> testssl;

  @BeforeAll
  static void faults(Lab l) throws Exception {
    lab = l;
    client = l.client();
    work = Files.createDirectories(l.repoDir().resolve("e2e-tests/target/compliance-faults"));
    pki();
    listeners();
    dns();
    policies();
    // testssl.sh takes a while per listener: it runs meanwhile, on listeners whose settings stay put.
    testssl = CompletableFuture.supplyAsync(ComplianceFaultsTest::runTestssl);
    // Two checks at a time beside testssl.sh: the machine has two cores, and no probe should run near its timeout.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<CompletableFuture<JsonNode>> runs = new ArrayList<>();
      for (String[] run : List.of(new String[] {GOOD, BSI}, new String[] {DNS_FAULTS, BSI},
          new String[] {TLS_FAULTS, BSI}, new String[] {TLS_FAULTS, RFC}, new String[] {UNSIGNED_ZONE, BSI},
          new String[] {UNSIGNED_ZONE, RFC}, new String[] {WRONG_NAME, BSI}, new String[] {TWO_RECORDS, BSI},
          new String[] {REDIRECT, BSI}, new String[] {HTML, BSI}, new String[] {UNCOVERED, BSI},
          new String[] {TESTING, BSI}, new String[] {NONE, BSI}, new String[] {NONE, RFC}, new String[] {BAD_RUA, BSI},
          new String[] {BOGUS_MX, BSI}, new String[] {BOGUS_MX, RFC}, new String[] {BOGUS_ZONE, BSI},
          new String[] {BOGUS_ZONE, RFC}, new String[] {ALIASES, BSI}, new String[] {ALIASES, RFC},
          new String[] {STATIC_RSA, BSI}, new String[] {STATIC_RSA, RFC}, new String[] {DANE_TA, BSI},
          new String[] {DANE_TA, RFC}, new String[] {IPV6, BSI}, new String[] {IPV6, RFC},
          new String[] {CAA, BSI})) {
        runs.add(CompletableFuture.supplyAsync(() -> report(run[0], run[1], "resolver"), pool));
      }
      runs.add(CompletableFuture.supplyAsync(() -> report(GOOD, BSI, "validate"), pool));
      runs.add(CompletableFuture.supplyAsync(() -> report(UNSIGNED_ZONE, RFC, "validate"), pool));
      runs.add(CompletableFuture.supplyAsync(() -> report(BOGUS_MX, RFC, "validate"), pool));
      CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
    } finally {
      pool.shutdown();
    }
    // The one fault that needs the healthy listener itself: its certificate expired (same key).
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X509Certificate expired = LabPki.signServer(serverKey.getPublic(), MX_EXPIRED, List.of(MX_EXPIRED),
        now.minus(Duration.ofDays(120)), now.minus(Duration.ofDays(30)), ca, caKey.getPrivate());
    lab.postfix().serve(HEALTHY_ADDRESS, LabPki.certificatePem(expired), LabPki.privateKeyPem(serverKey.getPrivate(),
        true));
    try {
      report(EXPIRED, BSI, "resolver");
    } finally {
      serveHealthy();
    }
  }

  @AfterAll
  static void restore() {
    if (lab == null) {
      return;
    }
    if (testssl != null) {
      testssl.exceptionally(e -> Map.of()).join();
    }
    for (String address : LISTENERS.keySet()) {
      lab.postfix().setListenerTls(address, ListenerTls.LAB_DEFAULT);
      lab.postfix().serveThrowaway(address);
    }
    if (policyServer != null) {
      policyServer.close();
    }
    if (faultyPolicyServer != null) {
      faultyPolicyServer.close();
    }
  }

  // --- one healthy domain: every check passes ---

  @Test
  void aHealthyDomainPassesEveryCheckUnderBsi() {
    JsonNode report = report(GOOD, BSI, "resolver");
    assertThat(report.get("compliant").asBoolean()).as(pretty(report)).isTrue();
    assertThat(ids(report)).as(pretty(report)).containsExactlyInAnyOrderElementsOf(ALL_CHECKS);
    assertThat(notPassing(report)).as(pretty(report)).isEmpty();
    assertThat(message(report, "dane.rollover", MX_GOOD)).contains(nextSpki.substring(0, 16));
    // Every suite it accepts, in TLS 1.2 and 1.3, is in TR-02102-2's tables (the extra offers found none other).
    assertThat(message(report, "tls.cipher", MX_GOOD + "[" + HEALTHY_ADDRESS + "]"))
        .contains("no suite outside BSI TR-02102-2");
    assertThat(message(report, "tls.version", MX_GOOD + "[" + HEALTHY_ADDRESS + "]"))
        .contains("TLS 1.0 and 1.1 refused");
  }

  @Test
  void validatingInProcessGivesTheVerdictsOfTheLabResolver() {
    JsonNode validated = report(GOOD, BSI, "validate");
    assertThat(notPassing(validated)).as(pretty(validated)).isEmpty();
    JsonNode insecure = report(UNSIGNED_ZONE, RFC, "validate");
    assertThat(notPassing(insecure)).as(pretty(insecure))
        .containsExactlyInAnyOrderElementsOf(notPassing(report(UNSIGNED_ZONE, RFC, "resolver")));
    // In-process validation says why: the parent's NSEC proves there is no DS.
    assertThat(message(insecure, "dnssec.mx", MX_UNSIGNED)).contains(MX_UNSIGNED + " A (", "no DS")
        .doesNotContain("(:");
  }

  // --- DNS and DANE ---

  @Test
  void dnsAndDaneFaultsFailTheirChecksAndNothingElse() {
    JsonNode report = report(DNS_FAULTS, BSI, "resolver");
    assertThat(notPassing(report)).as(pretty(report)).containsExactlyInAnyOrder(
        "dane.match fail " + at(MX_TLSA_OTHER, HEALTHY_ADDRESS),
        "dane.rollover skip " + MX_TLSA_OTHER,
        "dane.tlsa fail " + MX_NO_TLSA,
        "dane.match skip " + at(MX_NO_TLSA, HEALTHY_ADDRESS),
        "dane.rollover skip " + MX_NO_TLSA,
        "dane.rollover warn " + MX_ONE_TLSA,
        "dns.mx fail " + MX_NO_ADDRESS);
    // TLSA for another key: the served and the published digests.
    assertThat(message(report, "dane.match", at(MX_TLSA_OTHER, HEALTHY_ADDRESS)))
        .contains("does not match", "served SPKI sha256 " + servedSpki.substring(0, 16),
            "published " + otherSpki.substring(0, 16));
    assertThat(message(report, "dane.tlsa", MX_NO_TLSA)).contains("no TLSA records at _25._tcp." + MX_NO_TLSA);
    assertThat(message(report, "dane.rollover", MX_ONE_TLSA)).contains("matches the key in service");
    assertThat(message(report, "dns.mx", MX_NO_ADDRESS)).contains("no address");
    assertThat(message(report, "dane.match", at(MX_ONE_TLSA, HEALTHY_ADDRESS))).contains("matches");
  }

  @Test
  void anUnsignedZoneFailsDnssecUnderBsiAndWarnsUnderRfc() {
    JsonNode bsi = report(UNSIGNED_ZONE, BSI, "resolver");
    assertThat(notPassing(bsi)).as(pretty(bsi)).containsExactlyInAnyOrder(
        "dnssec.domain fail " + UNSIGNED_ZONE,
        "dnssec.mx fail " + MX_UNSIGNED,
        "dane.tlsa fail " + MX_UNSIGNED,
        "dane.match skip " + at(MX_UNSIGNED, HEALTHY_ADDRESS),
        "dane.rollover skip " + MX_UNSIGNED);
    assertThat(message(bsi, "dnssec.domain", UNSIGNED_ZONE)).contains("not DNSSEC-signed", BSI);
    assertThat(message(bsi, "dnssec.mx", MX_UNSIGNED)).contains("not DNSSEC-signed", MX_UNSIGNED + " A");
    assertThat(message(bsi, "dane.tlsa", MX_UNSIGNED)).contains("not DNSSEC-validated");
    JsonNode rfc = report(UNSIGNED_ZONE, RFC, "resolver");
    assertThat(notPassing(rfc)).as(pretty(rfc)).containsExactlyInAnyOrder(
        "dnssec.domain warn " + UNSIGNED_ZONE,
        "dnssec.mx warn " + MX_UNSIGNED,
        "dane.tlsa warn " + MX_UNSIGNED,
        "dane.match skip " + at(MX_UNSIGNED, HEALTHY_ADDRESS),
        "dane.rollover skip " + MX_UNSIGNED);
  }

  /**
   * Just outside the unsigned zone above: the same kind of child zone, but the parent has a DS for
   * it, so every answer from it is bogus and a validating resolver answers SERVFAIL. Unlike
   * insecure, bogus fails under both profiles (RFC 7672 section 2.1.1: validating senders cannot use the answers, DANE or not),
   * and the words say bogus. An MX host in it leaves nothing to probe.
   */
  @Test
  void anMxHostInABogusZoneFailsDnssecAndDaneUnderBothProfiles() {
    for (String profile : List.of(BSI, RFC)) {
      JsonNode report = report(BOGUS_MX, profile, "resolver");
      assertThat(notPassing(report)).as(pretty(report)).containsExactlyInAnyOrder(
          "dns.mx fail " + MX_BOGUS,
          "dnssec.mx fail " + MX_BOGUS,
          "dane.tlsa fail " + MX_BOGUS,
          "dane.rollover skip " + MX_BOGUS,
          "dane.match skip " + BOGUS_MX,
          "smtp.starttls skip " + BOGUS_MX,
          "tls.version skip " + BOGUS_MX,
          "tls.cipher skip " + BOGUS_MX,
          "cert.pkix skip " + BOGUS_MX,
          "cert.expiry skip " + BOGUS_MX,
          "cert.caa fail " + MX_BOGUS);
      assertThat(message(report, "dnssec.mx", MX_BOGUS)).contains("DNSSEC bogus", MX_BOGUS + " A",
          "validating senders cannot deliver");
      assertThat(message(report, "dane.tlsa", MX_BOGUS)).contains("_25._tcp." + MX_BOGUS, "DNSSEC bogus",
          "DANE senders defer mail");
      assertThat(message(report, "dns.mx", MX_BOGUS)).contains("no address", "SERVFAIL");
    }
    // Validated in the checker itself, the same verdicts.
    JsonNode validated = report(BOGUS_MX, RFC, "validate");
    assertThat(notPassing(validated)).as(pretty(validated))
        .containsExactlyInAnyOrderElementsOf(notPassing(report(BOGUS_MX, RFC, "resolver")));
    assertThat(message(validated, "dnssec.mx", MX_BOGUS)).contains("DNSSEC bogus");
  }

  /** A domain whose own zone is bogus: its MX cannot even be looked up, and nothing passes. */
  @Test
  void aBogusDomainFailsItsMxLookupAndPassesNothing() {
    for (String profile : List.of(BSI, RFC)) {
      JsonNode report = report(BOGUS_ZONE, profile, "resolver");
      assertThat(report.get("compliant").asBoolean()).isFalse();
      assertThat(notPassing(report)).as(pretty(report)).contains("dns.mx fail " + BOGUS_ZONE,
          "dnssec.domain fail " + BOGUS_ZONE);
      assertThat(checks(report).map(c -> c.get("status").asText())).as(pretty(report)).doesNotContain("pass");
      assertThat(message(report, "dnssec.domain", BOGUS_ZONE)).contains("DNSSEC bogus",
          "validating senders cannot deliver mail to " + BOGUS_ZONE);
      assertThat(message(report, "dns.mx", BOGUS_ZONE)).contains("the MX lookup failed", "SERVFAIL");
    }
  }

  /**
   * MX hosts that are aliases (RFC 7672 section 2.2.2): the TLSA base domain is the CNAME-expanded
   * name when the expansion validates, and the MX host name when the expanded name has no TLSA
   * records. A host whose target publishes a TLSA record for another key fails dane.match even
   * though its own name has a matching one: senders never look there.
   */
  @Test
  void aliasesAreMatchedAtTheirExpandedNameOrElseAtTheirOwn() {
    String other = at(MX_ALIAS_OTHER, HEALTHY_ADDRESS);
    for (String profile : List.of(BSI, RFC)) {
      JsonNode report = report(ALIASES, profile, "resolver");
      assertThat(notPassing(report)).as(pretty(report)).containsExactlyInAnyOrder("dane.match fail " + other,
          "dane.rollover skip " + MX_ALIAS_OTHER);
      assertThat(message(report, "dane.tlsa", MX_ALIAS)).contains("at _25._tcp." + MX_ALIAS_TARGET + " ("
          + MX_ALIAS + " is an alias of " + MX_ALIAS_TARGET + ")");
      assertThat(message(report, "dane.tlsa", MX_ALIAS_FALLBACK)).contains("at _25._tcp." + MX_ALIAS_FALLBACK + ":");
      assertThat(message(report, "dane.match", other)).contains("_25._tcp." + MX_ALIAS_OTHER_TARGET,
          "does not match", "published " + otherSpki.substring(0, 16));
      assertThat(message(report, "dns.mx", MX_ALIAS)).contains("resolves to " + HEALTHY_ADDRESS);
    }
  }

  // --- SMTP and TLS ---

  @Test
  void listenerFaultsFailStarttlsVersionAndCipherChecks() {
    JsonNode bsi = report(TLS_FAULTS, BSI, "resolver");
    String noStarttls = at(MX_NO_STARTTLS, NO_STARTTLS_ADDRESS);
    String legacy = at(MX_TLS10, LEGACY_TLS_ADDRESS);
    String cbc = at(MX_CBC, CBC_ADDRESS);
    assertThat(notPassing(bsi)).as(pretty(bsi)).containsExactlyInAnyOrder(
        "smtp.starttls fail " + noStarttls,
        // DANE records published, but no TLS: DANE senders must not deliver.
        "dane.match fail " + noStarttls,
        "tls.version skip " + noStarttls,
        "tls.cipher skip " + noStarttls,
        "cert.pkix skip " + noStarttls,
        "cert.expiry skip " + noStarttls,
        "tls.version fail " + legacy,
        // TLS 1.0 has only CBC suites, and a server that accepts them for 1.0 accepts them for 1.2.
        "tls.cipher fail " + legacy,
        "tls.cipher fail " + cbc);
    assertThat(message(bsi, "smtp.starttls", noStarttls)).contains("does not offer STARTTLS");
    assertThat(message(bsi, "dane.match", noStarttls)).contains("no TLS session");
    assertThat(message(bsi, "tls.version", legacy)).contains("accepts TLS 1.0 (TLSv1.0", "TLS 1.1 (TLSv1.1", BSI);
    assertThat(message(bsi, "tls.cipher", cbc)).contains("accepts CBC suites", "_CBC_", BSI)
        .doesNotContain("without forward secrecy");
    assertThat(message(bsi, "tls.version", cbc)).contains("TLS 1.0 and 1.1 refused");
    JsonNode rfc = report(TLS_FAULTS, RFC, "resolver");
    // Postfix's default grades enable anonymous suites: no server authentication, a failure everywhere.
    assertThat(notPassing(rfc)).as(pretty(rfc)).contains("smtp.starttls fail " + noStarttls,
        "tls.version warn " + legacy, "tls.cipher fail " + legacy, "tls.cipher fail " + cbc);
    assertThat(message(rfc, "tls.cipher", cbc)).contains("accepts anonymous suites (aNULL)", "_anon_");
  }

  /**
   * Static RSA key exchange (TLS_RSA_WITH_AES_*_GCM: AEAD, but no forward secrecy) accepted beside
   * ECDHE suites on a listener with an RSA certificate: outside TR-02102-2 Table 1, so a failure
   * under bsi-tr-03108 naming the suite; under rfc a warning, since RFC 7435 opportunistic TLS
   * restricts no suites. The ECDHE-RSA suite it prefers is inside Table 1 and is not named.
   */
  @Test
  void staticRsaKeyExchangeFailsTheCipherCheckUnderBsiAndWarnsUnderRfc() {
    String subject = at(MX_STATIC_RSA, STATIC_RSA_ADDRESS);
    JsonNode bsi = report(STATIC_RSA, BSI, "resolver");
    assertThat(notPassing(bsi)).as(pretty(bsi)).containsExactly("tls.cipher fail " + subject);
    assertThat(message(bsi, "tls.cipher", subject)).contains("RSA key exchange", "TLS_RSA_WITH_AES_", BSI,
        "Table 1").doesNotContain("ECDHE");
    JsonNode rfc = report(STATIC_RSA, RFC, "resolver");
    assertThat(notPassing(rfc)).as(pretty(rfc)).containsExactly("tls.cipher warn " + subject);
    assertThat(message(rfc, "tls.cipher", subject)).contains("TLS_RSA_WITH_AES_", "(no forward secrecy)");
    // The RSA key is the one the DANE-EE record names.
    assertThat(message(bsi, "dane.match", subject)).contains("matches");
  }

  /** An MX host with only an AAAA record: every check runs on the IPv6 address, named in RFC 5952 text. */
  @Test
  void anMxReachableOnlyOverIpv6IsCheckedThere() {
    for (String profile : List.of(BSI, RFC)) {
      JsonNode report = report(IPV6, profile, "resolver");
      assertThat(notPassing(report)).as(pretty(report)).isEmpty();
      assertThat(message(report, "dns.mx", MX_IPV6)).isEqualTo("resolves to ::1");
      assertThat(checks(report).filter(c -> c.get("subject").asText().startsWith(MX_IPV6 + "["))
          .map(c -> c.get("id").asText() + " " + c.get("subject").asText()).toList()).containsExactlyInAnyOrder(
          "smtp.starttls " + at(MX_IPV6, "::1"), "dane.match " + at(MX_IPV6, "::1"),
          "tls.version " + at(MX_IPV6, "::1"), "tls.cipher " + at(MX_IPV6, "::1"),
          "cert.pkix " + at(MX_IPV6, "::1"), "cert.expiry " + at(MX_IPV6, "::1"));
      assertThat(message(report, "dane.match", at(MX_IPV6, "::1"))).contains("of ::1");
    }
  }

  // --- certificates ---

  @Test
  void aCertificateForOtherNamesFailsPkixUnderAnEnforcedPolicy() {
    JsonNode report = report(WRONG_NAME, BSI, "resolver");
    assertThat(notPassing(report)).as(pretty(report))
        .containsExactly("cert.pkix fail " + at(MX_WRONG_NAME, HEALTHY_ADDRESS));
    assertThat(message(report, "cert.pkix", at(MX_WRONG_NAME, HEALTHY_ADDRESS)))
        .contains(MX_GOOD, "not " + MX_WRONG_NAME, "MTA-STS senders will not deliver");
  }

  @Test
  void anExpiredCertificateFailsExpiryAndPkixButStillMatchesDaneEe() {
    JsonNode report = report(EXPIRED, BSI, "resolver");
    String subject = at(MX_EXPIRED, HEALTHY_ADDRESS);
    assertThat(notPassing(report)).as(pretty(report))
        .containsExactlyInAnyOrder("cert.expiry fail " + subject, "cert.pkix fail " + subject);
    assertThat(message(report, "cert.expiry", subject)).contains("expired on");
    assertThat(message(report, "cert.pkix", subject)).containsIgnoringCase("expired");
    // DANE-EE ignores expiry (RFC 7672 section 3.1.1): the key is still the published one.
    assertThat(status(report, "dane.match", subject)).isEqualTo("pass");
  }

  /**
   * DANE-TA (RFC 7672 section 3.1.2): a 2 1 1 record for the intermediate CA the server sends after
   * its certificate matches; one for the root, which it does not send, cannot (the trust anchor
   * must be in the chain the server sends, RFC 7671 section 5.2.2); and unlike DANE-EE, DANE-TA
   * checks names (RFC 7672 section 3.2.3): the intermediate's record for a host the certificate
   * does not name fails, as does PKIX for it. The same under both profiles.
   */
  @Test
  void daneTaMatchesACaInTheServedChainForANameTheCertificateCarries() {
    String ta = at(MX_TA, CHAIN_ADDRESS);
    String root = at(MX_TA_ROOT, CHAIN_ADDRESS);
    String unnamed = at(MX_TA_UNNAMED, CHAIN_ADDRESS);
    for (String profile : List.of(BSI, RFC)) {
      JsonNode report = report(DANE_TA, profile, "resolver");
      assertThat(notPassing(report)).as(pretty(report)).containsExactlyInAnyOrder("dane.match fail " + root,
          "dane.match fail " + unnamed, "cert.pkix fail " + unnamed);
      assertThat(message(report, "dane.match", ta)).contains("TLSA 2 1 1", "matches the CA CN=compliance faults "
          + "intermediate CA", "the chain validates for " + MX_TA);
      assertThat(message(report, "dane.match", root)).contains("no CA certificate in the served chain (1 sent)");
      assertThat(message(report, "dane.match", unnamed)).contains("the chain validates up to the CA",
          "not " + MX_TA_UNNAMED);
      assertThat(message(report, "dane.rollover", MX_TA)).contains("keep matching when the server key changes");
    }
  }

  // --- MTA-STS and TLS-RPT ---

  @Test
  void twoStsRecordsFailTheRecordAndLeaveNoPolicy() {
    JsonNode report = report(TWO_RECORDS, BSI, "resolver");
    assertThat(notPassing(report)).as(pretty(report)).containsExactlyInAnyOrder(
        "mtasts.record fail _mta-sts." + TWO_RECORDS, "mtasts.policy warn mta-sts." + TWO_RECORDS,
        "mtasts.mx skip " + MX_GOOD, "mtasts.mode fail mta-sts." + TWO_RECORDS);
    assertThat(message(report, "mtasts.record", "_mta-sts." + TWO_RECORDS)).contains("2 v=STSv1 TXT records");
    // A served policy is not in effect: senders ignore MTA-STS with two records (RFC 8461 section 3.1).
    assertThat(message(report, "mtasts.policy", "mta-sts." + TWO_RECORDS)).contains("RFC 8461 section 3.1");
  }

  @Test
  void aPolicyBehindARedirectOrServedAsHtmlFailsTheFetch() {
    JsonNode redirect = report(REDIRECT, BSI, "resolver");
    assertThat(notPassing(redirect)).as(pretty(redirect)).containsExactlyInAnyOrder(
        "mtasts.policy fail mta-sts." + REDIRECT, "mtasts.mx skip " + MX_GOOD, "mtasts.mode fail mta-sts." + REDIRECT);
    assertThat(message(redirect, "mtasts.policy", "mta-sts." + REDIRECT))
        .contains("HTTP 301 redirect to https://mta-sts." + REDIRECT + FaultyPolicyServer.REDIRECT_TARGET);
    JsonNode html = report(HTML, BSI, "resolver");
    assertThat(notPassing(html)).as(pretty(html)).containsExactlyInAnyOrder(
        "mtasts.policy fail mta-sts." + HTML, "mtasts.mx skip " + MX_GOOD, "mtasts.mode fail mta-sts." + HTML);
    assertThat(message(html, "mtasts.policy", "mta-sts." + HTML)).contains("text/html", "text/plain");
  }

  @Test
  void anMxOutsideThePolicyFailsInEnforceMode() {
    JsonNode report = report(UNCOVERED, BSI, "resolver");
    assertThat(notPassing(report)).as(pretty(report)).containsExactly("mtasts.mx fail " + MX_GOOD);
    assertThat(message(report, "mtasts.mx", MX_GOOD))
        .contains("matches none of the policy's mx patterns (mail." + UNCOVERED + ")");
  }

  @Test
  void modeTestingWarnsAndModeNoneFailsUnderBsi() {
    JsonNode testing = report(TESTING, BSI, "resolver");
    assertThat(notPassing(testing)).as(pretty(testing)).containsExactly("mtasts.mode warn mta-sts." + TESTING);
    assertThat(message(testing, "mtasts.mode", "mta-sts." + TESTING)).contains("mode testing");
    JsonNode none = report(NONE, BSI, "resolver");
    assertThat(notPassing(none)).as(pretty(none))
        .containsExactlyInAnyOrder("mtasts.mode fail mta-sts." + NONE, "mtasts.mx skip " + MX_GOOD);
    assertThat(message(none, "mtasts.mode", "mta-sts." + NONE)).contains("mode none", BSI);
    JsonNode rfc = report(NONE, RFC, "resolver");
    assertThat(notPassing(rfc)).as(pretty(rfc))
        .containsExactlyInAnyOrder("mtasts.mode warn mta-sts." + NONE, "mtasts.mx skip " + MX_GOOD);
  }

  @Test
  void aTlsRptRecordWithABadRuaFails() {
    JsonNode report = report(BAD_RUA, BSI, "resolver");
    assertThat(notPassing(report)).as(pretty(report)).containsExactly("tlsrpt.record fail _smtp._tls." + BAD_RUA);
    assertThat(message(report, "tlsrpt.record", "_smtp._tls." + BAD_RUA)).contains("rua 'tls@example'");
  }

  /** A CAA record that names no CA at the policy host: its certificate can never be renewed (RFC 8659 section 4.2). */
  @Test
  void caaThatForbidsEveryCaFailsForThatNameAlone() {
    JsonNode report = report(CAA, BSI, "resolver");
    assertThat(notPassing(report)).as(pretty(report)).containsExactly("cert.caa fail mta-sts." + CAA);
    assertThat(message(report, "cert.caa", "mta-sts." + CAA)).contains("at mta-sts." + CAA + ":",
        "every CA is forbidden");
    assertThat(message(report, "cert.caa", MX_GOOD)).contains("no CAA records");
  }

  @Test
  void everyCheckHasAPassingAndAFailingScenario() {
    Set<String> failing = new TreeSet<>();
    for (String key : List.of(DNS_FAULTS, UNSIGNED_ZONE, TLS_FAULTS, WRONG_NAME, EXPIRED, TWO_RECORDS, REDIRECT, HTML,
        UNCOVERED, TESTING, NONE, BAD_RUA, BOGUS_MX, BOGUS_ZONE, ALIASES, STATIC_RSA, DANE_TA, CAA)) {
      JsonNode report = report(key, BSI, "resolver");
      checks(report).filter(c -> !List.of("pass", "skip").contains(c.get("status").asText()))
          .forEach(c -> failing.add(c.get("id").asText()));
    }
    assertThat(failing).containsExactlyInAnyOrderElementsOf(ALL_CHECKS);
    assertThat(notPassing(report(GOOD, BSI, "resolver"))).isEmpty();
    // Healthy apart from the scenario's subject: an IPv6-only MX passes everything.
    assertThat(notPassing(report(IPV6, BSI, "resolver"))).isEmpty();
  }

  // --- agreement with independent tools ---

  /**
   * Postfix's own DANE client and ldns-dane, through the lab resolver, on the healthy MX, on one
   * whose TLSA record is for another key and on one whose TLSA records do not validate (all on the
   * same listener): they verify exactly where dane.match passes, and posttls-finger calls the
   * mismatch untrusted.
   */
  @Test
  void daneVerdictsAgreeWithPosttlsFingerAndLdnsDane() throws Exception {
    Map<String, String> engine = new LinkedHashMap<>();
    engine.put(MX_GOOD, status(report(GOOD, BSI, "resolver"), "dane.match", at(MX_GOOD, HEALTHY_ADDRESS)));
    engine.put(MX_TLSA_OTHER, status(report(DNS_FAULTS, BSI, "resolver"), "dane.match",
        at(MX_TLSA_OTHER, HEALTHY_ADDRESS)));
    engine.put(MX_UNSIGNED, status(report(UNSIGNED_ZONE, BSI, "resolver"), "dane.match",
        at(MX_UNSIGNED, HEALTHY_ADDRESS)));
    assertThat(engine).containsExactly(Map.entry(MX_GOOD, "pass"), Map.entry(MX_TLSA_OTHER, "fail"),
        Map.entry(MX_UNSIGNED, "skip"));
    for (Map.Entry<String, String> host : engine.entrySet()) {
      boolean pass = host.getValue().equals("pass");
      String finger = LabMx.posttlsFinger(lab, host.getKey());
      String ldns = ldnsDane(host.getKey(), HEALTHY_ADDRESS);
      System.out.printf("[faults] dane.match %s for %s; posttls-finger: %s; ldns-dane: %s%n", host.getValue(),
          host.getKey(), finger.lines().filter(l -> l.contains("TLS connection")).findFirst().orElse(finger), ldns);
      if (pass) {
        assertThat(finger).as("posttls-finger -l dane").contains("Verified TLS connection established");
        assertThat(ldns).as("ldns-dane").contains("dane-validated successfully");
      } else if (host.getValue().equals("fail")) {
        assertThat(finger).as("posttls-finger -l dane").contains("Untrusted TLS connection established");
        assertThat(ldns).as("ldns-dane").contains("did not dane-validate");
      } else {
        // TLSA records that do not validate: DANE does not apply, neither verifies.
        assertThat(finger).as("posttls-finger -l dane").doesNotContain("Verified TLS connection established");
        assertThat(ldns).as("ldns-dane").doesNotContain("dane-validated successfully");
      }
    }
  }

  /**
   * Postfix's own DANE client on the aliases and the DANE-TA hosts: it verifies exactly where
   * dane.match passes. Postfix, like the checker, takes the TLSA records of an alias from its
   * CNAME-expanded name first (RFC 7672 section 2.2.2) and checks names for DANE-TA (section 3.2.3).
   */
  @Test
  void aliasAndDaneTaVerdictsAgreeWithPosttlsFinger() throws Exception {
    Map<String, String> engine = new LinkedHashMap<>();
    JsonNode aliases = report(ALIASES, BSI, "resolver");
    for (String host : List.of(MX_ALIAS, MX_ALIAS_FALLBACK, MX_ALIAS_OTHER)) {
      engine.put(host, status(aliases, "dane.match", at(host, HEALTHY_ADDRESS)));
    }
    JsonNode ta = report(DANE_TA, BSI, "resolver");
    for (String host : List.of(MX_TA, MX_TA_ROOT, MX_TA_UNNAMED)) {
      engine.put(host, status(ta, "dane.match", at(host, CHAIN_ADDRESS)));
    }
    assertThat(engine).containsExactly(Map.entry(MX_ALIAS, "pass"), Map.entry(MX_ALIAS_FALLBACK, "pass"),
        Map.entry(MX_ALIAS_OTHER, "fail"), Map.entry(MX_TA, "pass"), Map.entry(MX_TA_ROOT, "fail"),
        Map.entry(MX_TA_UNNAMED, "fail"));
    for (Map.Entry<String, String> host : engine.entrySet()) {
      String finger = LabMx.posttlsFinger(lab, host.getKey());
      System.out.printf("[faults] dane.match %s for %s; posttls-finger: %s%n", host.getValue(), host.getKey(),
          finger.lines().filter(l -> l.contains("TLS connection")).findFirst().orElse(finger));
      // Postfix calls a chain it trusts but whose names do not fit "Trusted", one it cannot trust "Untrusted".
      assertThat(finger).as("posttls-finger -l dane " + host.getKey()).contains("TLS connection established");
      if (host.getValue().equals("pass")) {
        assertThat(finger).as("posttls-finger -l dane " + host.getKey()).contains("Verified TLS connection established");
      } else {
        assertThat(finger).as("posttls-finger -l dane " + host.getKey())
            .doesNotContain("Verified TLS connection established");
      }
    }
  }

  /**
   * testssl.sh on the healthy, the TLS 1.0 and the CBC listener: tls.version passes exactly where it
   * finds TLS 1.0 and 1.1 not offered, tls.cipher exactly where it finds no CBC ("obsolete"), 3DES,
   * LOW, EXPORT or NULL suites.
   */
  @Test
  void protocolAndSuiteVerdictsAgreeWithTestssl() {
    Map<String, Map<String, String>> found = testssl.join();
    JsonNode good = report(GOOD, BSI, "resolver");
    JsonNode faults = report(TLS_FAULTS, BSI, "resolver");
    Map<String, String[]> engine = Map.of(
        HEALTHY_ADDRESS, new String[] {status(good, "tls.version", at(MX_GOOD, HEALTHY_ADDRESS)),
            status(good, "tls.cipher", at(MX_GOOD, HEALTHY_ADDRESS))},
        LEGACY_TLS_ADDRESS, new String[] {status(faults, "tls.version", at(MX_TLS10, LEGACY_TLS_ADDRESS)),
            status(faults, "tls.cipher", at(MX_TLS10, LEGACY_TLS_ADDRESS))},
        CBC_ADDRESS, new String[] {status(faults, "tls.version", at(MX_CBC, CBC_ADDRESS)),
            status(faults, "tls.cipher", at(MX_CBC, CBC_ADDRESS))});
    for (var listener : engine.entrySet()) {
      Map<String, String> testsslFindings = found.get(listener.getKey());
      assertThat(testsslFindings).as("testssl.sh findings for " + listener.getKey()).isNotNull();
      boolean legacyOffered = offered(testsslFindings, "TLS1") || offered(testsslFindings, "TLS1_1");
      boolean weakOffered = List.of("cipherlist_NULL", "cipherlist_EXPORT", "cipherlist_LOW", "cipherlist_3DES_IDEA",
          "cipherlist_AVERAGE").stream().anyMatch(id -> offered(testsslFindings, id));
      System.out.printf("[faults] %s: tls.version %s, tls.cipher %s; testssl.sh: %s%n", listener.getKey(),
          listener.getValue()[0], listener.getValue()[1], testsslFindings);
      assertThat(listener.getValue()[0]).as("tls.version on %s vs testssl.sh %s", listener.getKey(), testsslFindings)
          .isEqualTo(legacyOffered ? "fail" : "pass");
      assertThat(listener.getValue()[1]).as("tls.cipher on %s vs testssl.sh %s", listener.getKey(), testsslFindings)
          .isEqualTo(weakOffered ? "fail" : "pass");
    }
    // The static-RSA listener: the suites without forward secrecy it accepts, by testssl.sh's -e, are
    // exactly those tls.cipher names.
    Map<String, String> rsa = found.get(STATIC_RSA_ADDRESS);
    assertThat(rsa).as("testssl.sh findings for " + STATIC_RSA_ADDRESS).isNotNull();
    Set<String> testsslStaticRsa = new TreeSet<>();
    rsa.forEach((id, finding) -> {
      if (id.startsWith("cipher_x")) {
        testsslStaticRsa.addAll(staticRsaSuites(finding));
      }
    });
    String rsaCipher = message(report(STATIC_RSA, BSI, "resolver"), "tls.cipher", at(MX_STATIC_RSA, STATIC_RSA_ADDRESS));
    System.out.printf("[faults] %s: tls.cipher says %s; testssl.sh -e: %s%n", STATIC_RSA_ADDRESS, rsaCipher, rsa);
    assertThat(testsslStaticRsa).as("testssl.sh -e on " + STATIC_RSA_ADDRESS + ": " + rsa).isNotEmpty()
        .allMatch(suite -> suite.contains("_GCM_"));
    // The checker offers one group at a time and names the suite the server picks from it: one of testssl.sh's.
    assertThat(staticRsaSuites(rsaCipher)).isNotEmpty().isSubsetOf(testsslStaticRsa);
    // And the faults are really there, by testssl.sh's account.
    assertThat(offered(found.get(LEGACY_TLS_ADDRESS), "TLS1")).isTrue();
    assertThat(offered(found.get(CBC_ADDRESS), "cipherlist_AVERAGE")).isTrue();
    assertThat(offered(found.get(CBC_ADDRESS), "TLS1")).isFalse();
  }

  /** The static RSA key exchange suites (IANA names) a text names. */
  static Set<String> staticRsaSuites(String text) {
    Set<String> suites = new TreeSet<>();
    Matcher m = Pattern.compile("TLS_RSA_WITH_[A-Z0-9_]+").matcher(text);
    while (m.find()) {
      suites.add(m.group());
    }
    return suites;
  }

  static boolean offered(Map<String, String> findings, String id) {
    String finding = findings.getOrDefault(id, "");
    assertThat(finding).as("testssl.sh finding " + id + " in " + findings).isNotEmpty();
    return finding.startsWith("offered");
  }

  /**
   * testssl.sh -p -s on four listeners, in parallel: id -> finding per address. On the static-RSA
   * listener also -e, every suite it accepts: -s of testssl.sh 3.0 puts AEAD suites with and
   * without forward secrecy in one group.
   */
  static Map<String, Map<String, String>> runTestssl() {
    List<CompletableFuture<Map.Entry<String, Map<String, String>>>> runs = new ArrayList<>();
    for (String address : List.of(HEALTHY_ADDRESS, LEGACY_TLS_ADDRESS, CBC_ADDRESS, STATIC_RSA_ADDRESS)) {
      runs.add(CompletableFuture.supplyAsync(() -> {
        try {
          Path json = work.resolve("testssl-" + address + "-" + System.nanoTime() + ".json");
          long started = System.nanoTime();
          List<String> command = new ArrayList<>(List.of("testssl", "--quiet", "--color", "0", "--warnings",
              "off", "--nodns", "none", "--connect-timeout", "10", "--openssl-timeout", "10", "--starttls", "smtp",
              "-p", "-s"));
          if (address.equals(STATIC_RSA_ADDRESS)) {
            command.add("-e");
          }
          command.addAll(List.of("--jsonfile", json.toString(), address + ":25"));
          ManagedProcess.Completed run = ManagedProcess.run(command, Map.of(),
              // About 20 s each when the machine is quiet; four at once on two cores take longer.
              Duration.ofSeconds(240));
          System.out.printf("[faults] testssl.sh on %s: exit %d in %.1f s%n", address, run.exitCode(),
              (System.nanoTime() - started) / 1e9);
          Map<String, String> findings = new LinkedHashMap<>();
          for (JsonNode finding : new ObjectMapper().readTree(json.toFile())) {
            findings.put(finding.get("id").asText(), finding.get("finding").asText());
          }
          return Map.entry(address, findings);
        } catch (Exception e) {
          throw new IllegalStateException("testssl.sh on " + address + " failed: " + e.getMessage(), e);
        }
      }));
    }
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    runs.forEach(r -> {
      var entry = r.join();
      all.put(entry.getKey(), entry.getValue());
    });
    return all;
  }

  /** ldns-dane on the certificate the address serves for the host (taken with openssl s_client), TLSA via the lab resolver. */
  static String ldnsDane(String host, String address) throws Exception {
    ManagedProcess.Completed handshake = ManagedProcess.run(List.of("sh", "-c", "openssl s_client -starttls smtp "
        + "-connect " + address + ":25 -servername " + host + " -showcerts </dev/null"));
    Matcher pem = Pattern.compile("-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----")
        .matcher(handshake.output());
    assertThat(pem.find()).as("openssl s_client output: " + handshake.output()).isTrue();
    Path certificate = work.resolve("served-" + host + ".pem");
    Files.writeString(certificate, pem.group() + "\n");
    ManagedProcess.Completed verify = ManagedProcess.run(List.of("ldns-dane", "-n", "-r", lab.dns().resolverAddress(),
        "-c", certificate.toString(), "verify", host, "25"));
    return verify.output() + " (exit " + verify.exitCode() + ")";
  }

  // --- the lab set up with the faults ---

  static void pki() throws Exception {
    caKey = LabPki.generateEcdsa();
    ca = LabPki.selfSignedCa(caKey, "compliance faults test CA", Duration.ofDays(30));
    caFile = work.resolve("faults-ca.pem");
    Files.writeString(caFile, LabPki.certificatePem(ca));
    serverKey = LabPki.generateEcdsa();
    servedSpki = spki(serverKey);
    nextSpki = spki(LabPki.generateEcdsa());
    otherSpki = spki(LabPki.generateEcdsa());
    rsaKey = LabPki.generate(new LabPki.KeySpec("RSA", 2048));
    rsaSpki = spki(rsaKey);
    intermediateKey = LabPki.generateEcdsa();
    // Longer than cert.expiry's 30-day warning: the chain's only fault is the one a scenario puts there.
    intermediate = LabPki.signCa(intermediateKey.getPublic(), "compliance faults intermediate CA", Duration.ofDays(180),
        ca, caKey.getPrivate());
  }

  /** The TLSA 3 1 1 data of a key: SHA-256 of its SubjectPublicKeyInfo. */
  static String spki(KeyPair key) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getPublic().getEncoded()));
  }

  static X509Certificate serverCertificate(List<String> names) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return LabPki.signServer(serverKey.getPublic(), names.get(0), names, now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(90)), ca, caKey.getPrivate());
  }

  /** The healthy listener's certificate: it names every host served there except the wrong-name one. */
  static void serveHealthy() {
    X509Certificate certificate = serverCertificate(List.of(MX_GOOD, MX_TLSA_OTHER, MX_NO_TLSA, MX_ONE_TLSA,
        MX_UNSIGNED, MX_ALIAS, MX_ALIAS_FALLBACK, MX_ALIAS_OTHER));
    lab.postfix().serve(HEALTHY_ADDRESS, LabPki.certificatePem(certificate),
        LabPki.privateKeyPem(serverKey.getPrivate(), true));
  }

  static void listeners() {
    PostfixServer postfix = lab.postfix();
    LISTENERS.forEach(postfix::setListenerTls);
    serveHealthy();
    String key = LabPki.privateKeyPem(serverKey.getPrivate(), true);
    postfix.serve(LEGACY_TLS_ADDRESS, LabPki.certificatePem(serverCertificate(List.of(MX_TLS10))), key);
    postfix.serve(CBC_ADDRESS, LabPki.certificatePem(serverCertificate(List.of(MX_CBC))), key);
    postfix.serve(NO_STARTTLS_ADDRESS, LabPki.certificatePem(serverCertificate(List.of(MX_NO_STARTTLS))), key);
    postfix.serve(IPV6_ADDRESS, LabPki.certificatePem(serverCertificate(List.of(MX_IPV6))), key);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X509Certificate rsa = LabPki.signServer(rsaKey.getPublic(), MX_STATIC_RSA, List.of(MX_STATIC_RSA),
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(90)), ca, caKey.getPrivate());
    postfix.serve(STATIC_RSA_ADDRESS, LabPki.certificatePem(rsa), LabPki.privateKeyPem(rsaKey.getPrivate(), true));
    // Leaf first, then the intermediate CA that issued it (RFC 8446 section 4.4.2); the root is not sent.
    X509Certificate leaf = LabPki.signServer(serverKey.getPublic(), MX_TA, List.of(MX_TA, MX_TA_ROOT),
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(90)), intermediate, intermediateKey.getPrivate());
    postfix.serve(CHAIN_ADDRESS, LabPki.certificatePem(List.of(leaf, intermediate)), key);
  }

  static void dns() throws Exception {
    List<String> records = new ArrayList<>();
    // MX hosts: the listener's address and TLSA records (current and next key unless the fault says otherwise).
    host(records, MX_GOOD, HEALTHY_ADDRESS, servedSpki, nextSpki);
    host(records, MX_TLSA_OTHER, HEALTHY_ADDRESS, otherSpki);
    host(records, MX_NO_TLSA, HEALTHY_ADDRESS);
    host(records, MX_ONE_TLSA, HEALTHY_ADDRESS, servedSpki);
    host(records, MX_NO_ADDRESS, null, servedSpki, nextSpki);
    records.add(MX_NO_ADDRESS + ". 60 IN TXT \"decommissioned: no A or AAAA\"");
    host(records, MX_NO_STARTTLS, NO_STARTTLS_ADDRESS, servedSpki, nextSpki);
    host(records, MX_TLS10, LEGACY_TLS_ADDRESS, servedSpki, nextSpki);
    host(records, MX_CBC, CBC_ADDRESS, servedSpki, nextSpki);
    host(records, MX_WRONG_NAME, HEALTHY_ADDRESS, servedSpki, nextSpki);
    host(records, MX_EXPIRED, HEALTHY_ADDRESS, servedSpki, nextSpki);
    // Aliases: the TLSA records at the target; at the alias only (the target has none); at both, differing.
    records.add(MX_ALIAS + ". 60 IN CNAME " + MX_ALIAS_TARGET + ".");
    host(records, MX_ALIAS_TARGET, HEALTHY_ADDRESS, servedSpki, nextSpki);
    records.add(MX_ALIAS_FALLBACK + ". 60 IN CNAME " + MX_ALIAS_BARE_TARGET + ".");
    host(records, MX_ALIAS_BARE_TARGET, HEALTHY_ADDRESS);
    tlsa(records, MX_ALIAS_FALLBACK, "3 1 1 " + servedSpki, "3 1 1 " + nextSpki);
    records.add(MX_ALIAS_OTHER + ". 60 IN CNAME " + MX_ALIAS_OTHER_TARGET + ".");
    host(records, MX_ALIAS_OTHER_TARGET, HEALTHY_ADDRESS, otherSpki);
    tlsa(records, MX_ALIAS_OTHER, "3 1 1 " + servedSpki, "3 1 1 " + nextSpki);
    host(records, MX_STATIC_RSA, STATIC_RSA_ADDRESS, rsaSpki, nextSpki);
    String intermediateTa = "2 1 1 " + spki(intermediateKey);
    host(records, MX_TA, CHAIN_ADDRESS);
    tlsa(records, MX_TA, intermediateTa);
    host(records, MX_TA_ROOT, CHAIN_ADDRESS);
    tlsa(records, MX_TA_ROOT, "2 1 1 " + spki(caKey));
    host(records, MX_TA_UNNAMED, CHAIN_ADDRESS);
    tlsa(records, MX_TA_UNNAMED, intermediateTa);
    records.add(MX_IPV6 + ". 60 IN AAAA " + IPV6_ADDRESS);
    tlsa(records, MX_IPV6, "3 1 1 " + servedSpki, "3 1 1 " + nextSpki);
    // Domains.
    domain(records, GOOD, POLICY_ADDRESS, MX_GOOD);
    domain(records, DNS_FAULTS, POLICY_ADDRESS, MX_TLSA_OTHER, MX_NO_TLSA, MX_ONE_TLSA, MX_NO_ADDRESS);
    domain(records, TLS_FAULTS, POLICY_ADDRESS, MX_NO_STARTTLS, MX_TLS10, MX_CBC);
    domain(records, WRONG_NAME, POLICY_ADDRESS, MX_WRONG_NAME);
    domain(records, EXPIRED, POLICY_ADDRESS, MX_EXPIRED);
    domain(records, TWO_RECORDS, POLICY_ADDRESS, MX_GOOD);
    records.add("_mta-sts." + TWO_RECORDS + ". 60 IN TXT \"v=STSv1; id=20260102\"");
    domain(records, REDIRECT, FAULTY_POLICY_ADDRESS, MX_GOOD);
    domain(records, HTML, FAULTY_POLICY_ADDRESS, MX_GOOD);
    domain(records, UNCOVERED, POLICY_ADDRESS, MX_GOOD);
    domain(records, TESTING, POLICY_ADDRESS, MX_GOOD);
    domain(records, NONE, POLICY_ADDRESS, MX_GOOD);
    domain(records, BOGUS_MX, POLICY_ADDRESS, MX_BOGUS);
    domain(records, ALIASES, POLICY_ADDRESS, MX_ALIAS, MX_ALIAS_FALLBACK, MX_ALIAS_OTHER);
    domain(records, STATIC_RSA, POLICY_ADDRESS, MX_STATIC_RSA);
    domain(records, DANE_TA, POLICY_ADDRESS, MX_TA, MX_TA_ROOT, MX_TA_UNNAMED);
    domain(records, IPV6, POLICY_ADDRESS, MX_IPV6);
    domain(records, CAA, POLICY_ADDRESS, MX_GOOD);
    records.add("mta-sts." + CAA + ". 60 IN CAA 0 issue \";\"");
    for (String line : domainRecords(BAD_RUA, POLICY_ADDRESS, MX_GOOD)) {
      records.add(line.startsWith("_smtp._tls.") ? "_smtp._tls." + BAD_RUA + ". 60 IN TXT \"v=TLSRPTv1; rua=tls@example\""
          : line);
    }
    // An insecure delegation: the child zone is served unsigned, the parent has NS and no DS.
    List<String> unsigned = new ArrayList<>();
    host(unsigned, MX_UNSIGNED, HEALTHY_ADDRESS, servedSpki, nextSpki);
    domain(unsigned, UNSIGNED_ZONE, POLICY_ADDRESS, MX_UNSIGNED);
    lab.dns().addUnsignedZone(UNSIGNED_ZONE, unsigned);
    records.add(UNSIGNED_ZONE + ". 60 IN NS ns." + ZONE + ".");
    // A bogus delegation: the child zone is served unsigned too, but the parent has a DS record
    // (algorithm 13, SHA-256) that no DNSKEY of the child matches, since it has none.
    List<String> bogus = new ArrayList<>();
    host(bogus, MX_BOGUS, HEALTHY_ADDRESS, servedSpki, nextSpki);
    domain(bogus, BOGUS_ZONE, POLICY_ADDRESS, MX_BOGUS);
    lab.dns().addUnsignedZone(BOGUS_ZONE, bogus);
    records.add(BOGUS_ZONE + ". 60 IN NS ns." + ZONE + ".");
    records.add(BOGUS_ZONE + ". 60 IN DS 4242 13 2 " + spki(LabPki.generateEcdsa()));
    LabDns.addForeign(lab.dns(), ZONE, records);
  }

  static void host(List<String> records, String host, String address, String... spkis) {
    if (address != null) {
      records.add(host + ". 60 IN A " + address);
    }
    for (String spki : spkis) {
      records.add("_25._tcp." + host + ". 60 IN TLSA 3 1 1 " + spki);
    }
  }

  static void tlsa(List<String> records, String host, String... data) {
    for (String d : data) {
      records.add("_25._tcp." + host + ". 60 IN TLSA " + d);
    }
  }

  static void domain(List<String> records, String domain, String policyAddress, String... mxHosts) {
    records.addAll(domainRecords(domain, policyAddress, mxHosts));
  }

  static List<String> domainRecords(String domain, String policyAddress, String... mxHosts) {
    List<String> records = new ArrayList<>();
    for (int i = 0; i < mxHosts.length; i++) {
      records.add(domain + ". 60 IN MX " + (10 * (i + 1)) + " " + mxHosts[i] + ".");
    }
    records.add("_mta-sts." + domain + ". 60 IN TXT \"v=STSv1; id=20260101\"");
    records.add("mta-sts." + domain + ". 60 IN A " + policyAddress);
    records.add("_smtp._tls." + domain + ". 60 IN TXT \"v=TLSRPTv1; rua=mailto:tls-reports@" + domain + "\"");
    return records;
  }

  static String policy(String mode, String... mx) {
    StringBuilder policy = new StringBuilder("version: STSv1\r\nmode: " + mode + "\r\n");
    for (String pattern : mx) {
      policy.append("mx: ").append(pattern).append("\r\n");
    }
    return policy.append("max_age: 86400\r\n").toString();
  }

  static void policies() throws Exception {
    Domains.createNamespace(client, NS);
    Map<String, String> policies = new LinkedHashMap<>();
    policies.put(GOOD, policy("enforce", MX_GOOD));
    policies.put(DNS_FAULTS, policy("enforce", MX_TLSA_OTHER, MX_NO_TLSA, MX_ONE_TLSA, MX_NO_ADDRESS));
    policies.put(TLS_FAULTS, policy("enforce", MX_NO_STARTTLS, MX_TLS10, MX_CBC));
    policies.put(WRONG_NAME, policy("enforce", MX_WRONG_NAME));
    policies.put(EXPIRED, policy("enforce", MX_EXPIRED));
    policies.put(TWO_RECORDS, policy("enforce", MX_GOOD));
    policies.put(UNCOVERED, policy("enforce", "mail." + UNCOVERED));
    policies.put(TESTING, policy("testing", MX_GOOD));
    policies.put(NONE, policy("none"));
    policies.put(BAD_RUA, policy("enforce", MX_GOOD));
    policies.put(UNSIGNED_ZONE, policy("enforce", MX_UNSIGNED));
    policies.put(BOGUS_MX, policy("enforce", MX_BOGUS));
    policies.put(ALIASES, policy("enforce", MX_ALIAS, MX_ALIAS_FALLBACK, MX_ALIAS_OTHER));
    policies.put(STATIC_RSA, policy("enforce", MX_STATIC_RSA));
    policies.put(DANE_TA, policy("enforce", MX_TA, MX_TA_ROOT, MX_TA_UNNAMED));
    policies.put(IPV6, policy("enforce", MX_IPV6));
    policies.put(CAA, policy("enforce", MX_GOOD));
    Map<String, Map<String, String>> site = new LinkedHashMap<>();
    policies.forEach((domain, text) -> {
      String[] pair = policyHostCertificate("mta-sts." + domain);
      site.put(domain, PolicySite.entries(domain, text, new PolicyServer.TlsPair(pair[0], pair[1])));
    });
    StsPolicies.writeSite(client, NS, site);
    policyServer = lab.policyServers().mount(client, NS, POLICY_ADDRESS);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> policies.keySet().stream()
        .allMatch(d -> Files.exists(policyServer.siteDir().resolve("mta-sts." + d + ".txt"))
            && Files.exists(policyServer.siteDir().resolve("mta-sts." + d + ".key"))));
    List<FaultyPolicyServer.Policy> faulty = new ArrayList<>();
    for (var fault : Map.of(REDIRECT, FaultyPolicyServer.Fault.REDIRECT, HTML, FaultyPolicyServer.Fault.TEXT_HTML)
        .entrySet()) {
      String[] pair = policyHostCertificate("mta-sts." + fault.getKey());
      faulty.add(new FaultyPolicyServer.Policy("mta-sts." + fault.getKey(), fault.getValue(),
          policy("enforce", MX_GOOD), pair[0], pair[1]));
    }
    faultyPolicyServer = lab.policyServers().serveFaulty(FAULTY_POLICY_ADDRESS, faulty);
  }

  /** A valid certificate and key (PEM) for a policy host, from the test's CA. */
  static String[] policyHostCertificate(String host) {
    KeyPair key = LabPki.generateEcdsa();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X509Certificate certificate = LabPki.signServer(key.getPublic(), host, List.of(host), now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(90)), ca, caKey.getPrivate());
    return new String[] {LabPki.certificatePem(certificate), LabPki.privateKeyPem(key.getPrivate(), true)};
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  // --- the check command and its reports ---

  /** The report of one run of the check command, run once per domain, profile and DNSSEC mode. */
  static JsonNode report(String domain, String profile, String dnssec) {
    return reports.computeIfAbsent(domain + " " + profile + " " + dnssec, k -> {
      try {
        List<String> arguments = new ArrayList<>(List.of(domain, "--resolver",
            lab.dns().resolverAddress() + ":" + lab.dns().resolverPort(), "--dnssec", dnssec, "--ca-file",
            caFile.toString(), "--profile", profile, "--json"));
        if (dnssec.equals("validate")) {
          Path anchor = work.resolve("faults.test.anchor");
          Files.writeString(anchor, lab.dns().trustAnchor(ZONE) + "\n");
          arguments.addAll(List.of("--trust-anchor", anchor.toString()));
        }
        long started = System.nanoTime();
        ManagedProcess.Completed run = ManagedProcess.run(OperatorCommand.of(lab, "check", arguments));
        System.out.printf("[faults] check %s --profile %s --dnssec %s: exit %d in %.1f s%n", domain, profile, dnssec,
            run.exitCode(), (System.nanoTime() - started) / 1e9);
        assertThat(run.exitCode()).as(run.output()).isIn(0, 1);
        String json = run.output().substring(run.output().indexOf('{'));
        Files.writeString(work.resolve("report-" + domain + "-" + profile + "-" + dnssec + ".json"), json);
        JsonNode report = new ObjectMapper().readTree(json);
        assertThat(report.get("compliant").asBoolean()).as(json).isEqualTo(run.exitCode() == 0);
        return report;
      } catch (Exception e) {
        throw new IllegalStateException("check " + domain + " failed: " + e.getMessage(), e);
      }
    });
  }

  static java.util.stream.Stream<JsonNode> checks(JsonNode report) {
    return StreamSupport.stream(report.get("checks").spliterator(), false);
  }

  static Set<String> ids(JsonNode report) {
    return new TreeSet<>(checks(report).map(c -> c.get("id").asText()).toList());
  }

  /** "id status subject" of every result that is not a pass. */
  static List<String> notPassing(JsonNode report) {
    return checks(report).filter(c -> !c.get("status").asText().equals("pass"))
        .map(c -> c.get("id").asText() + " " + c.get("status").asText() + " " + c.get("subject").asText()).toList();
  }

  static JsonNode result(JsonNode report, String id, String subject) {
    return checks(report).filter(c -> c.get("id").asText().equals(id) && c.get("subject").asText().equals(subject))
        .findFirst().orElseThrow(() -> new AssertionError("no " + id + " result for " + subject + " in " + pretty(report)));
  }

  static String message(JsonNode report, String id, String subject) {
    return result(report, id, subject).get("message").asText();
  }

  static String status(JsonNode report, String id, String subject) {
    return result(report, id, subject).get("status").asText();
  }

  static String at(String host, String address) {
    return host + "[" + address + "]";
  }

  static String pretty(JsonNode report) {
    return report.toPrettyString();
  }
}
