package io.securemail.operator.evidence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The evidence command run in-process, against files, standard input and a real HTTP server. */
class EvidenceCommandTest {

  private static final Clock CLOCK = Clock.fixed(SampleEvidence.EXPORTED_AT, ZoneOffset.UTC);

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @TempDir
  Path dir;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  private int run(String... args) {
    return run(() -> new ByteArrayInputStream(new byte[0]), args);
  }

  private int run(Supplier<InputStream> stdin, String... args) {
    return EvidenceCommand.execute(CLOCK, stdin, new PrintWriter(out), new PrintWriter(err), args);
  }

  private Path sample() throws IOException {
    return Files.writeString(dir.resolve("evidence.json"), SampleEvidence.json());
  }

  /** An operator stand-in answering every request with {@code status} and {@code body}, recording the URIs asked. */
  private String serve(int status, String body) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.add(exchange.getRequestURI().toString());
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream response = exchange.getResponseBody()) {
        response.write(bytes);
      }
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void aSavedDocumentBecomesMarkdownByDefault() throws Exception {
    assertThat(run("--from", sample().toString())).isEqualTo(ExitCode.EXPORTED);
    assertThat(out.toString()).startsWith("# Secure mail transport evidence (BSI TR-03108): example.org\n")
        .contains("## Requirement areas");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void standardInputIsReadForADash() {
    byte[] json = SampleEvidence.json().getBytes(StandardCharsets.UTF_8);
    assertThat(run(() -> new ByteArrayInputStream(json), "--from", "-", "--format", "HTML"))
        .isEqualTo(ExitCode.EXPORTED);
    assertThat(out.toString()).startsWith("<!DOCTYPE html>");
  }

  @Test
  void aPeriodFiltersASavedDocument() throws Exception {
    assertThat(run("--from", sample().toString(), "--since", "2026-11-10", "--until", "2026-11-25T00:00:00Z",
        "--format", "json")).isEqualTo(ExitCode.EXPORTED);
    JsonNode export = new ObjectMapper().readTree(out.toString());
    assertThat(export.get("since").asText()).isEqualTo("2026-11-10T00:00:00Z");
    assertThat(export.get("until").asText()).isEqualTo("2026-11-25T00:00:00Z");
    assertThat(export.get("rollovers")).isEmpty();
    assertThat(export.get("reports")).hasSize(1);
    assertThat(export.get("compliance").get("entries")).hasSize(1);
    // Nov 10 to Nov 25, cut from the entry that began on Nov 5.
    assertThat(export.get("compliance").get("tally").get("seconds").asLong()).isEqualTo(15 * 86_400);
  }

  @Test
  void theJsonGoesToTheOutputFile() throws Exception {
    Path file = dir.resolve("evidence-out.json");
    assertThat(run("--from", sample().toString(), "--format", "json", "-o", file.toString()))
        .isEqualTo(ExitCode.EXPORTED);
    assertThat(out.toString()).isEmpty();
    JsonNode export = new ObjectMapper().readTree(Files.readString(file));
    assertThat(export.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(export.get("exportedAt").asText()).isEqualTo("2026-12-06T22:00:00Z");
    assertThat(export.get("tool").get("name").asText()).isEqualTo("securemail-operator evidence");
    assertThat(export.get("source").get("operatorVersion").asText()).isEqualTo("0.5.0");
  }

  @Test
  void aUrlIsAskedWithThePeriodAsQueryParameters() throws Exception {
    String base = serve(200, SampleEvidence.json());
    assertThat(run("--from", base + "/evidence/mail/example", "--since", "30d", "--until", "2026-12-01"))
        .isEqualTo(ExitCode.EXPORTED);
    assertThat(requests).containsExactly(
        "/evidence/mail/example?since=2026-11-06T22%3A00%3A00Z&until=2026-12-01T00%3A00%3A00Z");
    // The operator filtered; the command shows what it served, the rollover of Nov 5 included.
    assertThat(out.toString()).contains("| 2026-11-05T12:00:00Z | Stable → Switching |");
  }

  @Test
  void aUrlWithoutAPeriodAsksForEverything() throws Exception {
    String base = serve(200, SampleEvidence.json());
    assertThat(run("--from", base + "/evidence/mail/example")).isEqualTo(ExitCode.EXPORTED);
    assertThat(requests).containsExactly("/evidence/mail/example");
  }

  @Test
  void aBadPeriodAsksTheOperatorNothing() throws Exception {
    String base = serve(200, SampleEvidence.json());
    assertThat(run("--from", base + "/evidence/mail/example", "--since", "2026-12-01", "--until", "2026-11-01"))
        .isEqualTo(ExitCode.BAD_ARGUMENTS);
    assertThat(requests).isEmpty();
    assertThat(err.toString()).contains("--since 2026-12-01T00:00:00Z is after --until 2026-11-01T00:00:00Z");
  }

  @Test
  void noHistoryIsExit4WithTheOperatorsReason() throws Exception {
    String base = serve(404, "{\"error\": \"no history for mail/other\"}");
    assertThat(run("--from", base + "/evidence/mail/other")).isEqualTo(ExitCode.NO_HISTORY);
    assertThat(err.toString()).isEqualTo("evidence: no history at /evidence/mail/other: no history for mail/other"
        + System.lineSeparator());
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aRefusedPeriodIsExit2() throws Exception {
    String base = serve(400, "{\"error\": \"since is after until\"}");
    assertThat(run("--from", base + "/evidence/mail/example")).isEqualTo(ExitCode.BAD_ARGUMENTS);
    assertThat(err.toString()).contains("the operator refused the request: since is after until");
  }

  @Test
  void anOperatorErrorIsExit3() throws Exception {
    String base = serve(503, "{\"error\": \"history store unavailable\"}");
    assertThat(run("--from", base + "/evidence/mail/example")).isEqualTo(ExitCode.UNREACHABLE);
    assertThat(err.toString()).contains("answered HTTP 503: history store unavailable");
  }

  @Test
  void anUnreachableOperatorIsExit3AndSaysWhere() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    assertThat(run("--from", "http://127.0.0.1:" + port + "/evidence/mail/example", "--timeout", "5"))
        .isEqualTo(ExitCode.UNREACHABLE);
    assertThat(err.toString()).startsWith("evidence: cannot reach the operator at http://127.0.0.1:" + port + ": ")
        .contains("port-forward");
  }

  @Test
  void aMissingFileIsExit3() {
    assertThat(run("--from", dir.resolve("missing.json").toString())).isEqualTo(ExitCode.UNREACHABLE);
    assertThat(err.toString()).contains("missing.json: no such file");
  }

  @Test
  void somethingElseThanJsonIsExit5() throws Exception {
    String base = serve(200, "<html><body>Welcome</body></html>");
    assertThat(run("--from", base + "/evidence/mail/example")).isEqualTo(ExitCode.NOT_EVIDENCE);
    assertThat(err.toString()).startsWith("evidence: not an evidence document: not JSON");
  }

  @Test
  void anotherSchemaVersionIsExit6() throws Exception {
    Path file = Files.writeString(dir.resolve("v2.json"), SampleEvidence.json().replace("\"schemaVersion\": 1",
        "\"schemaVersion\": 2"));
    assertThat(run("--from", file.toString())).isEqualTo(ExitCode.UNSUPPORTED_VERSION);
    assertThat(err.toString()).contains("schemaVersion 2");
  }

  @Test
  void anUnwritableOutputIsExit7() throws Exception {
    assertThat(run("--from", sample().toString(), "-o", dir.resolve("no/such/dir/out.md").toString()))
        .isEqualTo(ExitCode.CANNOT_WRITE);
    assertThat(err.toString()).contains("its directory does not exist");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "--from", "--from x.json --format pdf", "--from x.json --since yesterday",
      "--from x.json --since 2026-11-02 --until 2026-11-01", "--from http://127.0.0.1:8080",
      "--from http://127.0.0.1:8080/evidence/mail", "--from x.json --timeout 0", "--from x.json --bogus"})
  void argumentErrorsAreExit2AndReadNothing(String args) {
    assertThat(run(args.isEmpty() ? new String[0] : args.split(" "))).isEqualTo(ExitCode.BAD_ARGUMENTS);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void noFailurePrintsAStackTrace() throws Exception {
    Path notJson = Files.writeString(dir.resolve("bad.json"), "{\"schemaVersion\": 1, \"domain\": ");
    assertThat(run("--from", notJson.toString())).isEqualTo(ExitCode.NOT_EVIDENCE);
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void versionNamesTheTool() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("securemail-operator evidence ");
  }
}
