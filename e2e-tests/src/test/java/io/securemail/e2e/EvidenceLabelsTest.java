package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.OperatorCommand;
import io.securemail.lab.mail.MxMount;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.TlsRptSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A TLS report whose failure window overlaps a real DANE rollover of the lab's domain is labelled
 * with it, in the TlsReportFailures event, in status.tlsReports and in the evidence document the
 * operator serves at GET /evidence; a report from before the rollover is not. The domain's history
 * goes with the domain.
 */
@ExtendWith(LabExtension.class)
class EvidenceLabelsTest {

  static final String NS = "evidence";
  static final String NAME = "labels";
  static final String ZONE = "evidence.test";
  static final String MX = "mx." + ZONE;
  /** Shared with DaneKeyRolloverTest, which unmounts it and ends with DANE off. */
  static final String MX_ADDRESS = "127.0.1.1";
  static final String LABEL = "reported during Switching of " + MX;

  static Lab lab;
  static KubernetesClient client;
  static MxMount mount;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void domain(Lab l) throws Exception {
    lab = l;
    client = l.client();
    LabMx mx = LabMx.prepare(l, NS, NAME, ZONE, MX_ADDRESS);
    mount = mx.mount();
    SecureMailDomain smd = mx.domain();
    smd.getSpec().getDane().setPrePublish("1m");
    smd.getSpec().getDane().setRolloverEvery("0");
    smd.getSpec().setTlsRpt(new TlsRptSpec(List.of("mailto:tls-reports@" + ZONE)));
    api(client).resource(smd).create();
  }

  @AfterAll
  static void unmount() throws Exception {
    if (mount != null) {
      mount.close();
    }
  }

  @Test
  void aFailureReportedDuringARolloverIsLabelledWithIt() throws Exception {
    DaneStatus stable = awaitPhase("Stable", Duration.ofSeconds(90));
    Instant created = api(client).inNamespace(NS).withName(NAME).get().getMetadata().getCreationTimestamp() == null
        ? Instant.now().minus(Duration.ofHours(1))
        : Instant.parse(api(client).inNamespace(NS).withName(NAME).get().getMetadata().getCreationTimestamp());

    // Before the rollover: the domain's first MX list and policy, and the Initial and Stable phases,
    // are no change of the operator's making.
    Instant beforeRollover = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
    assertThat(post(report("before-rollover", "sts", "validation-failure", created.minus(Duration.ofHours(1)),
        beforeRollover)).statusCode()).isEqualTo(201);
    String firstEvent = await().atMost(Duration.ofSeconds(15)).until(() -> events("TlsReportFailures"),
        list -> !list.isEmpty()).get(0);
    assertThat(firstEvent).contains("validation-failure: 2").doesNotContain("reported during");

    mount.pause(); // the MX keeps serving the old key: the rollover stays in Switching
    Instant reportEnd;
    DaneStatus switching;
    try {
      annotate("requested");
      switching = awaitPhase("Switching", Duration.ofMinutes(4));
      await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
      reportEnd = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      assertThat(post(report("during-rollover", "tlsa", "tlsa-invalid", beforeRollover.plusSeconds(1), reportEnd))
          .statusCode()).isEqualTo(201);

      List<String> events = await().atMost(Duration.ofSeconds(15)).until(() -> events("TlsReportFailures"),
          list -> list.size() >= 2);
      assertThat(events).filteredOn(e -> e.contains("tlsa-invalid")).singleElement().asString()
          .contains("2 failed sessions under the tlsa policy").endsWith("; " + LABEL);
      SecureMailDomain labelled = Domains.awaitStatus(client, NS, NAME, d -> d.getStatus().getTlsReports() != null
          && d.getStatus().getTlsReports().getFailureLabels().contains(LABEL));
      assertThat(labelled.getStatus().getTlsReports().getFailureLabels()).containsExactly(LABEL);
    } finally {
      mount.resume();
    }
    awaitPhase("Stable", Duration.ofSeconds(90));

    HttpResponse<String> served = get("/evidence/" + NS + "/" + NAME);
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    assertThat(served.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode doc = JSON.readTree(served.body());
    assertThat(doc.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(doc.get("domain").asText()).isEqualTo(ZONE);
    List<String> phases = new ArrayList<>();
    doc.get("rollovers").forEach(r -> {
      assertThat(r.get("host").asText()).isEqualTo(MX);
      phases.add(r.get("from").asText() + ">" + r.get("to").asText());
    });
    assertThat(phases).containsSubsequence("Stable>Switching", "Switching>Retiring", "Retiring>Stable");
    JsonNode toSwitching = find(doc.get("rollovers"), r -> "Switching".equals(r.get("to").asText()));
    assertThat(toSwitching.get("servedKey").asText()).isEqualTo(stable.getCurrentSpkiSha256());
    assertThat(toSwitching.get("nextKey").asText()).isEqualTo(switching.getNextSpkiSha256());
    assertThat(doc.get("mx").get(0).get("hosts").get(0).asText()).isEqualTo(MX);

    Map<String, JsonNode> reports = new HashMap<>();
    doc.get("reports").forEach(r -> reports.put(r.get("reportId").asText(), r));
    assertThat(reports).containsOnlyKeys("before-rollover", "during-rollover");
    JsonNode during = reports.get("during-rollover").get("policies").get(0);
    assertThat(during.get("failed").asLong()).isEqualTo(2);
    assertThat(during.get("failureTypes").get("tlsa-invalid").asLong()).isEqualTo(2);
    assertThat(during.get("labels")).hasSize(1);
    assertThat(during.get("labels").get(0).asText()).isEqualTo(LABEL);
    assertThat(reports.get("before-rollover").get("policies").get(0).get("labels")).isEmpty();

    // A time range that ends before the rollover holds neither it nor the later report.
    JsonNode earlier = JSON.readTree(get("/evidence/" + NS + "/" + NAME + "?until=" + beforeRollover).body());
    assertThat(earlier.get("rollovers")).allSatisfy(r -> assertThat(r.get("to").asText()).isNotEqualTo("Switching"));
    assertThat(get("/evidence/" + NS + "/" + NAME + "?since=yesterday").statusCode()).isEqualTo(400);
    assertThat(get("/evidence/" + NS + "/" + NAME + "?since=" + reportEnd + "&until=" + beforeRollover)
        .statusCode()).isEqualTo(400);
    HttpResponse<String> unknown = get("/evidence/" + NS + "/no-such-domain");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("error").asText()).contains("no-such-domain");

    // The evidence command renders what the operator serves, as a person reads it: the rollover with
    // the keys it switched between, and the labelled report failure.
    String url = lab.operator().url("/evidence/" + NS + "/" + NAME);
    ManagedProcess.Completed markdown =
        ManagedProcess.run(OperatorCommand.of(lab, "evidence", "--from", url, "--format", "markdown"));
    assertThat(markdown.exitCode()).as(markdown.output()).isZero();
    assertThat(markdown.output()).contains(ZONE, LABEL, switching.getNextSpkiSha256());
    ManagedProcess.Completed html =
        ManagedProcess.run(OperatorCommand.of(lab, "evidence", "--from", url, "--format", "html"));
    assertThat(html.exitCode()).as(html.output()).isZero();
    assertThat(html.output()).contains("<html", LABEL);
    ManagedProcess.Completed missing = ManagedProcess.run(
        OperatorCommand.of(lab, "evidence", "--from", lab.operator().url("/evidence/" + NS + "/no-such-domain")));
    assertThat(missing.exitCode()).as(missing.output()).isEqualTo(4);

    // The history goes with the domain.
    api(client).inNamespace(NS).withName(NAME).delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> api(client).inNamespace(NS).withName(NAME).get() == null);
    assertThat(get("/evidence/" + NS + "/" + NAME).statusCode()).isEqualTo(404);
  }

