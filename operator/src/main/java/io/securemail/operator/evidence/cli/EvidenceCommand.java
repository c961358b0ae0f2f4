package io.securemail.operator.evidence.cli;

import io.securemail.operator.build.BuildVersion;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/**
 * {@code evidence --from URL|FILE|-}: exports the history the operator keeps for one domain
 * (compliance runs, DANE rollovers, MTA-STS and MX changes, TLS reports) as a document mapped onto
 * the requirement areas of BSI TR-03108, in Markdown, HTML or JSON. Like {@code check}, it runs
 * before the operator's framework starts and reads no kubeconfig: the operator's endpoint is
 * reached through a URL, e.g. a port-forward. Exit codes: {@link ExitCode}.
 */
@Command(name = "evidence", sortOptions = false, usageHelpAutoWidth = true,
    versionProvider = EvidenceCommand.Version.class,
    description = "Exports what the operator recorded for one domain over a period (compliance runs, DANE key "
        + "rollovers, MTA-STS and MX changes, TLS reports), mapped onto the requirement areas of BSI TR-03108, "
        + "as Markdown, a self-contained HTML file or JSON.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the document was written",
        "1:an unexpected error (a bug: please report it with the message)",
        "2:bad arguments, or a time range the operator refused",
        "3:the source could not be read: operator unreachable or answering an error, file unreadable",
        "4:the operator keeps no history for that resource (HTTP 404)",
        "5:not an evidence document (not JSON, or not its shape)",
        "6:an evidence document of a schemaVersion this command does not read",
        "7:the output file could not be written"})
public final class EvidenceCommand implements Callable<Integer> {

  /** The tool's name in the export and in {@code --version}. */
  static final String TOOL = "securemail-operator evidence";

  @Option(names = "--from", required = true, paramLabel = "URL|FILE|-",
      description = "The operator's http(s)://HOST:PORT/evidence/NAMESPACE/NAME, a saved evidence document, or - "
          + "for standard input.")
  String from;

  @Option(names = "--since", paramLabel = "TIME",
      description = "Start of the period: an instant (2026-11-01T00:00:00Z), a day (2026-11-01, UTC) or a duration "
          + "back from now (30d, 12h, 90m, 2w, P30D). Default: the start of the kept history.")
  String since;

  @Option(names = "--until", paramLabel = "TIME",
      description = "End of the period, as --since. Default: the end of the kept history (now).")
  String until;

  @Option(names = "--format", paramLabel = "markdown|html|json", defaultValue = "markdown",
      description = "markdown or html: a document for people; json: the mapped document "
          + "(docs/evidence.schema.json). Default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
  Path output;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "Timeout of the connection and of the answer from a URL (default: ${DEFAULT-VALUE}).")
  int timeout;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
  boolean version;

  private final Clock clock;
  private final Supplier<InputStream> stdin;
  private PrintWriter out;
  private PrintWriter err;

  private EvidenceCommand(Clock clock, Supplier<InputStream> stdin) {
    this.clock = clock;
    this.stdin = stdin;
  }

  /** Runs the command on the process's standard streams; returns the exit code. */
  public static int run(String... args) {
    return execute(Clock.systemUTC(), () -> System.in,
        new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
            StandardCharsets.UTF_8), true),
        new PrintWriter(System.err, true), args);
  }

  /** Runs the command with the given clock and streams (tests call this in-process). */
  static int execute(Clock clock, Supplier<InputStream> stdin, PrintWriter out, PrintWriter err, String... args) {
    EvidenceCommand command = new EvidenceCommand(clock, stdin);
    command.out = out;
    command.err = err;
    CommandLine cli = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      err.println("evidence: unexpected error: " + e);
      return ExitCode.UNEXPECTED;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public Integer call() {
    Instant now = clock.instant();
    Request request;
    try {
      request = request(now);
    } catch (IllegalArgumentException e) {
      err.println("evidence: " + e.getMessage());
      return ExitCode.BAD_ARGUMENTS;
    }
    try {
      EvidenceDocument document = request.uri() != null
          ? EvidenceReader.read(request.source().fetch(request.uri(), Duration.ofSeconds(timeout)))
          : request.range().apply(EvidenceReader.read(request.source().readFile(stdin)));
      write(format.render(EvidenceMapping.map(document, now, new EvidenceExport.Tool(TOOL, BuildVersion.current()))));
      return ExitCode.EXPORTED;
    } catch (ExportFailure e) {
      err.println("evidence: " + e.getMessage());
      return e.exitCode();
    }
  }

  /** What to read, checked before anything is read: a bad argument reads nothing. */
  private Request request(Instant now) {
    if (timeout < 1 || timeout > 3600) {
      throw new IllegalArgumentException("--timeout must be between 1 and 3600 seconds");
    }
    TimeRange range = new TimeRange(since == null ? null : TimeBound.parse("--since", since, now),
        until == null ? null : TimeBound.parse("--until", until, now));
    EvidenceSource source = new EvidenceSource(from);
    return new Request(source, range, source.isUrl() ? source.uri(range) : null);
  }

  /** The source, the period, and for a URL the URI asked (null: a file or standard input, filtered here). */
  private record Request(EvidenceSource source, TimeRange range, URI uri) {}

  private void write(String document) throws ExportFailure {
    if (output == null) {
      out.print(document);
      out.flush();
      return;
    }
    try {
      Files.writeString(output, document, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ExportFailure(ExitCode.CANNOT_WRITE, "cannot write " + output + ": " + why(e));
    }
  }

  private static String why(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "its directory does not exist";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return e.getMessage();
  }

  /** What {@code evidence --version} prints. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {TOOL + " " + BuildVersion.current()};
    }
  }
}
