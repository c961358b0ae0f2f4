package io.securemail.operator.compliance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.securemail.operator.build.BuildVersion;
import io.securemail.operator.compliance.ComplianceEngine;
import io.securemail.operator.compliance.FakeWorld;
import io.securemail.operator.compliance.Probes;
import io.securemail.operator.compliance.dane.DaneMatcher;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnssecState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The check command run in-process, as its main would run it. */
class CheckCommandTest {

  /** When the command says it checked; the engine judges by the real time, as the certificates are made now. */
  static final Instant NOW = Instant.parse("2026-03-01T10:15:30.250Z");

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Probes.Factory world, String... args) {
    return CheckCommand.execute(new ComplianceEngine(world, Clock.systemUTC()), Clock.fixed(NOW, ZoneOffset.UTC),
        new PrintWriter(out), new PrintWriter(err), false, args);
  }

  /** example.com and example.org, compliant, with the same MX host; example.net has no MX at all. */
  static FakeWorld threeDomains() {
    return FakeWorld.compliantDomain("example.com", "mx1.example.com")
        .record("example.org", "MX", "10 mx1.example.com.")
        .record("_mta-sts.example.org", "TXT", "v=STSv1; id=1")
        .record("mta-sts.example.org", "A", "192.0.2.80")
        .record("_smtp._tls.example.org", "TXT", "v=TLSRPTv1; rua=mailto:tls@example.org");
  }

  /** The world, except that the resolver does not answer for the one domain's MX. */
  static Probes.Factory resolverFailsFor(FakeWorld world, String domain) {
    return options -> {
      Probes probes = world.create(options);
      return new Probes((name, type) -> name.equals(domain)
          ? DnsAnswer.failed(name, type, DnsAnswer.Outcome.UNREACHABLE, DnssecState.indeterminate, "no answer")
          : probes.dns().lookup(name, type), probes.smtp(), probes.policy(), probes.roots());
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "--profile=strict example.com", "--timeout=0 example.com", "--smtp-port=70000 example.com",
      "--resolver=127.0.0.1:99999 example.com", "--dnssec=maybe example.com", "not_a..domain", "--bogus example.com",
      "example.com extra", "--fail-on=maybe example.com", "--fail-on example.com"})
  void argumentErrorsExitWith2(String args) {
    int code = run(FakeWorld.compliantDomain("example.com", "mx1.example.com"),
        args.isEmpty() ? new String[0] : args.split(" "));
    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).isNotBlank();
  }

  @Test
  void unreadableFilesExitWith2(@TempDir Path dir) throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    Path noAnchor = Files.writeString(dir.resolve("anchors.zone"), "example.test. 300 IN A 192.0.2.1\n");
    FakeWorld world = FakeWorld.compliantDomain("example.com", "mx1.example.com");
    assertThat(run(world, "--ca-file", notPem.toString(), "example.com")).isEqualTo(2);
    assertThat(run(world, "--trust-anchor", noAnchor.toString(), "example.com")).isEqualTo(2);
    assertThat(run(world, "--trust-anchor", dir.resolve("missing").toString(), "example.com")).isEqualTo(2);
    assertThat(err.toString()).contains("no DS or DNSKEY record");
  }

  @Test
  void anUnreachableResolverExitsWith2() {
    assertThat(run(new FakeWorld().resolverDown(), "example.com")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("check: could not check example.com: resolver 127.0.0.1:1 did not answer: "
        + "nothing listens there (ICMP port unreachable)" + System.lineSeparator());
  }

  @Test
  void jsonReportOfACompliantDomain() throws Exception {
    assertThat(run(FakeWorld.compliantDomain("example.com", "mx1.example.com"), "example.com", "--json",
        "--profile", "bsi-tr-03108")).isEqualTo(0);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    // The fields of the first version keep their order; the others are added around them.
    assertThat(json.fieldNames()).toIterable().containsExactly("schemaVersion", "domain", "profile", "compliant",
        "checkedAt", "tool", "options", "checks");
    assertThat(json.get("domain").asText()).isEqualTo("example.com");
    assertThat(json.get("profile").asText()).isEqualTo("bsi-tr-03108");
    assertThat(json.get("compliant").asBoolean()).isTrue();
    JsonNode first = json.get("checks").get(0);
    assertThat(first.fieldNames()).toIterable().containsExactly("id", "subject", "status", "message", "doc");
    assertThat(first.get("id").asText()).isEqualTo("dns.mx");
    assertThat(first.get("status").asText()).isEqualTo("pass");
    assertThat(first.get("doc").asText()).isEqualTo("docs/compliance.md#dnsmx");
  }

  @Test
  void jsonReportSaysWhenWithWhatAndHowItWasMade(@TempDir Path dir) throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(FakeWorld.CA.certificate().getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    assertThat(run(FakeWorld.compliantDomain("example.com", "mx1.example.com"), "example.com", "--json",
        "--resolver", "[::1]:5353", "--dnssec", "resolver", "--ca-file", ca.toString(), "--smtp-port", "2525",
        "--timeout", "3")).isEqualTo(0);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("schemaVersion").isInt()).isTrue();
    assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(json.get("checkedAt").asText()).isEqualTo("2026-03-01T10:15:30Z");
    assertThat(json.get("tool").toString()).isEqualTo(
        "{\"name\":\"securemail-operator check\",\"version\":\"" + BuildVersion.current() + "\"}");
    assertThat(json.get("options").toString()).isEqualTo("{\"profile\":\"rfc\",\"dnssec\":\"resolver\","
        + "\"resolvers\":[\"[::1]:5353\"],\"smtpPort\":2525,\"httpsPort\":443,\"timeoutSeconds\":3,"
        + "\"trustAnchorFile\":null,\"caFile\":" + new ObjectMapper().writeValueAsString(ca.toString())
        + ",\"caaIssuers\":[]}");
  }

  @Test
  void caaIssuerNamesTheCaTheCheckLooksFor() throws Exception {
    FakeWorld world = FakeWorld.compliantDomain("example.com", "mx1.example.com")
        .record("example.com", "CAA", "0 issue \"pki.goog\"");
    assertThat(run(world, "example.com", "--json")).as("without the issuer: some CA is allowed").isEqualTo(0);
    out.getBuffer().setLength(0);

    assertThat(run(world, "example.com", "--json", "--caa-issuer", "letsencrypt.org; validationmethods=dns-01"))
        .isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("options").get("caaIssuers").toString())
        .isEqualTo("[\"letsencrypt.org; validationmethods=dns-01\"]");
    JsonNode caa = java.util.stream.StreamSupport.stream(json.get("checks").spliterator(), false)
        .filter(c -> c.get("id").asText().equals("cert.caa")).findFirst().orElseThrow();
    assertThat(caa.get("subject").asText()).isEqualTo("mx1.example.com");
    assertThat(caa.get("status").asText()).isEqualTo("fail");
    assertThat(caa.get("message").asText()).contains("at example.com:", "not letsencrypt.org");
    assertThat(caa.get("doc").asText()).isEqualTo("docs/compliance.md#certcaa");

    assertThat(run(world, "--caa-issuer", "bad_name", "example.com")).isEqualTo(2);
    assertThat(err.toString()).contains("--caa-issuer 'bad_name'");
  }

  @Test
  void versionPrintsTheProjectVersion() {
    assertThat(run(new FakeWorld(), "--version")).isEqualTo(0);
    assertThat(BuildVersion.current()).matches("\\d+\\.\\d+\\.\\d+([-.].+)?");
    assertThat(out.toString())
        .isEqualTo("securemail-operator check " + BuildVersion.current() + System.lineSeparator());
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void failOnWarnMakesAWarningExit1() {
    // One DANE-EE record per host: dane.rollover warns (no record for a next key), the domain is compliant.
    FakeWorld world = FakeWorld.compliantDomain("example.com", "mx1.example.com");
    assertThat(run(world, "example.com")).isEqualTo(0);
    assertThat(run(world, "example.com", "--fail-on", "fail")).isEqualTo(0);
    assertThat(run(world, "example.com", "--fail-on", "warn")).isEqualTo(1);
    assertThat(out.toString()).contains("example.com: COMPLIANT").contains("warn  dane.rollover");
  }

  @Test
  void failOnWarnPassesADomainWithoutWarnings() {
    FakeWorld world = FakeWorld.compliantDomain("example.com", "mx1.example.com");
    String ee = "3 1 1 " + DaneMatcher.associationData(world.certificate("mx1.example.com"), 1, 1);
    String ta = "2 1 1 " + DaneMatcher.associationData(FakeWorld.CA.certificate(), 1, 1);
    world.record("_25._tcp.mx1.example.com", "TLSA", ee, ta);
    assertThat(run(world, "example.com", "--fail-on", "warn")).as(out.toString()).isEqualTo(0);
    assertThat(out.toString()).contains("(0 fail, 0 warn,");
  }

  @Test
  void severalDomainsExitWithTheWorstAndTheTableGroupsByDomain() {
    assertThat(run(threeDomains(), "example.com", "example.net", "example.org")).isEqualTo(1);
    String table = out.toString();
    int com = table.indexOf("example.com: COMPLIANT under profile rfc");
    int net = table.indexOf("example.net: NOT COMPLIANT under profile rfc");
    int org = table.indexOf("example.org: COMPLIANT under profile rfc");
    assertThat(com).isZero();
    assertThat(net).isGreaterThan(com);
    assertThat(org).isGreaterThan(net);
    assertThat(table).endsWith(System.lineSeparator() + "3 domains: 2 compliant, 1 not compliant, 0 could not be "
        + "checked" + System.lineSeparator());
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void aDomainThatCannotBeCheckedMakesSeveralExit2AndTheOthersAreStillReported() throws Exception {
    Probes.Factory world = resolverFailsFor(threeDomains(), "example.net");
    assertThat(run(world, "example.com", "example.net", "example.org", "--json")).isEqualTo(2);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.isArray()).isTrue();
    assertThat(json.findValuesAsText("domain")).containsExactly("example.com", "example.org");
    assertThat(json.get(0).get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("check: could not check example.net: no answer" + System.lineSeparator());
  }

  @Test
  void severalCompliantDomainsExit0AsAJsonArray() throws Exception {
    assertThat(run(threeDomains(), "example.com", "example.org", "--json")).isEqualTo(0);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.isArray()).isTrue();
    assertThat(json.findValuesAsText("domain")).containsExactly("example.com", "example.org");
  }

  @Test
  void severalDomainsOfWhichNoneCanBeCheckedAreAnEmptyArray() throws Exception {
    assertThat(run(new FakeWorld().resolverDown(), "example.com", "example.org", "--json")).isEqualTo(2);
    assertThat(new ObjectMapper().readTree(out.toString()).isArray()).isTrue();
    assertThat(new ObjectMapper().readTree(out.toString())).isEmpty();
  }

  @Test
  void notCompliantExitsWith1AndTheTableGroupsByMxHost() {
    FakeWorld world = FakeWorld.compliantDomain("example.com", "mx1.example.com", "mx2.example.com")
        .record("_25._tcp.mx2.example.com", "TLSA", "3 1 1 " + "ab".repeat(32));
    assertThat(run(world, "example.com")).isEqualTo(1);
    String table = out.toString();
    assertThat(table).startsWith("example.com: NOT COMPLIANT under profile rfc (1 fail,");
    assertThat(table).doesNotContain("\u001b[");
    int domain = table.indexOf("\nexample.com\n");
    int mx1 = table.indexOf("\nmx1.example.com\n");
    int mx2 = table.indexOf("\nmx2.example.com\n");
    assertThat(domain).isPositive().isLessThan(mx2);
    assertThat(mx2).isLessThan(mx1);
    assertThat(table.substring(mx2, mx1)).contains("fail  dane.match     mx2.example.com[192.0.2.11]: TLSA 3 1 1 for "
        + "_25._tcp.mx2.example.com does not match the certificate served by 192.0.2.11");
  }

  @Test
  void helpExitsWith0() {
    assertThat(run(new FakeWorld(), "--help")).isEqualTo(0);
    assertThat(out.toString()).contains("Usage: check").contains("--trust-anchor=FILE").contains("Exit codes:")
        .contains("DOMAIN...").contains("--fail-on=fail|warn").contains("--version");
  }
}
