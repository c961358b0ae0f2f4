package io.securemail.operator.compliance.cli;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.CheckStatus;
import io.securemail.operator.compliance.Report;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The report for a person: a summary line, then the results grouped by what they are about (the
 * domain and its MTA-STS/TLS-RPT names first, then each MX host, each address on its own lines).
 * Several domains are several such reports, one after another, and a {@link #summary} line.
 */
public final class ReportTable {

  private static final String RESET = "\u001b[0m";
  private static final String BOLD = "\u001b[1m";

  private ReportTable() {}

  /** Colour only for a person at a terminal that understands it. */
  public static boolean colourTerminal() {
    String term = System.getenv("TERM");
    return System.console() != null && term != null && !term.isBlank() && !term.equals("dumb")
        && System.getenv("NO_COLOR") == null;
  }

  public static String render(Report report, boolean colour) {
    StringBuilder out = new StringBuilder();
    String verdict = report.compliant() ? "COMPLIANT" : "NOT COMPLIANT";
    out.append(bold(report.domain() + ": " + verdict, colour)).append(" under profile ").append(report.profile().id())
        .append(" (").append(report.count(CheckStatus.fail)).append(" fail, ").append(report.count(CheckStatus.warn))
        .append(" warn, ").append(report.count(CheckStatus.pass)).append(" pass, ")
        .append(report.count(CheckStatus.skip)).append(" skip)").append(System.lineSeparator());
    int idWidth = report.checks().stream().mapToInt(c -> c.id().length()).max().orElse(10);
    for (Map.Entry<String, List<CheckResult>> group : groups(report).entrySet()) {
      out.append(System.lineSeparator()).append(bold(group.getKey(), colour)).append(System.lineSeparator());
      for (CheckResult result : group.getValue()) {
        String where = result.subject().equals(group.getKey()) ? "" : result.subject() + ": ";
        out.append("  ").append(status(result.status(), colour)).append("  ")
            .append(String.format("%-" + idWidth + "s", result.id())).append("  ").append(where)
            .append(result.message()).append(System.lineSeparator());
      }
    }
    return out.toString();
  }

  /**
   * The last line when several domains were checked, since their reports scroll by one after
   * another: how many are compliant, how many not, and how many could not be checked (their reasons
   * went to standard error).
   */
  public static String summary(int compliant, int notCompliant, int cannotCheck, boolean colour) {
    int domains = compliant + notCompliant + cannotCheck;
    return bold(domains + " domains: " + compliant + " compliant, " + notCompliant + " not compliant, " + cannotCheck
        + " could not be checked", colour) + System.lineSeparator();
  }

  /** The domain's own names form the first group; every other name (an MX host) its own. */
  static Map<String, List<CheckResult>> groups(Report report) {
    String domain = report.domain();
    return report.checks().stream().collect(Collectors.groupingBy(result -> {
      String host = result.subjectHost();
      boolean domainName = host.equals(domain)
          || (host.endsWith("." + domain) && (host.startsWith("_") || host.startsWith("mta-sts.")));
      return domainName ? domain : host;
    }, LinkedHashMap::new, Collectors.toList()));
  }

  private static String status(CheckStatus status, boolean colour) {
    String text = String.format("%-4s", status.name());
    if (!colour) {
      return text;
    }
    String code = switch (status) {
      case pass -> "\u001b[32m";
      case warn -> "\u001b[33m";
      case fail -> "\u001b[31;1m";
      case skip -> "\u001b[2m";
    };
    return code + text + RESET;
  }

  private static String bold(String text, boolean colour) {
    return colour ? BOLD + text + RESET : text;
  }
}
