package io.securemail.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.cluster.ChartRbac;
import io.securemail.lab.cluster.OperatorProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The scale benchmark: N SecureMailDomains against the lab's control plane (a real kube-apiserver,
 * etcd and controller-manager, no node), the packaged operator running as a process with the Helm
 * chart's JVM settings and RBAC, and the figures of the table: convergence against the API server's
 * own bound for the same work, writes while converging, idle and across a restart, memory and
 * Prometheus series. Run by {@code ./mvnw -pl operator,e2e-tests -Pbenchmark package}.
 */
public final class ScaleBenchmark {

  static final Duration QUIET = Duration.ofSeconds(15);
  static final Duration IDLE = Duration.ofSeconds(60);
  static final String CONVERGING_TARGETS =
      "certificates,secrets,configmaps,services,deployments,statefulsets,securemaildomains,securemaildomains/status";

  private final int count;
  private final Layout layout;
  private final Path repo;
  private final Duration timeout;
  private final ResultTable table;
  private final List<String> details = new java.util.ArrayList<>();

  private ScaleBenchmark(int count, Layout layout, Path repo, Duration timeout) {
    this.count = count;
    this.layout = layout;
    this.repo = repo;
    this.timeout = timeout;
    this.table = new ResultTable(count + " domains, layout " + layout.id() + " (" + layout.namespaces(count).size()
        + " namespace" + (layout.namespaces(count).size() == 1 ? "" : "s") + ")");
  }

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(System.getProperty("bench.domains", "1000"));
    Layout layout = Layout.of(System.getProperty("bench.layout", "one-namespace"));
    Path repo = Path.of(System.getProperty("securemail.repo.dir", ".")).toAbsolutePath().normalize();
    Duration timeout = Duration.ofSeconds(Long.parseLong(System.getProperty("bench.timeout", "1800")));
    if (layout == Layout.TRANSPORT) {
      new FleetBenchmark(count, repo, timeout).run();
      return;
    }
    new ScaleBenchmark(count, layout, repo, timeout).run();
  }

  private void run() throws Exception {
    Path work = repo.resolve("e2e-tests/target/benchmark-lab");
    deleteTree(work);
    Files.createDirectories(work);
    List<String> jvm = ChartJvm.optionsWithExtra(repo);
    BenchDomains domains = new BenchDomains(count, layout);
    try (NxdomainResolver resolver = NxdomainResolver.start();
        Lab lab = Lab.start(repo, work, Map.of(), Lab.Mode.CONTROL_PLANE)) {
      // cert-manager's API stays installed, its stand-in controller stops: nothing is ever issued.
      lab.issuer().close();
      KubernetesClient client = lab.client();
      ChartRbac rbac = ChartRbac.install(lab.controlPlane(), repo.resolve("helm/securemail-operator"), work);
      domains.prepare(client);
      Map<String, String> properties = new HashMap<>();
      properties.put("securemail.dns.resolvers", resolver.address());
      properties.put("securemail.compliance.dnssec", "resolver");
      OperatorWrites writes = new OperatorWrites(lab.controlPlane().auditLog(), rbac.user());
      log("operator JVM options " + jvm + ", resolver " + resolver.address());
      OperatorProcess operator = OperatorProcess.start(repo.resolve("operator"), rbac.kubeconfig(),
          work.resolve("operator.log"), properties, jvm, ChartJvm.environment(repo));
      try {
        operator = measure(lab, client, rbac, domains, writes, operator, properties, jvm);
      } finally {
        operator.close();
      }
      measureBound(lab, client, domains);
    }
    table.publish("Scale benchmark", details, repo, repo.resolve("e2e-tests/target/benchmark.md"));
  }

  private Duration convergence;
  private Map<String, Long> childCounts;
  private List<GenericKubernetesResource> children;
  private List<GenericKubernetesResource> storedDomains;

  private OperatorProcess measure(Lab lab, KubernetesClient client, ChartRbac rbac, BenchDomains domains,
      OperatorWrites writes, OperatorProcess operator, Map<String, String> properties, List<String> jvm)
      throws Exception {
    // 1. Converging: every domain created, until each has status for its generation and no write for 15 s.
    log("creating " + count + " domains");
    try (DomainWatch watch = DomainWatch.start(client)) {
      return measure(lab, client, rbac, domains, writes, operator, properties, jvm, watch);
    }
  }

  private OperatorProcess measure(Lab lab, KubernetesClient client, ChartRbac rbac, BenchDomains domains,
      OperatorWrites writes, OperatorProcess operator, Map<String, String> properties, List<String> jvm,
      DomainWatch watch) throws Exception {
    Instant start = Instant.now();
    domains.create(client);
    log("created in " + seconds(Duration.between(start, Instant.now())) + "; waiting for status and " + QUIET.toSeconds()
        + " s without a write");
    Instant allStatus = null;
    Instant deadline = start.plus(timeout);
    int done = 0;
    Instant lastProgress = Instant.now();
    while (true) {
      Thread.sleep(1000);
      writes.refresh();
      Instant now = Instant.now();
      done = domains.withStatusForGeneration(watch);
      if (done == count && allStatus == null) {
        allStatus = now;
      } else if (done < count) {
        allStatus = null;
      }
      Instant lastWrite = writes.last().orElse(start);
      if (allStatus != null && Duration.between(lastWrite, now).compareTo(QUIET) >= 0) {
        Instant settled = lastWrite.isAfter(allStatus) ? lastWrite : allStatus;
        convergence = Duration.between(start, settled);
        break;
      }
      if (now.isAfter(deadline)) {
        break;
      }
      if (Duration.between(lastProgress, now).toSeconds() >= 10) {
        lastProgress = now;
        log(String.format("%s: %d/%d with status for their generation, %d writes, last write %s ago",
            seconds(Duration.between(start, now)), done, count, writes.between(start, now).size(),
            seconds(Duration.between(lastWrite, now))));
      }
      if (!operator.isAlive()) {
        throw new IllegalStateException("the operator stopped; log " + operator.log() + ":\n" + operator.logTail());
      }
    }
    Instant convergedAt = convergence == null ? Instant.now() : start.plus(convergence);
    List<ApiWrite> converging = writes.between(start, convergedAt.plusMillis(1));
    children = domains.children(client);
    OperatorWork atConvergence = OperatorWork.of(PrometheusText.parse(operator.metrics()));
    storedDomains = domains.stored(client);
    childCounts = children.stream().collect(Collectors.groupingBy(c -> c.getKind(), java.util.TreeMap::new,
        Collectors.counting()));
    double ownedPerDomain = (double) children.size() / count;
    // The target counts every object the operator owns: the namespace's shared ones too.
    double sharedPerDomain = (double) domains.shared(client) / count;
    log("converged: " + (convergence == null ? "no (" + done + "/" + count + " after " + seconds(timeout) + ")"
        : seconds(convergence)) + "; " + children.size() + " child objects " + childCounts);

    // 2. Writes per domain while converging, by resource.
    double perDomain = (double) converging.size() / count;
    double allowed = ownedPerDomain + sharedPerDomain + 2;
    Map<String, Long> byTarget = OperatorWrites.countBy(converging, ApiWrite::target);
    Map<String, Long> breakdown = new LinkedHashMap<>();
    for (String target : CONVERGING_TARGETS.split(",")) {
      breakdown.put(target, byTarget.getOrDefault(target, 0L));
    }
    byTarget.forEach(breakdown::putIfAbsent);

    // 3. Idle.
    Instant idleFrom = Instant.now();
    log("idle for " + IDLE.toSeconds() + " s");
    Thread.sleep(IDLE.toMillis());
    writes.refresh();
    List<ApiWrite> idle = writes.between(idleFrom, Instant.now());

    // 4. Memory and series after converging (and the idle minute).
    PrometheusText metrics = PrometheusText.parse(operator.metrics());
    OperatorFootprint footprint = OperatorFootprint.of(operator.pid(), metrics);
    OperatorWork afterIdle = OperatorWork.of(metrics);
    DomainSeries series = DomainSeries.count(metrics, domains.refs());
    List<String> heapTop = HeapHistogram.top(operator.pid(), lab.workDir().resolve("heap-histogram.txt"), 12);

    // 5. Restart: the same domains, nothing changed.
    log("restarting the operator");
    List<GenericKubernetesResource> beforeRestart = domains.stored(client);
    String listVersion = beforeRestart.stream().map(d -> d.getMetadata().getResourceVersion())
        .max(Comparator.comparingLong(Long::parseLong)).orElse("0");
    StatusChanges statusChanges = new StatusChanges(client, beforeRestart, listVersion);
    Instant restartFrom = Instant.now();
    operator.terminate(Duration.ofSeconds(30));
    long launched = System.nanoTime();
    operator = OperatorProcess.start(repo.resolve("operator"), rbac.kubeconfig(),
        lab.workDir().resolve("operator-restarted.log"), properties, jvm, ChartJvm.environment(repo));
    Set<String> expected = domains.refs().stream().map(r -> r.namespace() + "/" + r.name())
        .collect(Collectors.toSet());
    Duration restart = null;
    long restartDeadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    int reconciled = 0;
    while (System.nanoTime() < restartDeadline) {
      Set<String> names = ReconciledDomains.names(PrometheusText.parse(operator.metrics()));
      reconciled = (int) expected.stream().filter(names::contains).count();
      if (reconciled == count) {
        restart = Duration.ofNanos(System.nanoTime() - launched);
        break;
      }
      Thread.sleep(500);
    }
    log("after the restart " + reconciled + "/" + count + " reconciled" + (restart == null ? "" : " in "
        + seconds(restart)) + "; waiting for " + QUIET.toSeconds() + " s without a write");
    Instant quietDeadline = Instant.now().plus(Duration.ofMinutes(3));
    while (Instant.now().isBefore(quietDeadline)) {
      Thread.sleep(1000);
      writes.refresh();
      Instant last = writes.last().orElse(restartFrom);
      if (Duration.between(last.isAfter(restartFrom) ? last : restartFrom, Instant.now()).compareTo(QUIET) >= 0) {
        break;
      }
    }
    writes.refresh();
    List<ApiWrite> acrossRestart = writes.between(restartFrom, Instant.now());
    statusChanges.close();

    // The table.
    table.add(new Figure("time until every domain has status for its generation and no write for "
        + QUIET.toSeconds() + " s", convergence == null ? "not converged within " + seconds(timeout) + " (" + done
        + "/" + count + ")" : seconds(convergence), "<= 1.3 x the API server's bound", null));
    table.add(new Figure("API writes per domain while converging (" + converging.size() + " in all)",
        String.format("%.2f", perDomain), String.format("<= %.2f (%.1f objects owned by a domain + %.2f shared "
            + "by a namespace's domains + 1 status + 1 finalizer)", allowed, ownedPerDomain, sharedPerDomain),
        perDomain <= allowed + 1e-9));
    table.add(new Figure("writes during " + IDLE.toSeconds() + " s of idle", String.valueOf(idle.size())
        + (idle.isEmpty() ? "" : " " + OperatorWrites.countBy(idle, ApiWrite::kind)), "0", idle.isEmpty()));
    table.add(new Figure("writes across an operator restart", String.valueOf(acrossRestart.size())
        + (acrossRestart.isEmpty() ? "" : " " + OperatorWrites.countBy(acrossRestart, ApiWrite::kind)), "0",
        acrossRestart.isEmpty()));
    table.add(new Figure("operator restart until every domain has been reconciled again",
        restart == null ? "not within 10 min (" + reconciled + "/" + count + ")" : seconds(restart),
        "<= 30 s at 1000", restart != null && restart.toSeconds() <= 30));
    table.add(new Figure("operator resident memory (VmRSS) after converging", OperatorFootprint.mib(
        footprint.residentBytes()), "<= 256 MiB", footprint.residentBytes() <= 256L << 20));
    table.add(new Figure("operator JVM heap used after converging", OperatorFootprint.mib(footprint.heapUsedBytes()),
        "<= 256 MiB", footprint.heapUsedBytes() <= 256L << 20));
    long limitMib = ChartJvm.limitMib(repo);
    table.add(new Figure("operator peak resident memory (VmHWM), against the chart's limit of " + limitMib + " MiB",
        OperatorFootprint.mib(footprint.peakResidentBytes()), "< " + limitMib + " MiB",
        footprint.peakResidentBytes() < limitMib << 20));
    double seriesPerDomain = (double) series.aboutDomains() / count;
    table.add(new Figure("Prometheus series per domain (" + series.aboutDomains() + " about domains, "
        + series.total() + " in all)", String.format("%.1f", seriesPerDomain), "<= 20", seriesPerDomain <= 20));

    details.add("Writes while converging, by resource: " + format(breakdown) + ".");
    List<ApiWrite> reads = writes.readsBetween(start, convergedAt.plusMillis(1));
    details.add(String.format("Reads while converging (get and list; watches not counted): %d, %.1f per domain; by "
        + "resource: %s.", reads.size(), (double) reads.size() / count, format(OperatorWrites.countBy(reads,
        ApiWrite::target))));
    details.add("The operator's work while converging: " + atConvergence.describe(count) + "; during the idle "
        + "minute: " + afterIdle.minus(atConvergence).describe(count) + ".");
    List<ApiWrite> refused = converging.stream().filter(w -> w.code() >= 300).toList();
    details.add("Writes the API server refused while converging, by resource and status code: "
        + (refused.isEmpty() ? "none" : format(OperatorWrites.countBy(refused, w -> w.target() + " " + w.refusal())))
        + ".");
    details.add("Objects the operator made (owned by a domain): " + children.size() + " " + childCounts + ".");
    details.add("Objects shared by the domains of a namespace (the largest 5; owner references, field managers, "
        + "size as stored): " + SharedObjects.describe(children, 5) + ".");
    details.add("Writes across the restart, by (resource, verb, subresource): "
        + (acrossRestart.isEmpty() ? "none" : format(OperatorWrites.countBy(acrossRestart, ApiWrite::kind))) + ".");
    List<ApiWrite> refusedAcross = acrossRestart.stream().filter(w -> w.code() >= 300).toList();
    if (!refusedAcross.isEmpty()) {
      details.add("Of those, refused by the API server: "
          + format(OperatorWrites.countBy(refusedAcross, w -> w.target() + " " + w.refusal())) + ".");
    }
    if (!acrossRestart.isEmpty()) {
      Map<String, Long> objects = OperatorWrites.countBy(acrossRestart,
          w -> w.verb() + " " + w.target() + " " + w.namespace() + "/" + w.name());
      details.add("Objects written across the restart (" + objects.size() + " distinct; the 10 most written): "
          + format(objects.entrySet().stream().limit(10).collect(Collectors.toMap(Map.Entry::getKey,
              Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new))) + ".");
      details.add("Status fields the domains' updates changed across the restart (field: times): "
          + (statusChanges.changes().isEmpty() ? "none" : statusChanges.changes().entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("; ")))
          + "; updates that changed nothing in the status: " + statusChanges.updatesWithoutStatusChange() + ".");
    }
    details.add(String.format("Operator memory after converging: resident %s; heap used %s of %s committed; "
        + "non-heap used %s; %d live threads.", OperatorFootprint.mib(footprint.residentBytes()),
        OperatorFootprint.mib(footprint.heapUsedBytes()),
        OperatorFootprint.mib(footprint.heapCommittedBytes()),
        OperatorFootprint.mib((long) metrics.sum("jvm_memory_used_bytes", "area", "nonheap")),
        (long) metrics.series().stream().filter(x -> x.name().equals("jvm_threads_live_threads"))
            .mapToDouble(PrometheusText.Series::value).sum()));
    details.add("Live heap after converging: " + OperatorFootprint.mib(HeapHistogram.liveBytes(
        lab.workDir().resolve("heap-histogram.txt"))) + ". By class (the 12 largest; instances, bytes, class; all in "
        + "heap-histogram.txt): " + String.join("; ", heapTop) + ".");
    details.add("Top metric names by series about domains: " + format(series.topNames()) + ".");
    details.add("Operator JVM options: " + ChartJvm.described(repo, jvm) + "; writes counted from the API server's audit"
        + " log, requests of " + rbac.user() + " only.");
    return operator;
  }

  private void measureBound(Lab lab, KubernetesClient client, BenchDomains domains) throws Exception {
    log("measuring the API server's bound: " + storedDomains.size() + " domains serially, " + children.size()
        + " objects by " + ApiServerBound.CLIENTS + " server-side-apply clients");
    ApiServerBound.Result bound = ApiServerBound.measure(client, lab.controlPlane().kubeconfig(), storedDomains,
        children);
    String measured = seconds(bound.total()) + " (domains " + seconds(bound.domains()) + ", objects "
        + seconds(bound.children()) + (bound.failures() > 0 ? ", " + bound.failures() + " failed" : "") + ")";
    List<Figure> rows = new java.util.ArrayList<>();
    rows.add(new Figure("the API server's bound: " + bound.domainCount() + " domains created serially + "
        + bound.childCount() + " objects applied by " + ApiServerBound.CLIENTS + " clients", measured, "", null));
    if (convergence != null) {
      double ratio = convergence.toMillis() / (double) Math.max(1, bound.total().toMillis());
      rows.add(new Figure("convergence / the API server's bound", String.format("%.1f x", ratio), "<= 1.3 x",
          ratio <= 1.3));
    } else {
      rows.add(new Figure("convergence / the API server's bound", "not converged", "<= 1.3 x", false));
    }
    // Below the convergence time, the table's first row.
    table.insertAfter(0, rows);
  }

  private static String format(Map<String, Long> counts) {
    return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
  }

  static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }

  private static void log(String message) {
    System.out.println("[bench] " + message);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
