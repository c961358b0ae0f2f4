package io.securemail.operator.compliance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.securemail.operator.compliance.ComplianceEngine;
import io.securemail.operator.compliance.FakeWorld;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The check command run in-process, as its main would run it. */
class CheckCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(FakeWorld world, String... args) {
    return CheckCommand.execute(new ComplianceEngine(world, Clock.systemUTC()), new PrintWriter(out),
        new PrintWriter(err), false, args);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "--profile=strict example.com", "--timeout=0 example.com", "--smtp-port=70000 example.com",
      "--resolver=127.0.0.1:99999 example.com", "--dnssec=maybe example.com", "not_a..domain", "--bogus example.com",
      "example.com extra"})
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
    assertThat(json.fieldNames()).toIterable().containsExactly("domain", "profile", "compliant", "checks");
    assertThat(json.get("domain").asText()).isEqualTo("example.com");
    assertThat(json.get("profile").asText()).isEqualTo("bsi-tr-03108");
    assertThat(json.get("compliant").asBoolean()).isTrue();
    JsonNode first = json.get("checks").get(0);
    assertThat(first.fieldNames()).toIterable().containsExactly("id", "subject", "status", "message");
    assertThat(first.get("id").asText()).isEqualTo("dns.mx");
    assertThat(first.get("status").asText()).isEqualTo("pass");
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
    assertThat(out.toString()).contains("Usage: check").contains("--trust-anchor=FILE").contains("Exit codes:");
  }
}
