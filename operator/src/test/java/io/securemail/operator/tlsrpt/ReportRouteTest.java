package io.securemail.operator.tlsrpt;

import static io.securemail.operator.tlsrpt.SampleReports.gzip;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a sender posting to /tlsrpt sees: the status code and, for "try again", when. */
class ReportRouteTest {

  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T08:00:00Z"));
  private final AtomicReference<Instant> leadingSince = new AtomicReference<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    ReportedDomains domains = new ReportedDomains();
    domains.saw(ReportReceiverTest.domain("example-com", "example.com", true));
    ReportReceiver receiver = new ReportReceiver(domains, ReportLimits.DEFAULT,
        new ReportStore(dir, Duration.ofDays(90), 1 << 20, new ReportQuota(1 << 20, 1), clock), Duration.ofDays(7),
        new SimpleMeterRegistry(), (d, reason, message) -> { }, clock, () -> Optional.ofNullable(leadingSince.get()),
        ReportReceiver.SETTLING);
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    new ReportRoute().register(router, receiver);
    server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> post(String reportId) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + ReportRoute.PATH))
        .header("Content-Type", "application/tlsrpt+gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(SampleReports.webMailStyle(reportId, "example.com"))))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aReplicaThatDoesNotLeadAnswers503WithRetryAfterThenTheLeaderKeepsIt() throws Exception {
    HttpResponse<String> follower = post("r-1");
    assertThat(follower.statusCode()).isEqualTo(503);
    assertThat(follower.headers().firstValue("Retry-After")).contains(ReportRoute.RETRY_AFTER_SECONDS);
    assertThat(follower.body()).contains("does not lead");

    leadingSince.set(clock.instant().minus(Duration.ofHours(1)));
    assertThat(post("r-1").statusCode()).isEqualTo(201);
    assertThat(post("r-1").statusCode()).isEqualTo(200);
  }

  @Test
  void overTheQuotaIs429WithRetryAfter() throws Exception {
    leadingSince.set(clock.instant().minus(Duration.ofHours(1)));
    assertThat(post("q-1").statusCode()).isEqualTo(201);
    HttpResponse<String> over = post("q-2");
    assertThat(over.statusCode()).isEqualTo(429);
    assertThat(over.headers().firstValue("Retry-After")).contains(ReportRoute.QUOTA_RETRY_AFTER_SECONDS);
    assertThat(over.body()).contains("'Big Mail Inc.' sent 1 reports about example.com");
  }
}
