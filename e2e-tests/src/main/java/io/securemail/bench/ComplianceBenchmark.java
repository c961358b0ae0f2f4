package io.securemail.bench;

import io.securemail.lab.LabLock;
import io.securemail.lab.dns.DnsLab;
import io.securemail.lab.dns.ZoneUpdates;
import io.securemail.lab.mail.PostfixServer;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.compliance.CannotCheckException;
import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.CheckStatus;
import io.securemail.operator.compliance.ComplianceEngine;
import io.securemail.operator.compliance.Probes;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.Report;
import io.securemail.operator.compliance.net.TargetGuard;
import io.securemail.operator.compliance.smtp.AddressGate;
import io.securemail.operator.compliance.smtp.GuardedSmtpProbe;
import io.securemail.operator.compliance.smtp.PoliteSmtpProbe;
import io.securemail.operator.compliance.smtp.SmtpClientProbe;
import io.securemail.operator.compliance.smtp.SmtpProbe;
import io.securemail.operator.monitor.ComplianceMonitor;
import io.securemail.operator.observe.OperatorProbes;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The compliance engine's benchmark: N MX hosts in a DNSSEC-signed zone of the lab's Knot, resolved
 * through the lab's validating Unbound, served by one Postfix behind a relay that counts
 * connections per address. The operator's compliance engine, with the operator's own probes
 * ({@link OperatorProbes}: the polite SMTP probe, one connection at a time per address) and the
 * monitor's bound on concurrent checks, checks every domain once per interval; then
 * {@code posttls-finger -l dane} and {@code ldns-dane verify} check every host one after the other.
 * It prints the times, the DANE verdicts of all three per host, and the most connections any one
 * address saw at once. Run by {@code ./mvnw -pl operator,e2e-tests -Pcompliance-benchmark package}.
 */
public final class ComplianceBenchmark {

  private static final Duration TOOLS_TIMEOUT = Duration.ofMinutes(30);

  private final int count;
  private final int concurrency;
  private final String dnssec;
  private final Path repo;
  private final Path work;
  private final ResultTable table;
  private final List<String> details = new ArrayList<>();

