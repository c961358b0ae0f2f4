package io.securemail.operator.compliance.cli;

import io.securemail.operator.compliance.CannotCheckException;
import io.securemail.operator.compliance.ComplianceEngine;
import io.securemail.operator.compliance.caa.CaaIssuer;
import io.securemail.operator.compliance.ComplianceOptions;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.Report;
import io.securemail.operator.compliance.dns.DnssecMode;
import io.securemail.operator.compliance.dns.ServerAddress;
import io.securemail.operator.compliance.dns.TrustAnchors;
import io.securemail.operator.compliance.pki.PkixRoots;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code check DOMAIN...}: the compliance engine on the command line. Exit 0: every domain
 * compliant under the profile; 1: some domain not compliant (or, with {@code --fail-on warn}, some
 * check warns); 2: some domain could not be checked (bad arguments, unreadable files, no resolver
 * answer). The worst domain decides, so a script needs one exit code for a list of domains. It
 * never talks to a Kubernetes cluster.
 */
@Command(name = "check", sortOptions = false, usageHelpAutoWidth = true, versionProvider = CheckVersion.class,
    description = "Checks mail domains from the outside as a sending MTA sees them: DNSSEC, DANE, STARTTLS, TLS, "
        + "certificates, MTA-STS and TLS-RPT. Several domains are checked one after another, and the worst of "
        + "them decides the exit code.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:compliant under the profile (no check failed; with --fail-on warn, none warned either)",
        "1:not compliant (with --fail-on warn: or a check warned)",
        "2:could not check (bad arguments, unreadable file, resolver unreachable)"})
public final class CheckCommand implements Callable<Integer> {

  public static final int COMPLIANT = 0;
  public static final int NOT_COMPLIANT = 1;
  public static final int CANNOT_CHECK = 2;

  @Parameters(arity = "1..*", paramLabel = "DOMAIN",
      description = "The mail domain, e.g. example.com; several may be given.")
  List<String> domains;

  @Option(names = "--resolver", paramLabel = "HOST:PORT",
      description = "Recursive resolver to ask (default: the system's). Port 53 if omitted.")
  String resolver;

  @Option(names = "--trust-anchor", paramLabel = "FILE",
      description = "DNSSEC trust anchors (DS or DNSKEY records, zone-file syntax) instead of the root's.")
  Path trustAnchor;

  @Option(names = "--ca-file", paramLabel = "PEM", description = "Extra trusted root certificates (PEM).")
  Path caFile;

  @Option(names = "--smtp-port", paramLabel = "N", defaultValue = "25",
      description = "Port of the SMTP probes (default: ${DEFAULT-VALUE}); TLSA names stay _25._tcp.")
  int smtpPort;

  @Option(names = "--https-port", paramLabel = "N", defaultValue = "443",
      description = "Port of the MTA-STS policy fetch (default: ${DEFAULT-VALUE}).")
  int httpsPort;

  @Option(names = "--caa-issuer", paramLabel = "VALUE",
      description = "The CA the domain's certificates come from, as a CAA issue value: its domain (letsencrypt.org), "
          + "optionally with '; accounturi=URI' and '; validationmethods=dns-01' (RFC 8657). May be repeated. The "
          + "cert.caa check then says whether CAA allows it; without it, whether CAA allows any CA.")
  List<String> caaIssuers = new ArrayList<>();

  @Option(names = "--profile", paramLabel = "rfc|bsi-tr-03108", defaultValue = "rfc",
      description = "Requirement set (default: ${DEFAULT-VALUE}).")
  String profile;

  @Option(names = "--fail-on", paramLabel = "fail|warn", defaultValue = "fail",
      description = "fail: exit 1 when a check fails (the domain is not compliant); warn: also when a check "
          + "warns, for CI gates that hold warnings too. Default: ${DEFAULT-VALUE}.")
  FailOn failOn;

