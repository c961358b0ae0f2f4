package io.securemail.operator.tlsrpt;

import io.securemail.operator.tlsrpt.ReportIntake.Channel;
import io.securemail.operator.tlsrpt.ReportIntake.Outcome;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The HTTPS transport of RFC 8460 section 3: {@code POST /tlsrpt} with an {@code application/tlsrpt+gzip}
 * or {@code application/tlsrpt+json} body, on the operator's HTTP port. The namespaces' MTA-STS policy
 * servers proxy {@code https://mta-sts.<domain>/tlsrpt} here. Answers (section 3 leaves them to the
 * receiver; a sender retries on anything but 2xx): 201 kept, 200 already kept (same report-id),
 * 400 not a report, 413 too large, 404 about no domain of ours, 415 another media type, 429 over
 * a quota ({@link ReportQuota}), 503 the store cannot be written or this replica does not lead.
 *
 * <p>429 and 503 carry Retry-After (RFC 9110 section 10.2.3). RFC 8460 section 5.5 asks a sender
 * to retry a failed delivery for up to 24 hours, with exponential backoff: a report that reaches a
 * replica which does not lead (while the reports Service follows a new leader) is therefore told
 * to come back, not refused.
 */
@ApplicationScoped
public class ReportRoute {

  /** The path on every policy host and on the operator. */
  public static final String PATH = "/tlsrpt";

  /** A new leader labels its Pod within seconds: a minute is enough for the Service to follow. */
  static final String RETRY_AFTER_SECONDS = "60";
  /** A quota frees room as reports age: no sooner than an hour is worth trying. */
  static final String QUOTA_RETRY_AFTER_SECONDS = "3600";

  private static final Logger LOG = Logger.getLogger(ReportRoute.class);

  void register(@Observes Router router, ReportReceiver receiver) {
    long limit = receiver.limits().compressedBytes();
    router.post(PATH).order(-10).handler(ctx -> {
      String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
      if (!ReportBody.isReportType(type)) {
        receiver.refusedByTransport(Channel.HTTPS, ReportIntake.Verdict.MALFORMED);
        respond(ctx, 415, "a TLS report is sent as " + ReportBody.GZIP + " or " + ReportBody.JSON
            + " (RFC 8460 section 5), not " + (type == null ? "without a type" : type));
        return;
      }
      ctx.next();
    });
    // Vert.x fails the request with 413 once the body passes the limit, without reading the rest
    // into memory; the failure handler counts it and answers.
    router.post(PATH).order(-9).handler(BodyHandler.create(false).setBodyLimit(limit)).failureHandler(ctx -> {
      if (ctx.statusCode() == 413) {
        receiver.refusedByTransport(Channel.HTTPS, ReportIntake.Verdict.TOO_LARGE);
        respond(ctx, 413, "the report is larger than the limit of " + limit + " bytes");
      } else {
        ctx.next();
      }
    });
    router.post(PATH).order(-8).blockingHandler(ctx -> handle(ctx, receiver), false);
  }

  private static void handle(RoutingContext ctx, ReportReceiver receiver) {
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    Outcome outcome;
    try {
      outcome = receiver.accept(body, ReportBody.bare(type), Channel.HTTPS, host(ctx));
    } catch (UncheckedIOException e) {
      LOG.errorf("a TLS report could not be stored: %s", e.getMessage());
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
      respond(ctx, 503, "the report could not be stored; try again later");
      return;
    }
    int status = switch (outcome.verdict()) {
      case ACCEPTED -> 201;
      case DUPLICATE -> 200;
      case MALFORMED -> 400;
      case TOO_LARGE -> 413;
      case NOT_OURS -> 404;
      case OVER_QUOTA -> 429;
      case UNAVAILABLE -> 503;
    };
    if (status == 429 || status == 503) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, status == 429 ? QUOTA_RETRY_AFTER_SECONDS : RETRY_AFTER_SECONDS);
    }
    respond(ctx, status, outcome.verdict() == ReportIntake.Verdict.ACCEPTED ? "accepted" : outcome.reason());
  }

  /** The Host the sender addressed (the policy server passes it on), without a port. */
  private static String host(RoutingContext ctx) {
    String host = ctx.request().getHeader(HttpHeaders.HOST);
    if (host == null) {
      return "";
    }
    String name = host.startsWith("[") ? host : host.replaceFirst(":\\d+$", "");
    return name.toLowerCase(Locale.ROOT);
  }

  private static void respond(RoutingContext ctx, int status, String text) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(text + "\n");
  }
}