  private ComplianceBenchmark(int count, int concurrency, String dnssec, Path repo) {
    this.count = count;
    this.concurrency = concurrency;
    this.dnssec = dnssec;
    this.repo = repo;
    this.work = repo.resolve("e2e-tests/target/compliance-benchmark-lab");
    this.table = new ResultTable("Compliance engine: " + count + " MX hosts (" + count + " domains, two MX each)");
  }

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(System.getProperty("bench.hosts", "100"));
    // The monitor's default bound on concurrent checks (securemail.compliance.max-concurrent) unless given.
    String given = System.getProperty("bench.concurrency", "");
    int concurrency = Integer.parseInt(given.isBlank() ? ComplianceMonitor.DEFAULT_MAX_CONCURRENT : given);
    String dnssec = System.getProperty("bench.dnssec", "validate");
    Path repo = Path.of(System.getProperty("securemail.repo.dir", ".")).toAbsolutePath().normalize();
    new ComplianceBenchmark(count, concurrency, dnssec, repo).run();
    // Daemon threads of the probes may linger; the benchmark is done.
    System.exit(0);
  }

  private void run() throws Exception {
    MxFleet fleet = new MxFleet(count);
    try (LabLock lock = LabLock.acquire()) {
      // Only once the lock is held: never the directory of a run still going.
      ScaleBenchmark.deleteTree(work);
      Files.createDirectories(work);
      measure(fleet);
    }
    table.publish("Compliance engine benchmark", details, repo, repo.resolve("e2e-tests/target/compliance-benchmark.md"));
  }

  private void measure(MxFleet fleet) throws Exception {
    try (DnsLab dns = DnsLab.start(work.resolve("dns"), List.of(MxFleet.ZONE));
        PostfixServer postfix = PostfixServer.start(work.resolve("postfix"), fleet.backendAddresses(),
            fleet.listeners());
        ConnectionRelay relay = ConnectionRelay.start(fleet.routes(), MxFleet.PORT)) {
      ZoneUpdates.add(dns, dns.authoritativeAddress(), dns.authoritativePort(), MxFleet.ZONE, fleet.zoneLines());
      awaitValidated(dns, fleet.domains().get(count - 1), Type.MX);
      Path anchor = work.resolve("trust-anchor.key");
      Files.writeString(anchor, dns.trustAnchor(MxFleet.ZONE) + "\n");
      log(count + " MX hosts up (" + describeMix(fleet) + "), zone " + MxFleet.ZONE + " validated through Unbound");

      // The engine, as the operator runs it: two intervals, each with fresh probes (the answers the
      // polite probe keeps for securemail.compliance.reuse are older than an interval by then).
      relay.reset();
      Interval first = engineInterval(fleet, dns, anchor, true);
      int firstAtOnce = relay.mostAtOnce();
      Map<String, Integer> firstOverlaps = relay.overlapping();
      int firstConnections = relay.accepted();
      relay.reset();
      Interval second = engineInterval(fleet, dns, anchor, true);
      int secondAtOnce = relay.mostAtOnce();
      Map<String, Integer> secondOverlaps = relay.overlapping();
      int secondConnections = relay.accepted();
      relay.reset();
      Interval daneOnly = engineInterval(fleet, dns, anchor, false);
      int daneOnlyAtOnce = relay.mostAtOnce();
      int daneOnlyConnections = relay.accepted();
      log(String.format("engine: first interval %s, second %s, without weak TLS offers %s; most connections at once"
          + " to one address %d, %d, %d", ScaleBenchmark.seconds(first.time()), ScaleBenchmark.seconds(second.time()),
          ScaleBenchmark.seconds(daneOnly.time()), firstAtOnce, secondAtOnce, daneOnlyAtOnce));

      // The tools, one host after the other, as a script would run them.
      relay.reset();
      Tools finger = posttlsFinger(fleet, dns, postfix);
      int fingerConnections = relay.accepted();
      int fingerAtOnce = relay.mostAtOnce();
      relay.reset();
      Tools ldns = ldnsDane(fleet, dns, anchor);
      int ldnsConnections = relay.accepted();
      int toolsAtOnce = Math.max(fingerAtOnce, relay.mostAtOnce());
      log(String.format("posttls-finger %s, openssl s_client + ldns-dane %s",
          ScaleBenchmark.seconds(finger.time()), ScaleBenchmark.seconds(ldns.time())));

      report(fleet, first, second, finger, ldns, firstAtOnce, secondAtOnce, firstOverlaps, secondOverlaps,
          firstConnections, secondConnections, fingerConnections, ldnsConnections, toolsAtOnce);
      table.add(new Figure("diagnostic: engine without the weak TLS offers (one connection per address)",
          ScaleBenchmark.seconds(daneOnly.time()) + ", " + daneOnlyConnections + " connections, most at once to one"
          + " address " + daneOnlyAtOnce + ", " + fleet.hosts().stream().filter(h -> daneOnly.verdicts().get(h.name())
              == finger.verdicts().get(h.name())).count() + " of " + count + " verdicts as posttls-finger's", "",
          null));
      details.add(String.format("CPU time of the benchmark's JVM (the engine's side; Postfix, Unbound and the tools"
          + " are other processes) during the engine's intervals: %s, %s and %s without weak offers.",
          ScaleBenchmark.seconds(first.cpu()), ScaleBenchmark.seconds(second.cpu()),
          ScaleBenchmark.seconds(daneOnly.cpu())));
      // The engine runs in the operator's JVM; how fast depends on that JVM's compilers.
      String image = ChartJvm.environment(repo).getOrDefault("JDK_JAVA_OPTIONS", "");
      details.add("The engine's JVM options: " + String.join(" ",
          ManagementFactory.getRuntimeMXBean().getInputArguments()) + ". The operator image's "
          + "JDK_JAVA_OPTIONS: " + (image.isBlank() ? "none" : image + " (run with JAVA_TOOL_OPTIONS=\"" + image
          + "\" to measure the engine as the image runs it)") + ".");
    }
  }

  private static String describeMix(MxFleet fleet) {
    Map<MxFleet.Kind, Long> kinds = fleet.hosts().stream().collect(Collectors.groupingBy(MxFleet.Host::kind,
        () -> new EnumMap<>(MxFleet.Kind.class), Collectors.counting()));
    return kinds.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
  }

  // --- the engine ---

  /** One interval's checks: the time from the first check started to the last one done, and each host's verdict. */
  private record Interval(Duration time, Duration cpu, Map<String, DaneVerdict> verdicts, Map<String, String> evidence,
      List<String> cannotCheck) {}

  /**
   * @param weakOffers as the operator checks: one more connection per address for each weak TLS
   *     offer the profile judges (TLS versions, suites); without them, one connection per address, a
   *     diagnostic of what the DANE verdict alone costs the engine
   */
  private Interval engineInterval(MxFleet fleet, DnsLab dns, Path anchor, boolean weakOffers)
      throws InterruptedException {
    String resolver = dns.resolverAddress() + ":" + dns.resolverPort();
    // The operator's probes with its defaults, as the chart configures them, but for the lab:
    // its resolver and trust anchor, and private targets allowed (the MX hosts are on loopback).
    OperatorProbes probes = new OperatorProbes(Optional.of(List.of(resolver)), Duration.ofSeconds(5), dnssec,
        Optional.of(anchor), Optional.empty(), MxFleet.PORT, Duration.ofSeconds(10), 443, Duration.ofSeconds(10),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(60), 8, true, 3, 2);
    Probes.Factory factory = probes.complianceProbes();
    if (!weakOffers) {
      Probes operators = factory.create(probes.complianceOptions());
      SmtpProbe oneConnection = new GuardedSmtpProbe(new PoliteSmtpProbe(SmtpClientProbe.withoutWeakOffers(
          Duration.ofSeconds(10)), Duration.ofSeconds(60), new AddressGate()), TargetGuard.of(true));
      Probes daneOnly = new Probes(operators.dns(), oneConnection, operators.policy(), operators.roots());
      factory = options -> daneOnly;
    }
    ComplianceEngine engine = new ComplianceEngine(factory, Clock.systemUTC());
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long cpuStarted = processCpuNanos();
    long started = System.nanoTime();
    Map<String, Future<Report>> running = new LinkedHashMap<>();
    for (String domain : fleet.domains()) {
      running.put(domain, pool.submit(() -> engine.check(domain, Profile.RFC, probes.complianceOptions())));
    }
    List<Report> reports = new ArrayList<>();
    List<String> cannotCheck = new ArrayList<>();
    for (Map.Entry<String, Future<Report>> r : running.entrySet()) {
      try {
        reports.add(r.getValue().get());
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        cannotCheck.add(r.getKey() + ": " + (cause instanceof CannotCheckException ? cause.getMessage() : cause));
      }
    }
    Duration time = Duration.ofNanos(System.nanoTime() - started);
    Duration cpu = Duration.ofNanos(processCpuNanos() - cpuStarted);
    pool.shutdown();
    Map<String, List<CheckStatus>> starttls = new TreeMap<>();
    Map<String, List<CheckStatus>> match = new TreeMap<>();
    Map<String, String> evidence = new TreeMap<>();
    for (Report report : reports) {
      for (CheckResult result : report.checks()) {
        if (result.id().equals("smtp.starttls") || result.id().equals("dane.match")) {
          (result.id().equals("smtp.starttls") ? starttls : match).computeIfAbsent(result.subjectHost(),
              h -> new ArrayList<>()).add(result.status());
          if (result.status() != CheckStatus.pass) {
            evidence.putIfAbsent(result.subjectHost(), result.id() + " " + result.status() + ": " + result.message());
          }
        }
      }
    }
    Map<String, DaneVerdict> verdicts = new TreeMap<>();
    for (MxFleet.Host host : fleet.hosts()) {
      verdicts.put(host.name(), DaneVerdict.ofEngine(starttls.getOrDefault(host.name(), List.of()),
          match.getOrDefault(host.name(), List.of())));
    }
    return new Interval(time, cpu, verdicts, evidence, cannotCheck);
  }

  /** The CPU time this JVM has used, all threads. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  // --- the tools ---

  /** A tool's run over every host: its time and each host's verdict and the line it was read from. */
  private record Tools(Duration time, Map<String, DaneVerdict> verdicts, Map<String, String> evidence) {}

  /**
   * {@code posttls-finger -c -l dane -L summary [host]} for each host in turn. Postfix resolves
   * through /etc/resolv.conf, so the loop runs in a mount namespace of its own where the lab's
   * resolv.conf (the validating resolver, trust-ad) is bind-mounted over it; one namespace for the
   * whole loop, so that the time is the tool's and not the namespace's.
   */
  private Tools posttlsFinger(MxFleet fleet, DnsLab dns, PostfixServer postfix) throws IOException {
    StringBuilder script = new StringBuilder("mount --bind " + dns.resolvConf() + " /etc/resolv.conf || exit 97\n");
    String finger = String.join(" ", postfix.postTlsFinger("-c", "-l", "dane", "-L", "summary"));
    for (MxFleet.Host host : fleet.hosts()) {
      script.append("echo '=== ").append(host.name()).append("'\n");
      // With -L summary a host without STARTTLS gets no line at all; the exit status is the evidence then.
      script.append(finger).append(" '[").append(host.name()).append("]' 2>&1; echo \"posttls-finger exit $?\"\n");
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    Duration time = runScript("posttls-finger", script.toString(), outputs);
    Map<String, DaneVerdict> verdicts = new TreeMap<>();
    Map<String, String> evidence = new TreeMap<>();
    outputs.forEach((host, output) -> {
      verdicts.put(host, DaneVerdict.ofPosttlsFinger(output));
      evidence.put(host, output.lines().filter(l -> l.contains("TLS connection") || l.contains("STARTTLS")
          || l.contains("TLSA") || l.contains("error") || l.contains("fatal")).findFirst()
          .orElse(output.lines().reduce((a, b) -> b).orElse("(no output)")).trim());
    });
    return new Tools(time, verdicts, evidence);
  }

  /**
   * For each host in turn: the certificate it serves after STARTTLS ({@code openssl s_client
   * -starttls smtp}: ldns-dane does not speak SMTP), then {@code ldns-dane -n -S -k ANCHOR -r
   * RESOLVER -c CERT verify host 25}, which looks the TLSA records up through the lab's resolver and
   * validates them itself from the zone's trust anchor.
   */
  private Tools ldnsDane(MxFleet fleet, DnsLab dns, Path anchor) throws IOException {
    Path certificate = work.resolve("served.pem");
    StringBuilder script = new StringBuilder("mount --bind " + dns.resolvConf() + " /etc/resolv.conf || exit 97\n");
    for (MxFleet.Host host : fleet.hosts()) {
      String name = host.name();
      script.append("echo '=== ").append(name).append("'\n");
      script.append("openssl s_client -starttls smtp -connect ").append(name).append(":").append(MxFleet.PORT)
          .append(" -servername ").append(name).append(" -showcerts </dev/null 2>/dev/null")
          .append(" | sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' > ").append(certificate)
          .append("\n");
      script.append("if [ -s ").append(certificate).append(" ]; then ldns-dane -n -S -k ").append(anchor)
          .append(" -r ").append(dns.resolverAddress()).append(" -c ").append(certificate).append(" verify ")
          .append(name).append(" ").append(MxFleet.PORT).append(" 2>&1; echo \"ldns-dane exit $?\"; ")
          .append("else echo 'no certificate served'; fi\n");
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    Duration time = runScript("ldns-dane", script.toString(), outputs);
    Map<String, DaneVerdict> verdicts = new TreeMap<>();
    Map<String, String> evidence = new TreeMap<>();
    outputs.forEach((host, output) -> {
      verdicts.put(host, DaneVerdict.ofLdnsDane(!output.contains("no certificate served"), output));
      evidence.put(host, output.lines().map(String::trim).filter(l -> !l.isEmpty()).collect(Collectors.joining("; ")));
    });
    return new Tools(time, verdicts, evidence);
  }

  /** Runs the script in a private mount namespace; fills {@code outputs} with each host's part of the output. */
  private Duration runScript(String name, String script, Map<String, String> outputs) throws IOException {
    Path file = work.resolve(name + ".sh");
    Files.writeString(file, script);
    long started = System.nanoTime();
    ManagedProcess.Completed run = ManagedProcess.run(List.of("unshare", "-m", "sh", file.toString()), Map.of(),
        TOOLS_TIMEOUT);
    Duration time = Duration.ofNanos(System.nanoTime() - started);
    Files.writeString(work.resolve(name + ".out"), run.output());
    if (run.exitCode() == 97) {
      throw new IllegalStateException("cannot bind-mount the lab's resolv.conf for " + name + ": " + run.output());
    }
    String host = null;
    StringBuilder part = new StringBuilder();
    for (String line : run.output().split("\n", -1)) {
      if (line.startsWith("=== ")) {
        if (host != null) {
          outputs.put(host, part.toString());
        }
        host = line.substring(4).trim();
        part.setLength(0);
      } else {
        part.append(line).append('\n');
      }
    }
    if (host != null) {
      outputs.put(host, part.toString());
    }
    return time;
  }

  // --- the table ---

  private void report(MxFleet fleet, Interval first, Interval second, Tools finger, Tools ldns, int firstAtOnce,
      int secondAtOnce, Map<String, Integer> firstOverlaps, Map<String, Integer> secondOverlaps, int firstConnections,
      int secondConnections, int fingerConnections, int ldnsConnections, int toolsAtOnce) {
    Duration tools = finger.time().plus(ldns.time());
    table.add(new Figure("engine, one interval (" + count + " domains, " + concurrency + " checks at once), "
        + "first in the JVM", ScaleBenchmark.seconds(first.time()), "", null));
    table.add(new Figure("engine, the next interval", ScaleBenchmark.seconds(second.time()), "", null));
    table.add(new Figure("posttls-finger -l dane, per host one after the other",
        ScaleBenchmark.seconds(finger.time()), "", null));
    table.add(new Figure("openssl s_client + ldns-dane verify, per host one after the other",
        ScaleBenchmark.seconds(ldns.time()), "", null));
    double speedup = tools.toMillis() / (double) Math.max(1, second.time().toMillis());
    double speedupFirst = tools.toMillis() / (double) Math.max(1, first.time().toMillis());
    table.add(new Figure("the tools together / the engine's interval",
        String.format("%.1f x (%.1f x for the first interval)", speedup, speedupFirst), ">= 5 x", speedup >= 5));
    for (var tool : List.of(Map.entry("posttls-finger", finger), Map.entry("ldns-dane", ldns))) {
      for (var interval : List.of(Map.entry("first", first), Map.entry("next", second))) {
        long same = fleet.hosts().stream().filter(h -> tool.getValue().verdicts().get(h.name())
            == interval.getValue().verdicts().get(h.name())).count();
        table.add(new Figure("hosts where the engine (" + interval.getKey() + " interval) and " + tool.getKey()
            + " agree", same + " of " + count, "all", same == count));
      }
    }
    long expected = fleet.hosts().stream().filter(h -> second.verdicts().get(h.name()) == h.kind().expected()).count();
    table.add(new Figure("hosts where the engine gives the verdict the host was set up for", expected + " of "
        + count, "", null));
    table.add(new Figure("most connections open at once to one MX address, engine", firstAtOnce + " and "
        + secondAtOnce + " (" + firstConnections + " and " + secondConnections + " connections in all)", "1",
        firstAtOnce <= 1 && secondAtOnce <= 1));
    table.add(new Figure("most connections open at once to one MX address, the tools", toolsAtOnce + " ("
        + (fingerConnections + ldnsConnections) + " connections in all)", "", null));
    table.add(new Figure("domains the engine could not check", String.valueOf(first.cannotCheck().size()
        + second.cannotCheck().size()), "0", first.cannotCheck().isEmpty() && second.cannotCheck().isEmpty()));

    details.add("Hosts: " + describeMix(fleet) + ". Domain dNNN has MX 10 mxNNN and MX 20 the next host, so every host"
        + " serves two domains.");
    details.add("Verdicts (VERIFIED: a TLS session a TLSA record authenticates; TLS_NOT_VERIFIED: TLS, not"
        + " authenticated; NO_TLS: no TLS session), by kind of host, engine / posttls-finger / ldns-dane: "
        + fleet.hosts().stream().collect(Collectors.groupingBy(MxFleet.Host::kind, () -> new EnumMap<>(MxFleet.Kind.class),
            Collectors.mapping(h -> second.verdicts().get(h.name()) + "/" + finger.verdicts().get(h.name()) + "/"
                + ldns.verdicts().get(h.name()), Collectors.toCollection(java.util.TreeSet::new))))
            .entrySet().stream().map(e -> e.getKey() + ": " + String.join(", ", e.getValue()))
            .collect(Collectors.joining("; ")) + ".");
    List<String> mismatches = new ArrayList<>();
    for (MxFleet.Host h : fleet.hosts()) {
      DaneVerdict e1 = first.verdicts().get(h.name());
      DaneVerdict e2 = second.verdicts().get(h.name());
      DaneVerdict f = finger.verdicts().get(h.name());
      DaneVerdict l = ldns.verdicts().get(h.name());
      if (e1 != f || e2 != f || e1 != l || e2 != l) {
        mismatches.add(h.name() + " (" + h.kind() + "): engine " + e1 + "/" + e2 + " ("
            + second.evidence().getOrDefault(h.name(), "all passed") + "), posttls-finger " + f + " ("
            + finger.evidence().get(h.name()) + "), ldns-dane " + l + " (" + ldns.evidence().get(h.name()) + ")");
      }
    }
    details.add("Mismatches: " + (mismatches.isEmpty() ? "none" : mismatches.size() + "\n\n- "
        + String.join("\n- ", mismatches)));
    if (!firstOverlaps.isEmpty() || !secondOverlaps.isEmpty()) {
      details.add("Addresses that saw more than one connection at once from the engine: " + firstOverlaps + " "
          + secondOverlaps + ".");
    }
    if (!first.cannotCheck().isEmpty() || !second.cannotCheck().isEmpty()) {
      details.add("Could not check: " + Stream.concat(first.cannotCheck().stream(), second.cannotCheck().stream())
          .collect(Collectors.joining("; ")) + ".");
    }
    details.add("The engine: the operator's OperatorProbes (the lab's resolver, DNSSEC " + dnssec
        + " from the zone's trust anchor, the polite SMTP probe) and ComplianceEngine.check under the rfc profile, "
        + concurrency + " domains at a time on " + concurrency + " threads, as the monitor's check pool; every"
        + " check of the engine (DNS, MTA-STS, TLS-RPT, CAA, each address's STARTTLS, TLS versions and suites,"
        + " the certificate), not only DANE. Connections counted by a relay in front of each address, from"
        + " accept until the client closes.");
  }

  // --- DNS ---

  /** Waits until the resolver answers {@code name}/{@code type} validated (AD), as the tools will ask it. */
  private static void awaitValidated(DnsLab dns, String name, int type) throws Exception {
    SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(dns.resolverAddress()));
    resolver.setPort(dns.resolverPort());
    resolver.setTimeout(Duration.ofSeconds(2));
    resolver.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Message last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
        if (last.getHeader().getFlag(Flags.AD) && !last.getSection(Section.ANSWER).isEmpty()) {
          return;
        }
      } catch (IOException e) {
        // not yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the lab resolver does not answer " + name + " validated: " + last);
  }

  private static void log(String message) {
    System.out.println("[bench] " + message);
  }
}
