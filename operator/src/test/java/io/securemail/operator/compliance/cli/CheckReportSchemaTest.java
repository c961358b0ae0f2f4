package io.securemail.operator.compliance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.securemail.operator.compliance.ComplianceEngine;
import io.securemail.operator.compliance.FakeWorld;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code check --json} as the published schema (docs/check-report.schema.json) describes it. */
class CheckReportSchemaTest {

  private static final Path SCHEMA = Path.of("..", "docs", "check-report.schema.json");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  private static JsonSchema schema;

  @BeforeAll
  static void loadSchema() throws Exception {
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    schema = FACTORY.getSchema(MAPPER.readTree(Files.readString(SCHEMA)), config);
  }

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
    JsonSchema metaSchema = FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    assertThat(metaSchema.validate(MAPPER.readTree(Files.readString(SCHEMA)))).isEmpty();
  }

  @Test
  void oneDomainIsAnObjectTheSchemaAccepts() throws Exception {
    JsonNode report = check("example.com", "--json", "--resolver", "127.0.0.1", "--profile", "bsi-tr-03108");
    assertThat(report.isObject()).isTrue();
    assertThat(schema.validate(report)).isEmpty();
  }

  @Test
  void severalDomainsAreAnArrayTheSchemaAccepts() throws Exception {
    JsonNode reports = check("example.com", "example.org", "example.net", "--json");
    assertThat(reports.isArray()).isTrue();
    assertThat(reports).hasSize(3);
    assertThat(schema.validate(reports)).isEmpty();
  }

  @Test
  void theSchemaRejectsAReportWithoutItsVersionOrWithALocalTime() throws Exception {
    ObjectNode report = (ObjectNode) check("example.com", "--json");
    report.remove("schemaVersion");
    assertThat(messages(report)).anyMatch(m -> m.contains("schemaVersion"));

    ObjectNode local = (ObjectNode) check("example.com", "--json");
    local.put("checkedAt", "2026-03-01T11:15:30+01:00");
    assertThat(messages(local)).anyMatch(m -> m.contains("checkedAt"));

    ObjectNode status = (ObjectNode) check("example.com", "--json");
    ((ObjectNode) status.get("checks").get(0)).put("status", "ok");
    assertThat(messages(status)).anyMatch(m -> m.contains("status"));
  }

  private static Set<String> messages(JsonNode report) {
    return schema.validate(report).stream().map(ValidationMessage::getMessage)
        .collect(java.util.stream.Collectors.toSet());
  }
}