  static DaneStatus awaitPhase(String phase, Duration timeout) {
    return await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
      SecureMailDomain smd = api(client).inNamespace(NS).withName(NAME).get();
      return smd == null || smd.getStatus() == null ? null : smd.getStatus().getDane();
    }, d -> d != null && phase.equals(d.getPhase()));
  }

  static void annotate(String value) {
    Domains.edit(client, NS, NAME, d -> {
      d.getMetadata().setAnnotations(new HashMap<>(Map.of("securemail.io/dane-rollover", value)));
      return d;
    });
  }

  static JsonNode find(JsonNode array, java.util.function.Predicate<JsonNode> test) {
    for (JsonNode node : array) {
      if (test.test(node)) {
        return node;
      }
    }
    throw new AssertionError("no entry matches in " + array);
  }

  /** A report of two failed sessions of one result type under one policy type, for [start, end]. */
  static String report(String id, String policyType, String resultType, Instant start, Instant end) {
    return "{\"organization-name\":\"Lab Sender\",\"date-range\":{\"start-datetime\":\"" + start + "\","
        + "\"end-datetime\":\"" + end + "\"},\"contact-info\":\"tlsrpt@sender.example\","
        + "\"report-id\":\"" + id + "\",\"policies\":[{\"policy\":{\"policy-type\":\"" + policyType + "\","
        + "\"policy-domain\":\"" + ZONE + "\",\"mx-host\":[\"" + MX + "\"]},\"summary\":{"
        + "\"total-successful-session-count\":40,\"total-failure-session-count\":2},"
        + "\"failure-details\":[{\"result-type\":\"" + resultType + "\",\"sending-mta-ip\":\"192.0.2.1\","
        + "\"receiving-mx-hostname\":\"" + MX + "\",\"failed-session-count\":2}]}]}";
  }

  static HttpResponse<String> post(String json) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(lab.operator().url("/tlsrpt")))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/tlsrpt+json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(lab.operator().url(path))).timeout(Duration.ofSeconds(10))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static List<String> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()) && NAME.equals(e.getInvolvedObject().getName()))
        .map(e -> e.getMessage()).toList();
  }
}