  @Option(names = "--json", description = "Print the report as JSON: an object for one domain, an array for "
      + "several (docs/check-report.schema.json).")
  boolean json;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "Timeout of each network step (default: ${DEFAULT-VALUE}).")
  int timeout;

  @Option(names = "--dnssec", paramLabel = "validate|resolver", defaultValue = "validate",
      description = "validate: validate DNSSEC here from the trust anchors (safe over any network); resolver: "
          + "trust the resolver's AD bit (only over a trusted path, e.g. loopback). Default: ${DEFAULT-VALUE}.")
  String dnssec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
  boolean version;

  private final ComplianceEngine engine;
  private final Clock clock;
  private boolean colour;
  private PrintWriter out;
  private PrintWriter err;

  CheckCommand(ComplianceEngine engine, Clock clock) {
    this.engine = engine;
    this.clock = clock;
  }

  /** Runs the command on the process's standard streams; returns the exit code. */
  public static int run(String... args) {
    return execute(new ComplianceEngine(), new PrintWriter(System.out, true), new PrintWriter(System.err, true),
        ReportTable.colourTerminal(), args);
  }

  /** Runs the command with the given engine and streams (tests call this in-process). */
  public static int execute(ComplianceEngine engine, PrintWriter out, PrintWriter err, boolean colour, String... args) {
    return execute(engine, Clock.systemUTC(), out, err, colour, args);
  }

  /** As {@link #execute(ComplianceEngine, PrintWriter, PrintWriter, boolean, String...)}, with the reports' clock. */
  public static int execute(ComplianceEngine engine, Clock clock, PrintWriter out, PrintWriter err, boolean colour,
      String... args) {
    CheckCommand command = new CheckCommand(engine, clock);
    CommandLine cli = new CommandLine(command);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      err.println("check: " + e.getMessage());
      return CANNOT_CHECK;
    });
    command.colour = colour;
    command.out = out;
    command.err = err;
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public Integer call() {
    ComplianceOptions options;
    Profile chosen;
    try {
      domains.forEach(CheckCommand::requireDomainName);
      chosen = Profile.fromId(profile);
      options = options();
    } catch (IllegalArgumentException | IOException e) {
      err.println("check: " + e.getMessage());
      return CANNOT_CHECK;
    }
    boolean several = domains.size() > 1;
    ReportJson reports = new ReportJson(used(chosen, options));
    List<ReportJson.Document> documents = new ArrayList<>();
    int worst = COMPLIANT;
    int compliant = 0;
    int notCompliant = 0;
    int cannotCheck = 0;
    for (String domain : domains.stream().distinct().toList()) {
      Report report;
      try {
        report = engine.check(domain, chosen, options);
      } catch (CannotCheckException e) {
        err.println("check: could not check " + domain + ": " + e.getMessage());
        err.flush();
        cannotCheck++;
        worst = CANNOT_CHECK;
        continue;
      }
      if (report.compliant()) {
        compliant++;
      } else {
        notCompliant++;
      }
      worst = Math.max(worst, failOn.exitCode(report));
      if (json) {
        documents.add(reports.document(report, clock.instant()));
      } else {
        if (compliant + notCompliant > 1) {
          out.println();
        }
        out.print(ReportTable.render(report, colour));
        out.flush();
      }
    }
    if (json && (several || !documents.isEmpty())) {
      out.print(ReportJson.render(documents, several));
    } else if (!json && several) {
      out.println();
      out.print(ReportTable.summary(compliant, notCompliant, cannotCheck, colour));
    }
    out.flush();
    return worst;
  }

  private static void requireDomainName(String domain) {
    if (!domain.matches("(?i)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.?")) {
      throw new IllegalArgumentException("'" + domain + "' is not a domain name");
    }
  }

  private ComplianceOptions options() throws IOException {
    if (timeout < 1 || timeout > 300) {
      throw new IllegalArgumentException("--timeout must be between 1 and 300 seconds");
    }
    if (smtpPort < 1 || smtpPort > 65535 || httpsPort < 1 || httpsPort > 65535) {
      throw new IllegalArgumentException("ports must be between 1 and 65535");
    }
    DnssecMode mode = switch (dnssec) {
      case "validate" -> DnssecMode.VALIDATE;
      case "resolver" -> DnssecMode.RESOLVER_AD;
      default -> throw new IllegalArgumentException("--dnssec must be validate or resolver, not '" + dnssec + "'");
    };
    TrustAnchors anchors = trustAnchor == null ? TrustAnchors.root() : TrustAnchors.read(trustAnchor);
    List<X509Certificate> roots = caFile == null ? List.of() : PkixRoots.readPem(caFile);
    List<InetSocketAddress> resolvers = resolver == null ? List.of() : List.of(ResolverAddress.parse(resolver));
    List<CaaIssuer> issuers = new ArrayList<>();
    for (String value : caaIssuers) {
      CaaIssuer issuer;
      try {
        issuer = CaaIssuer.parse(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--caa-issuer '" + value + "': " + e.getMessage());
      }
      if (!issuer.namesCa()) {
        throw new IllegalArgumentException("--caa-issuer '" + value + "' names no CA");
      }
      issuers.add(issuer);
    }
    return ComplianceOptions.defaults().withResolvers(resolvers).withDnssec(mode, anchors).withExtraRoots(roots)
        .withPorts(smtpPort, httpsPort).withTimeout(Duration.ofSeconds(timeout)).withCaaIssuers(issuers);
  }

  /** The options as the JSON report records them; the resolver as it was given, with its port. */
  private ReportJson.Options used(Profile chosen, ComplianceOptions options) {
    List<String> resolvers = resolver == null ? List.of() : List.of(hostPort(ServerAddress.parse(resolver)));
    return new ReportJson.Options(chosen.id(), dnssec, resolvers, options.smtpPort(), options.httpsPort(), timeout,
        trustAnchor == null ? null : trustAnchor.toString(), caFile == null ? null : caFile.toString(),
        options.caaIssuers().stream().map(CaaIssuer::value).toList());
  }

  private static String hostPort(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
