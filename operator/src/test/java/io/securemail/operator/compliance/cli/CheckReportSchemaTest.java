package io.securemail.operator.compliance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.securemail.operator.PublishedSchema;
import io.securemail.operator.compliance.ComplianceEngine;
import io.securemail.operator.compliance.FakeWorld;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** {@code check --json} as the published schema (docs/check-report.schema.json) describes it. */
class CheckReportSchemaTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final PublishedSchema SCHEMA = PublishedSchema.load("check-report.schema.json");

  private static JsonNode check(String... args) throws Exception {
    StringWriter out = new StringWriter();
    FakeWorld world = CheckCommandTest.threeDomains()
        .record("_25._tcp.mx1.example.com", "TLSA", "3 1 1 " + "ab".repeat(32));
    CheckCommand.execute(new ComplianceEngine(world, Clock.systemUTC()), new PrintWriter(out),
        new PrintWriter(new StringWriter()), false, args);
    return MAPPER.readTree(out.toString());
  }

  @Test
  void theSchemaIsAValidDraft202012Schema() throws Exception {
    assertThat(SCHEMA.metaSchemaViolations()).isEmpty();
  }

  @Test
  void oneDomainIsAnObjectTheSchemaAccepts() throws Exception {
    JsonNode report = check("example.com", "--json", "--resolver", "127.0.0.1", "--profile", "bsi-tr-03108");
    assertThat(report.isObject()).isTrue();
    assertThat(SCHEMA.validate(report)).isEmpty();
  }

  @Test
  void severalDomainsAreAnArrayTheSchemaAccepts() throws Exception {
    JsonNode reports = check("example.com", "example.org", "example.net", "--json");
    assertThat(reports.isArray()).isTrue();
    assertThat(reports).hasSize(3);
    assertThat(SCHEMA.validate(reports)).isEmpty();
  }

  @Test
  void theSchemaRejectsAReportWithoutItsVersionOrWithALocalTime() throws Exception {
    ObjectNode report = (ObjectNode) check("example.com", "--json");
    report.remove("schemaVersion");
    assertThat(SCHEMA.messages(report)).anyMatch(m -> m.contains("schemaVersion"));

    ObjectNode local = (ObjectNode) check("example.com", "--json");
    local.put("checkedAt", "2026-03-01T11:15:30+01:00");
    assertThat(SCHEMA.messages(local)).anyMatch(m -> m.contains("checkedAt"));

    ObjectNode status = (ObjectNode) check("example.com", "--json");
    ((ObjectNode) status.get("checks").get(0)).put("status", "ok");
    assertThat(SCHEMA.messages(status)).anyMatch(m -> m.contains("status"));
  }
}
