package io.securemail.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.dns.ZoneUpdates;
import io.securemail.lab.mail.FleetMta;
import io.securemail.lab.mail.MailStoreSink;
import io.securemail.lab.cluster.OperatorProcess;
import io.securemail.operator.api.AttachSpec;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.MailTransport;
import io.securemail.operator.api.MailTransportSpec;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.MtaStsSpec;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.PolicyHostSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.TlsRptSpec;
import io.securemail.operator.api.TransportRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The MX fleet layout of the scale benchmark ({@code -Dbench.layout=transport}): N domains attached
 * to one MailTransport, on the whole lab rather than the control plane alone, since "Ready" needs
 * what the lab has: the lab CA issues every policy host's certificate, Knot takes every record by
 * RFC 2136 and signs it, Unbound validates what the operator observes, nginx serves every policy,
 * and the fleet's MTA is two real Postfixes rendered from the fleet domain's spec (routes included)
 * and reloaded when they change ({@link FleetMta}). The operator runs as in the scale benchmark:
 * the chart's JVM settings and RBAC. Figures: time until every domain is Ready, API writes and
 * DNS updates per domain, operator memory, and how long a domain added to the converged fleet
 * takes to be routable (its route in the fleet MTA's ConfigMap) and Ready.
 */
final class FleetBenchmark {

  static final String PROVIDER_NS = "bench-provider";
  static final String NS = "bench";
  static final String TRANSPORT = "provider";
  static final String PROVIDER_ZONE = "fleet.test";
  static final String ZONE = "fleetbench.test";
  static final List<String> MX_ADDRESSES = List.of("127.0.3.20", "127.0.3.24");
  static final String PROVIDER_POLICY = "127.0.2.1";
  static final String POLICY = "127.0.2.2";
  static final String STORE = "127.0.3.13";
  static final int STORE_PORT = 2610;

  private final int count;
  private final Path repo;
  private final Duration timeout;
  private final ResultTable table;
  private final List<String> details = new ArrayList<>();

  FleetBenchmark(int count, Path repo, Duration timeout) {
    this.count = count;
    this.repo = repo;
    this.timeout = timeout;
    this.table = new ResultTable(count + " domains attached to one MailTransport (two MX hosts), layout transport");
  }

  void run() throws Exception {
    Path work = repo.resolve("e2e-tests/target/benchmark-lab");
    List<ProcessHandle> leftBehind = FleetMta.leftBehind(work.resolve("fleet"));
    ScaleBenchmark.deleteTree(work);
    Files.createDirectories(work);
    List<String> jvm = ChartJvm.optionsWithExtra(repo);
    try (Lab lab = Lab.start(repo, work, Map.of(), Lab.Mode.PROCESSES)) {
      // The lab lock is this run's now: a Postfix of the last run still on the MX addresses was left
      // by a run that was killed.
      FleetMta.stop(leftBehind);
      run(lab, work, jvm);
    }
    table.publish("MX fleet benchmark", details, repo, repo.resolve("e2e-tests/target/benchmark.md"));
  }

  private void run(Lab lab, Path work, List<String> jvm) throws Exception {
    try (MailStoreSink store = new MailStoreSink("store.fleetbench.test").listen(MailStoreSink.Protocol.LMTP, STORE,
            STORE_PORT)) {
      // The lab's operator gives way to one with the chart's JVM settings, as in the scale benchmark.
      lab.suspendOperator();
      KubernetesClient client = lab.client();
      prepare(lab, client);
      Map<String, String> properties = new HashMap<>();
      properties.put("securemail.dns.resolvers", lab.dns().resolverAddress() + ":" + lab.dns().resolverPort());
      properties.put("securemail.compliance.dnssec", "resolver");
      properties.put("securemail.compliance.ca-file", lab.issuer().caCertificateFile().toString());
      properties.put("securemail.network.allow-private-targets", "true");
      OperatorWrites writes = new OperatorWrites(lab.controlPlane().auditLog(), lab.rbac().user());
      try (OperatorProcess operator = OperatorProcess.start(repo.resolve("operator"), lab.rbac().kubeconfig(),
              work.resolve("operator-bench.log"), properties, jvm, ChartJvm.environment(repo));
          FleetMta fleet = FleetMta.follow(client, PROVIDER_NS, TRANSPORT, MX_ADDRESSES, work.resolve("fleet"),
              lab.issuer().caCertificateFile(), lab.dns().resolvConf());
          DomainWatch watch = DomainWatch.start(client)) {
        measure(lab, client, operator, fleet, watch, writes, jvm);
        details.add("Operator JVM options: " + ChartJvm.described(repo, jvm) + "; writes counted from the API server's "
            + "audit log, requests of " + lab.rbac().user() + " only; DNS updates counted by the lab's Knot.");
      }
    }
  }

  private void prepare(Lab lab, KubernetesClient client) throws Exception {
    for (String namespace : List.of(PROVIDER_NS, NS)) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .serverSideApply();
      client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("tsig")
          .endMetadata().withStringData(Map.of("secret", lab.dns().tsigSecret())).build()).serverSideApply();
    }
    ZoneUpdates.add(lab.dns(), lab.dns().authoritativeAddress(), lab.dns().authoritativePort(), PROVIDER_ZONE,
        List.of("mx1." + PROVIDER_ZONE + ". 300 IN A " + MX_ADDRESSES.get(0),
            "mx2." + PROVIDER_ZONE + ". 300 IN A " + MX_ADDRESSES.get(1)));
    lab.policyServers().mount(client, PROVIDER_NS, PROVIDER_POLICY);
    lab.policyServers().mount(client, NS, POLICY);
  }

  private void measure(Lab lab, KubernetesClient client, OperatorProcess operator, FleetMta fleet, DomainWatch watch,
      OperatorWrites writes, List<String> jvm) throws Exception {
    log("creating the transport and " + count + " domains");
    long dnsBefore = lab.dns().updatesReceived();
    String listVersion = client.genericKubernetesResources("securemail.io/v1alpha1", "SecureMailDomain")
        .inAnyNamespace().list().getMetadata().getResourceVersion();
    StatusChanges statusChanges = new StatusChanges(client, List.of(), listVersion);
    Instant start = Instant.now();
    client.resources(MailTransport.class).resource(transport(lab)).create();
    for (int i = 0; i < count; i++) {
      client.resources(SecureMailDomain.class).resource(domain(lab, name(i))).create();
    }
    log("created in " + ScaleBenchmark.seconds(Duration.between(start, Instant.now())));
    Instant deadline = start.plus(timeout);
    Instant allRouted = null;
    Instant allReady = null;
    int ready = 0;
    Instant lastLog = Instant.now();
    while (Instant.now().isBefore(deadline)) {
      Thread.sleep(2000);
      ready = watch.count(d -> NS.equals(d.getMetadata().getNamespace()) && isReady(d));
      if (allRouted == null && routedCount(client) >= count) {
        allRouted = Instant.now();
        log("every domain routed in the fleet MTA's ConfigMap after "
            + ScaleBenchmark.seconds(Duration.between(start, allRouted)));
      }
      if (ready == count && isFleetReady(client)) {
        allReady = Instant.now();
        break;
      }
      if (Duration.between(lastLog, Instant.now()).toSeconds() >= 15) {
        lastLog = Instant.now();
        log(String.format("%s: %d/%d Ready", ScaleBenchmark.seconds(Duration.between(start, lastLog)), ready, count));
      }
      if (!operator.isAlive()) {
        throw new IllegalStateException("the operator stopped; log " + operator.log() + ":\n" + operator.logTail());
      }
    }
    Instant end = allReady == null ? Instant.now() : allReady;
    statusChanges.close();
    writes.refresh();
    List<ApiWrite> converging = writes.between(start, end.plusMillis(1));
    long dnsUpdates = lab.dns().updatesReceived() - dnsBefore;
    PrometheusText metrics = PrometheusText.parse(operator.metrics());
    OperatorFootprint footprint = OperatorFootprint.of(operator.pid(), metrics);
    OperatorWork work = OperatorWork.of(metrics);
    List<String> nativeMemory = NativeMemory.tracked(jvm) ? NativeMemory.committed(operator.pid(),
        lab.workDir().resolve("native-memory.txt")) : List.of();

    // A domain added to the converged fleet: until its route is in the MTA's ConfigMap, runs in the
    // MTA (reloaded), and until the domain is Ready.
    String added = name(count);
    Instant addedAt = Instant.now();
    client.resources(SecureMailDomain.class).resource(domain(lab, added)).create();
    Duration toConfigMap = null;
    Duration toMta = null;
    Duration toReady = null;
    Instant addDeadline = addedAt.plus(Duration.ofMinutes(3));
    String dnsName = added + "." + ZONE;
    while (Instant.now().isBefore(addDeadline) && (toConfigMap == null || toMta == null || toReady == null)) {
      Thread.sleep(100);
      Duration since = Duration.between(addedAt, Instant.now());
      if (toConfigMap == null && configMapRoutes(client, dnsName)) {
        toConfigMap = since;
      }
      if (toMta == null && fleet.routedDomains().contains(dnsName)) {
        toMta = since;
      }
      if (toReady == null && isReady(client.resources(SecureMailDomain.class).inNamespace(NS).withName(added).get())) {
        toReady = since;
      }
    }

    Path histogram = lab.workDir().resolve("heap-histogram.txt");
    List<String> heapTop = HeapHistogram.top(operator.pid(), histogram, 12);
    long liveHeap = HeapHistogram.liveBytes(histogram);
    long limitMib = ChartJvm.limitMib(repo);

    table.add(new Figure("time until every domain is Ready (and the transport)", allReady == null
        ? "not within " + ScaleBenchmark.seconds(timeout) + " (" + ready + "/" + count + ")"
        : ScaleBenchmark.seconds(Duration.between(start, allReady)), "", null));
    table.add(new Figure("time until every domain is routed (its route in the fleet MTA's ConfigMap)",
        allRouted == null ? "not within " + ScaleBenchmark.seconds(timeout)
            : ScaleBenchmark.seconds(Duration.between(start, allRouted)), "", null));
    table.add(new Figure("API writes per domain until all Ready (" + converging.size() + " in all)",
        String.format("%.2f", (double) converging.size() / count), "", null));
    table.add(new Figure("DNS updates per domain until all Ready (" + dnsUpdates + " in all, the fleet's own included)",
        String.format("%.2f", (double) dnsUpdates / count), "", null));
    table.add(new Figure("operator resident memory (VmRSS) when all Ready", OperatorFootprint.mib(
        footprint.residentBytes()), "<= 256 MiB", footprint.residentBytes() <= 256L << 20));
    table.add(new Figure("operator peak resident memory (VmHWM), against the chart's limit of " + limitMib + " MiB",
        OperatorFootprint.mib(footprint.peakResidentBytes()), "< " + limitMib + " MiB",
        footprint.peakResidentBytes() < limitMib << 20));
    table.add(new Figure("operator JVM heap used when all Ready (of " + OperatorFootprint.mib(
        footprint.heapCommittedBytes()) + " committed)", OperatorFootprint.mib(footprint.heapUsedBytes()),
        "<= 256 MiB", footprint.heapUsedBytes() <= 256L << 20));
    table.add(new Figure("operator live heap after a full collection, at the end", liveHeap < 0 ? "not read"
        : OperatorFootprint.mib(liveHeap), "", null));
    table.add(new Figure("a domain added to the converged fleet: its route in the MTA's ConfigMap", toConfigMap == null
        ? "not within 3 min" : ScaleBenchmark.seconds(toConfigMap), "seconds", toConfigMap != null
        && toConfigMap.toSeconds() < 10));
    table.add(new Figure("... its route in the running MTA (reloaded)", toMta == null ? "not within 3 min"
        : ScaleBenchmark.seconds(toMta), "", null));
    table.add(new Figure("... the domain Ready", toReady == null ? "not within 3 min"
        : ScaleBenchmark.seconds(toReady), "", null));
    Map<String, Long> byTarget = OperatorWrites.countBy(converging, ApiWrite::target);
    details.add("Writes until all Ready, by resource: " + byTarget.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("none") + ".");
    details.add("The operator's work until all Ready: " + work.describe(count) + ".");
    details.add("Status fields changed until all Ready (each update compared with the one before it; "
        + "fields that changed in at most " + count / 10 + " updates left out): " + statusChanges.changes().entrySet()
        .stream().filter(e -> Long.parseLong(e.getValue().split(" ", 2)[0]) > count / 10)
        .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining("; "))
        + "; updates that changed nothing in the status: " + statusChanges.updatesWithoutStatusChange() + ".");
    details.add("The fleet MTA applied route changes by " + fleet.reloads() + " reloads (no restart).");
    if (!nativeMemory.isEmpty()) {
      details.add("Committed memory by the JVM's native memory tracking when all Ready (all in native-memory.txt): "
          + String.join("; ", nativeMemory) + ".");
    }
    details.add("Live heap by class at the end (the 12 largest; instances, bytes, class; all in "
        + "heap-histogram.txt): " + String.join("; ", heapTop) + ".");
  }

  static String name(int i) {
    return String.format("d%05d", i);
  }

  private MailTransport transport(Lab lab) {
    MailTransport transport = new MailTransport();
    transport.getMetadata().setNamespace(PROVIDER_NS);
    transport.getMetadata().setName(TRANSPORT);
    MailTransportSpec spec = new MailTransportSpec();
    spec.setDomain(PROVIDER_ZONE);
    spec.setMx(List.of(new MxHost("mx1." + PROVIDER_ZONE, 10), new MxHost("mx2." + PROVIDER_ZONE, 20)));
    spec.getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    spec.setMtaSts(mtaSts(PROVIDER_POLICY));
    spec.setTlsRpt(new TlsRptSpec(List.of("mailto:tls-reports@" + PROVIDER_ZONE)));
    spec.setDns(lab.dns().rfc2136(PROVIDER_ZONE, "tsig"));
    MtaSpec mta = new MtaSpec();
    mta.getInbound().setDeliverTo("lmtp:[" + STORE + "]:" + STORE_PORT);
    mta.getOutbound().setMtaSts(false);
    spec.setMta(mta);
    AttachSpec attach = new AttachSpec();
    attach.setNamespaces(List.of(NS));
    spec.setAttach(attach);
    transport.setSpec(spec);
    return transport;
  }

  private SecureMailDomain domain(Lab lab, String name) {
    SecureMailDomain smd = new SecureMailDomain();
    smd.getMetadata().setNamespace(NS);
    smd.getMetadata().setName(name);
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    String dnsName = name + "." + ZONE;
    spec.setDomain(dnsName);
    spec.setMx(new ArrayList<>());
    spec.setTransport(new TransportRef(TRANSPORT, PROVIDER_NS));
    spec.getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    spec.setMtaSts(mtaSts(POLICY));
    spec.setTlsRpt(new TlsRptSpec(List.of("mailto:tls-reports@" + dnsName)));
    spec.setDns(lab.dns().rfc2136(ZONE, "tsig"));
    smd.setSpec(spec);
    return smd;
  }

  private static MtaStsSpec mtaSts(String address) {
    MtaStsSpec sts = new MtaStsSpec();
    sts.setMode(MtaStsSpec.Mode.ENFORCE);
    PolicyHostSpec host = new PolicyHostSpec();
    host.setAddresses(List.of(address));
    sts.setPolicyHost(host);
    return sts;
  }

  private static boolean isReady(SecureMailDomain smd) {
    return smd != null && smd.getStatus() != null
        && Objects.equals(smd.getStatus().getObservedGeneration(), smd.getMetadata().getGeneration())
        && smd.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
            && "True".equals(c.getStatus()));
  }

  private static boolean isFleetReady(KubernetesClient client) {
    return isReady(client.resources(SecureMailDomain.class).inNamespace(PROVIDER_NS).withName(TRANSPORT).get());
  }

  /** How many of the benchmark's domains the fleet MTA's ConfigMap names. */
  private int routedCount(KubernetesClient client) {
    String data = configMapText(client);
    int routed = 0;
    for (int i = 0; i < count; i++) {
      if (data.contains(name(i) + "." + ZONE)) {
        routed++;
      }
    }
    return routed;
  }

  private static boolean configMapRoutes(KubernetesClient client, String dnsName) {
    return configMapText(client).contains(dnsName);
  }

  /** Every file of the fleet MTA's ConfigMap ({@code NAME-mta}), concatenated. */
  private static String configMapText(KubernetesClient client) {
    ConfigMap map = client.configMaps().inNamespace(PROVIDER_NS).withName(TRANSPORT + "-mta").get();
    return map == null || map.getData() == null ? "" : String.join("\n", new LinkedHashMap<>(map.getData()).values());
  }

  private static void log(String message) {
    System.out.println("[bench] " + message);
  }
}
