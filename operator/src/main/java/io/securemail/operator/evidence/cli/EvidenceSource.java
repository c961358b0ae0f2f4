package io.securemail.operator.evidence.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Where {@code --from} points: the operator's {@code /evidence/NAMESPACE/NAME} over HTTP(S), a saved
 * document, or {@code -} for standard input. For a URL the time range goes into the query, and the
 * operator filters; a file or standard input is read whole and filtered here ({@link TimeRange}).
 */
final class EvidenceSource {

  /** Far above any history the operator keeps; a bound so that a wrong URL cannot fill the memory. */
  static final int MAX_BYTES = 64 * 1024 * 1024;

  private final String from;

  EvidenceSource(String from) {
    this.from = from;
  }

  /** The operator filters a URL's document itself; a file's must be filtered after reading. */
  boolean isUrl() {
    String lower = from.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  /** The URI asked, with the range's parameters; a bad URL is a bad argument. */
  URI uri(TimeRange range) {
    URI base;
    try {
      base = new URI(from);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--from '" + from + "' is not a URL: " + e.getReason());
    }
    if (base.getHost() == null) {
      throw new IllegalArgumentException("--from '" + from + "' names no host");
    }
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    if (!path.matches(".*/evidence/[^/]+/[^/]+/?")) {
      throw new IllegalArgumentException("--from '" + from + "' must name the resource: "
          + "http://HOST:PORT/evidence/NAMESPACE/NAME");
    }
    StringBuilder query = new StringBuilder(base.getRawQuery() == null ? "" : base.getRawQuery());
    parameter(query, "since", range.since());
    parameter(query, "until", range.until());
    String text = base.getScheme() + "://" + base.getRawAuthority() + path
        + (query.isEmpty() ? "" : "?" + query);
    return URI.create(text);
  }

  private static void parameter(StringBuilder query, String name, Instant value) {
    if (value != null) {
      query.append(query.isEmpty() ? "" : "&").append(name).append('=')
          .append(URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
    }
  }

  /** The document's text from a file or standard input. */
  String readFile(Supplier<InputStream> stdin) throws ExportFailure {
    try (InputStream in = from.equals("-") ? stdin.get() : Files.newInputStream(Path.of(from))) {
      return bounded(in, from.equals("-") ? "standard input" : from);
    } catch (NoSuchFileException e) {
      throw new ExportFailure(ExitCode.UNREACHABLE, "cannot read " + from + ": no such file");
    } catch (IOException e) {
      throw new ExportFailure(ExitCode.UNREACHABLE, "cannot read " + from + ": " + e.getMessage());
    }
  }

  /** The document the operator serves at {@code uri}. */
  String fetch(URI uri, Duration timeout) throws ExportFailure {
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
        .build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET()
        .build();
    String where = uri.getScheme() + "://" + uri.getRawAuthority();
    HttpResponse<InputStream> response;
    String body;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        body = bounded(in, uri.toString());
      }
    } catch (HttpConnectTimeoutException e) {
      throw unreachable(where, "no connection within " + timeout.toSeconds() + " s");
    } catch (HttpTimeoutException e) {
      throw unreachable(where, "no answer within " + timeout.toSeconds() + " s");
    } catch (ConnectException e) {
      throw unreachable(where, "connection refused (is the port-forward to the operator running?)");
    } catch (IOException e) {
      throw unreachable(where, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable(where, "interrupted");
    }
    return switch (response.statusCode()) {
      case 200 -> body;
      case 404 -> throw new ExportFailure(ExitCode.NO_HISTORY, ErrorBody.message(body)
          .map(m -> "no history at " + uri.getRawPath() + ": " + m)
          .orElse("no evidence at " + uri.getRawPath() + " (HTTP 404): the operator keeps no history for that "
              + "resource, or it is older than the /evidence route"));
      case 400 -> throw new ExportFailure(ExitCode.BAD_ARGUMENTS, "the operator refused the request: "
          + ErrorBody.message(body).orElse("HTTP 400"));
      default -> throw new ExportFailure(ExitCode.UNREACHABLE, where + " answered HTTP " + response.statusCode()
          + ErrorBody.message(body).map(m -> ": " + m).orElse(""));
    };
  }

  private static ExportFailure unreachable(String where, String why) {
    return new ExportFailure(ExitCode.UNREACHABLE, "cannot reach the operator at " + where + ": " + why);
  }

  private static String bounded(InputStream in, String what) throws IOException, ExportFailure {
    byte[] bytes = in.readNBytes(MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) {
      throw JsonFields.notEvidence(what + " is larger than " + MAX_BYTES / (1024 * 1024) + " MiB");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
