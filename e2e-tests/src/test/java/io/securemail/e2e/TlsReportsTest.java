package io.securemail.e2e;

import static io.securemail.e2e.Domains.api;
import static io.securemail.e2e.Domains.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.mtasts.PolicyMount;
import io.securemail.lab.support.LabPki;
import io.securemail.operator.mtasts.PolicyServer;
import io.securemail.operator.mtasts.PolicyServerConfig;
import io.securemail.operator.mtasts.PolicySite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TLS reports (RFC 8460) posted over HTTP to the operator's {@code /tlsrpt} route, as the policy
 * server passes them on: kept, refused with the documented status codes, counted in the metrics,
 * summed up in the domain's status.tlsReports, and a Warning event on the domain once failures
 * appear.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsReportsTest {

  static final String NS = "tlsrpt";
  static final String NAME = "reports";
  static final String DOMAIN = "reports.tlsrpt.test";
  /** A lab policy server address no other test mounts. */
  static final String POLICY_ADDRESS = "127.0.2.4";

  static Lab lab;
  static KubernetesClient client;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void setUp(Lab l) {
    lab = l;
    client = l.client();
    Domains.createNamespace(client, NS);
    api(client).resource(Domains.minimal(NS, NAME, DOMAIN)).create();
    // Reconciled once: the operator now knows the domain asks for reports.
    awaitStatus(client, NS, NAME, smd -> true);
  }

  @Test
  @Order(1)
  void reportsArriveOverHttpAndAreCountedAndAnnounced() throws Exception {
    // The report counters are the operator's, shared with other tests' domains: count what this test adds.
    String countedBefore = lab.operator().metrics();
    byte[] report = gzip(report(START + "_" + DOMAIN, DOMAIN, 3));
    assertThat(post(report, "application/tlsrpt+gzip")).extracting(HttpResponse::statusCode).isEqualTo(201);
    HttpResponse<String> again = post(report, "application/tlsrpt+gzip");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains("was received before");
    assertThat(post(report(("plain-" + DOMAIN), DOMAIN, 0).getBytes(StandardCharsets.UTF_8),
        "application/tlsrpt+json").statusCode()).isEqualTo(201);

    HttpResponse<String> foreign = post(gzip(report("elsewhere", "elsewhere.example", 0)), "application/tlsrpt+gzip");
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(foreign.body()).contains("elsewhere.example");
    assertThat(post(Arrays.copyOf(report, report.length / 2), "application/tlsrpt+gzip").body())
        .contains("truncated");
    assertThat(post(Arrays.copyOf(report, report.length / 2), "application/tlsrpt+gzip").statusCode()).isEqualTo(400);
    assertThat(post(report, "application/json").statusCode()).isEqualTo(415);
    assertThat(post(new byte[(1 << 20) + 1], "application/tlsrpt+gzip").statusCode()).isEqualTo(413);

    String metrics = lab.operator().metrics();
    assertThat(added(countedBefore, metrics, "securemail_tlsrpt_reports_total", "verdict=\"accepted\"")).isEqualTo(2.0);
    assertThat(added(countedBefore, metrics, "securemail_tlsrpt_reports_total", "verdict=\"duplicate\"")).isEqualTo(1.0);
    assertThat(added(countedBefore, metrics, "securemail_tlsrpt_reports_total", "verdict=\"not_ours\"")).isEqualTo(1.0);
    // The two truncated bodies, and the JSON of another media type refused with 415.
    assertThat(added(countedBefore, metrics, "securemail_tlsrpt_reports_total", "verdict=\"malformed\"")).isEqualTo(3.0);
    assertThat(added(countedBefore, metrics, "securemail_tlsrpt_reports_total", "verdict=\"too_large\"")).isEqualTo(1.0);
    assertThat(metric(metrics, "securemail_tlsrpt_sessions_total", "name=\"" + NAME + "\"",
        "policy_type=\"sts\"", "result=\"failed\"")).isEqualTo(3.0);
    assertThat(metric(metrics, "securemail_tlsrpt_sessions_total", "name=\"" + NAME + "\"",
        "policy_type=\"sts\"", "result=\"successful\"")).isEqualTo(2 * 120.0);
    assertThat(metric(metrics, "securemail_tlsrpt_failed_sessions_total", "name=\"" + NAME + "\"",
        "result_type=\"sts-policy-fetch-error\"")).isEqualTo(3.0);
    assertThat(metrics).doesNotContain("elsewhere.example");

    // The kept reports reconcile the domain: its status sums them up.
    var summarized = awaitStatus(client, NS, NAME, smd -> smd.getStatus().getTlsReports() != null
        && Integer.valueOf(2).equals(smd.getStatus().getTlsReports().getReports())).getStatus().getTlsReports();
    assertThat(summarized.getPolicies()).singleElement().satisfies(p -> {
      assertThat(p.getPolicyType()).isEqualTo("sts");
      assertThat(p.getSuccessfulSessions()).isEqualTo(240);
      assertThat(p.getFailedSessions()).isEqualTo(3);
      assertThat(p.getTopFailures()).containsExactly("sts-policy-fetch-error: 3");
    });

    List<String> warnings = await().atMost(Duration.ofSeconds(10)).until(() -> events("TlsReportFailures"),
        list -> !list.isEmpty());
    assertThat(warnings).singleElement().asString()
        .contains("Lab Sender reports 3 failed sessions under the sts policy (sts-policy-fetch-error: 3)");
  }

  /** Yesterday, as senders report it: the period lies inside the operator's 7-day window. */
  static final java.time.Instant START = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS)
      .minus(Duration.ofDays(1));

  /**
   * The whole HTTPS path: a sender POSTs to {@code https://mta-sts.<domain>/tlsrpt} on the policy
   * server (nginx with the operator's configuration), which passes the report to the operator.
   */
  @Test
  @Order(2)
  void reportsPostedToThePolicyHostReachTheOperator() throws Exception {
    String siteNamespace = Domains.createNamespace(client, "tlsrpt-site");
    String host = "mta-sts." + DOMAIN;
    KeyPair caKey = LabPki.generateEcdsa();
    X509Certificate ca = LabPki.selfSignedCa(caKey, "TLS report test CA", Duration.ofDays(1));
    KeyPair key = LabPki.generateEcdsa();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X509Certificate certificate = LabPki.signServer(key.getPublic(), host, List.of(host), now.minusSeconds(3600),
        now.plus(Duration.ofDays(1)), ca, caKey.getPrivate());
    StsPolicies.writeSite(client, siteNamespace, Map.of(DOMAIN, PolicySite.entries(DOMAIN,
        "version: STSv1\nmode: testing\nmx: mx1." + DOMAIN + "\nmax_age: 86400\n",
        new PolicyServer.TlsPair(LabPki.certificatePem(certificate), LabPki.privateKeyPem(key.getPrivate(), true)))));
    URI operator = URI.create(lab.operator().url("/"));
    try (PolicyMount server = lab.policyServers().mount(client, siteNamespace, POLICY_ADDRESS,
        new PolicyServerConfig.ReportProxy(operator.getHost() + ":" + operator.getPort(), 1 << 20))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(server.siteDir().resolve(host + ".key")));
      double before = metric(lab.operator().metrics(), "securemail_tlsrpt_reports_total", "verdict=\"accepted\"");

      byte[] report = gzip(report("via-policy-host-" + START, DOMAIN, 0));
      assertThat(postTo(ca, host, "POST", report)).startsWith("HTTP/1.1 201");
      assertThat(postTo(ca, host, "POST", report)).startsWith("HTTP/1.1 200").contains("was received before");
      assertThat(postTo(ca, host, "POST", gzip(report("x", "elsewhere.example", 0)))).startsWith("HTTP/1.1 404");
      // nginx's own limits: only POST, and no body above the operator's limit reaches it.
      assertThat(postTo(ca, host, "GET", new byte[0])).startsWith("HTTP/1.1 403");
      assertThat(postTo(ca, host, "POST", new byte[(1 << 20) + 1])).startsWith("HTTP/1.1 413");
      // The operator's other paths on the same port, such as a domain's evidence, are not passed on.
      String evidence = request(ca, host, "GET", "/evidence/" + NS + "/" + NAME, new byte[0]);
      assertThat(evidence).startsWith("HTTP/1.1 404").doesNotContain("schemaVersion");
      assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(lab.operator().url("/evidence/" + NS + "/" + NAME)))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()).body())
          .as("the operator itself serves it").contains("\"schemaVersion\":1");
      assertThat(metric(lab.operator().metrics(), "securemail_tlsrpt_reports_total", "verdict=\"accepted\""))
          .isEqualTo(before + 1);
    }
  }

  /**
   * A thousand reports in a row from one sender, as a broken or hostile reporter sends them: every
   * one is answered (kept, or refused by the per-sender quota with a 429 the sender can act on),
   * none fails the server, and another sender's report about the same domain is still kept.
   */
  @Test
  @Order(3)
  void aThousandReportsFromOneSenderDoNotCrowdOutOthers() throws Exception {
    String before = lab.operator().metrics();
    Map<Integer, Integer> answers = new TreeMap<>();
    for (int i = 0; i < 1000; i++) {
      int status = post(gzip(report("flood-" + i, DOMAIN, 1, "Flood Sender")), "application/tlsrpt+gzip").statusCode();
      answers.merge(status, 1, Integer::sum);
    }
    assertThat(answers.keySet()).as("answers by status: %s", answers).containsExactlyInAnyOrder(201, 429);
    assertThat(answers.get(429)).as("answers by status: %s", answers).isGreaterThanOrEqualTo(900);
    String after = lab.operator().metrics();
    assertThat(added(before, after, "securemail_tlsrpt_reports_total", "verdict=\"accepted\""))
        .isEqualTo(answers.get(201).doubleValue());
    assertThat(added(before, after, "securemail_tlsrpt_reports_total", "verdict=\"over_quota\""))
        .isEqualTo(answers.get(429).doubleValue());

    HttpResponse<String> other = post(gzip(report("after-the-flood", DOMAIN, 0, "Quiet Sender")),
        "application/tlsrpt+gzip");
    assertThat(other.statusCode()).as(other.body()).isEqualTo(201);
  }

  /** A raw HTTP/1.1 request over TLS to the lab policy server, with the policy host as SNI and Host. */
  static String postTo(X509Certificate ca, String host, String method, byte[] body) throws Exception {
    return request(ca, host, method, "/tlsrpt", body);
  }

  /** As {@link #postTo}, to any path. */
  static String request(X509Certificate ca, String host, String method, String path, byte[] body) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trustManagers.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress(POLICY_ADDRESS, 443), 5000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(host)));
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/tlsrpt+gzip\r\n"
          + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      try {
        out.write(body);
        out.flush();
      } catch (IOException e) {
        // nginx may answer 413 and close before the whole body is sent: the answer is still there.
      }
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  static String report(String id, String domain, long failed) {
    return report(id, domain, failed, "Lab Sender");
  }

  static String report(String id, String domain, long failed, String organization) {
    return "{\"organization-name\":\"" + organization + "\",\"date-range\":{\"start-datetime\":\"" + START + "\","
        + "\"end-datetime\":\"" + START.plus(Duration.ofDays(1)).minusSeconds(1) + "\"},"
        + "\"contact-info\":\"tlsrpt@sender.example\","
        + "\"report-id\":\"" + id + "\",\"policies\":[{\"policy\":{\"policy-type\":\"sts\",\"policy-string\":"
        + "[\"version: STSv1\",\"mode: testing\",\"mx: mx1." + domain + "\",\"max_age: 86400\"],"
        + "\"policy-domain\":\"" + domain + "\",\"mx-host\":[\"mx1." + domain + "\"]},\"summary\":{"
        + "\"total-successful-session-count\":120,\"total-failure-session-count\":" + failed + "}"
        + (failed == 0 ? "" : ",\"failure-details\":[{\"result-type\":\"sts-policy-fetch-error\","
            + "\"sending-mta-ip\":\"192.0.2.1\",\"receiving-mx-hostname\":\"mx1." + domain + "\","
            + "\"failed-session-count\":" + failed + "}]")
        + "}]}";
  }

  static HttpResponse<String> post(byte[] body, String type) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(lab.operator().url("/tlsrpt")))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static byte[] gzip(String json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The sum of a metric's series whose labels contain every one of {@code labels}; 0 when none. */
  /** How much the counter grew between two scrapes. */
  static double added(String before, String after, String name, String... labels) {
    return metric(after, name, labels) - metric(before, name, labels);
  }

  static double metric(String metrics, String name, String... labels) {
    return metrics.lines().filter(l -> l.startsWith(name + "{"))
        .filter(l -> Arrays.stream(labels).allMatch(l::contains))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  static List<String> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()) && NAME.equals(e.getInvolvedObject().getName()))
        .map(e -> e.getMessage()).toList();
  }
}
