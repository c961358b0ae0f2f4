package io.securemail.operator.evidence;

import io.securemail.operator.tlsrpt.ReportReceiver;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * {@code GET /evidence/{namespace}/{name}?since=&until=} on the operator's HTTP port: the domain's
 * evidence document ({@link EvidenceDocument}) for the export command. Not on the policy hosts: their
 * servers pass only {@code POST /tlsrpt} on, and the chart's NetworkPolicy admits no other client to
 * this port than Prometheus, the chart's test and (with HTTPS reports on) the policy servers. Answers
 * 200 with the document, 404 when the journal keeps nothing for the resource, 400 for a time that does
 * not parse or a since after until; errors as {@code {"error": "..."}}.
 */
@ApplicationScoped
public class EvidenceRoute {

  /** The path's prefix. */
  public static final String PATH = "/evidence";

  private static final Logger LOG = Logger.getLogger(EvidenceRoute.class);

  void register(@Observes Router router, EvidenceJournal journal, ReportReceiver receiver) {
    String version = ConfigProvider.getConfig().getOptionalValue("quarkus.application.version", String.class)
        .orElse("unknown");
    router.get(PATH + "/:namespace/:name").order(-10)
        .blockingHandler(ctx -> handle(ctx, journal, receiver, version, Clock.systemUTC()), false);
  }

  static void handle(RoutingContext ctx, EvidenceJournal journal, ReportReceiver receiver, String version,
      Clock clock) {
    String namespace = ctx.pathParam("namespace");
    String name = ctx.pathParam("name");
    Instant now = clock.instant();
    Instant since;
    Instant until;
    try {
      since = time(ctx, "since").orElse(null);
      until = time(ctx, "until").orElse(now);
    } catch (DateTimeParseException e) {
      error(ctx, 400, "since and until are ISO-8601 instants such as 2026-11-01T00:00:00Z: " + e.getParsedString());
      return;
    }
    if (since != null && since.isAfter(until)) {
      error(ctx, 400, "since (" + since + ") is after until (" + until + ")");
      return;
    }
    try {
      Optional<DomainHistory> history = journal.history(namespace, name);
      if (history.isEmpty()) {
        error(ctx, 404, "the operator keeps no history for SecureMailDomain " + namespace + "/" + name);
        return;
      }
      DomainHistory h = history.get();
      var doc = EvidenceDocument.of(h, h.domain() == null ? java.util.List.of() : receiver.keptAbout(h.domain()),
          since, until, now, version, (start, end) -> ChangeLabels.during(h, start, end));
      ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(EvidenceDocument.JSON.writeValueAsString(doc));
    } catch (UncheckedIOException | com.fasterxml.jackson.core.JsonProcessingException e) {
      LOG.errorf("the evidence of %s/%s could not be read: %s", namespace, name, e.getMessage());
      error(ctx, 503, "the evidence journal could not be read; try again later");
    }
  }

  private static Optional<Instant> time(RoutingContext ctx, String parameter) {
    String text = ctx.request().getParam(parameter);
    return text == null || text.isBlank() ? Optional.empty() : Optional.of(Instant.parse(text.strip()));
  }

  private static void error(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(EvidenceDocument.JSON.createObjectNode().put("error", message).toString());
  }
}
