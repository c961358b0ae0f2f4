package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.securemail.lab.Lab;
import io.securemail.lab.support.ManagedProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The check command without building from source: the operator image the lab builds runs it,
 * {@code docker run IMAGE check ...}, as docs/compliance.md says. Its arguments reach the command,
 * and with the lab's resolver it checks a lab domain and prints the versioned JSON report.
 */
@ExtendWith(LabExtension.class)
class OperatorImageCheckTest {

  static Lab lab;

  @BeforeAll
  static void lab(Lab l) {
    lab = l;
  }

  @Test
  void theImageRunsTheCheckCommand() throws Exception {
    ManagedProcess.Completed version = docker("check", "--version");
    assertThat(version.exitCode()).as(version.output()).isZero();
    assertThat(version.output()).contains(Lab.projectVersion());

    ManagedProcess.Completed help = docker("check", "--help");
    assertThat(help.exitCode()).as(help.output()).isZero();
    assertThat(help.output()).contains("--fail-on", "--resolver");
  }

  @Test
  void theImageChecksALabDomainThroughTheLabsResolver() throws Exception {
    // The host's network: the lab's resolver listens on loopback.
    ManagedProcess.Completed report = docker("check", "--json", "--dnssec", "resolver", "--timeout", "3",
        "--resolver", lab.dns().resolverAddress() + ":" + lab.dns().resolverPort(), "example.test");
    assertThat(report.exitCode()).as("0 compliant or 1 not; 2 would mean it could not check:%n%s", report.output())
        .isIn(0, 1);
    String out = report.output();
    String json = out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1);
    JsonNode parsed = new ObjectMapper().readTree(json);
    assertThat(parsed.path("domain").asText()).isEqualTo("example.test");
    assertThat(parsed.path("schemaVersion").asInt()).isEqualTo(1);
    assertThat(parsed.path("checks").isArray()).isTrue();
  }

  private static ManagedProcess.Completed docker(String... command) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("run", "--rm", "--network", "host",
        lab.images().operator()));
    args.addAll(List.of(command));
    return lab.containers().docker(Duration.ofSeconds(120), args);
  }
}
