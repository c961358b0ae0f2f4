package io.securemail.lab.mail;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.api.InboundRoute;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The MTA of a MailTransport's fleet domain, run for real: one {@link LabMta} per MX address, each
 * Postfix rendered from the fleet domain's spec (its routes included) and serving the fleet's
 * serving Secret {@code NAME-mx-tls}. It plays the kubelet and the StatefulSet controller for the
 * StatefulSet {@code NAME-mta}: it starts Postfix once the Secret is issued, re-renders and reloads
 * (never restarts) when the operator changes the spec's routes, as the MTA image does when its
 * ConfigMap changes, and reports the StatefulSet ready once every Postfix greets.
 */
public final class FleetMta implements AutoCloseable {

  private static final long POLL_MILLIS = 500;

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final List<String> addresses;
  private final Path dir;
  private final Path caFile;
  private final Path resolvConf;
  private final List<LabMta> mtas = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread loop;
  private volatile String lastProblem;
  private volatile int reloads;
  /** The fleet domain's spec the Postfixes were last rendered from (JSON). */
  private String lastSpec;

  private FleetMta(KubernetesClient client, String namespace, String name, List<String> addresses, Path dir,
      Path caFile, Path resolvConf) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.addresses = List.copyOf(addresses);
    this.dir = dir;
    this.caFile = caFile;
    this.resolvConf = resolvConf;
    this.loop = new Thread(this::follow, "lab-fleet-mta-" + name);
    loop.setDaemon(true);
  }

  /**
   * Follows the SecureMailDomain {@code namespace/name} (the transport's fleet domain) from now on.
   *
   * @param addresses where the MTA listens, one Postfix each (of {@link LabMta#ADDRESSES})
   */
  public static FleetMta follow(KubernetesClient client, String namespace, String name, List<String> addresses,
      Path dir, Path caFile, Path resolvConf) {
    FleetMta fleet = new FleetMta(client, namespace, name, addresses, dir, caFile, resolvConf);
    fleet.loop.start();
    return fleet;
  }

  private void follow() {
    while (!closed.get()) {
      try {
        step();
        lastProblem = null;
      } catch (RuntimeException | IOException e) {
        if (!String.valueOf(e).equals(lastProblem)) {
          System.out.printf("[lab] fleet MTA %s/%s: %s%n", namespace, name, e);
        }
        lastProblem = String.valueOf(e);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void step() throws IOException {
    if (closed.get()) {
      return;
    }
    SecureMailDomain fleet = client.resources(SecureMailDomain.class).inNamespace(namespace).withName(name).get();
    if (fleet == null || fleet.getSpec() == null || fleet.getSpec().getMta() == null) {
      return;
    }
    SecureMailDomainSpec spec = fleet.getSpec();
    if (mtas.isEmpty()) {
      for (int i = 0; i < addresses.size(); i++) {
        LabMta mta = LabMta.create(dir.resolve("mta-" + i), addresses.get(i), spec, caFile, resolvConf);
        mta.mountSecret(client, namespace, name + "-mx-tls");
        mtas.add(mta);
      }
    }
    String rendered = client.getKubernetesSerialization().asJson(spec);
    boolean changed = !rendered.equals(lastSpec);
    for (LabMta mta : mtas) {
      if (changed && lastSpec != null) {
        mta.reconfigure(spec);
        reloads++;
      }
      if (!mta.isRunning() && mta.hasCertificate()) {
        mta.start();
        System.out.printf("[lab] fleet MTA %s/%s answers on %s:25 (%d routes)%n", namespace, name, mta.address(),
            spec.getMta().getInbound().getRoutes().size());
      }
    }
    lastSpec = rendered;
    StatefulSet set = client.apps().statefulSets().inNamespace(namespace).withName(name + "-mta").get();
    // Ready as a StatefulSet is once every Pod is: every Postfix greets, not only the first one.
    boolean greeting = mtas.stream().allMatch(m -> m.isRunning() && m.listeners().stream().allMatch(LabMta::greets));
    if (set != null && greeting && (set.getStatus() == null || set.getStatus().getObservedGeneration() == null
        || set.getStatus().getObservedGeneration() < set.getMetadata().getGeneration())) {
      mtas.get(0).reportStatefulSetReady(client, namespace, name + "-mta");
    }
  }

  /**
   * The Postfix masters still running from a FleetMta in {@code dir} whose JVM was killed before it
   * could stop them: each master's pid file is in its queue directory. Read before {@code dir} is
   * cleared; stopped by {@link #stop(List)} once the lab lock is held, so that they cannot be
   * another run's.
   */
  public static List<ProcessHandle> leftBehind(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<ProcessHandle> masters = new ArrayList<>();
    try (Stream<Path> mtas = Files.list(dir)) {
      for (Path mta : mtas.toList()) {
        Path pidFile = mta.resolve("queue").resolve("pid").resolve("master.pid");
        String pid = Files.isRegularFile(pidFile) ? Files.readString(pidFile).strip() : "";
        Optional<ProcessHandle> master = pid.matches("[0-9]+") ? ProcessHandle.of(Long.parseLong(pid))
            : Optional.empty();
        master.filter(p -> p.info().command().map(c -> c.endsWith("/master")).orElse(false))
            .ifPresent(masters::add);
      }
    }
    return masters;
  }

  /** Stops Postfix masters (those of {@link #leftBehind}); each finishes its children first. */
  public static void stop(List<ProcessHandle> masters) throws IOException {
    for (ProcessHandle master : masters) {
      ManagedProcess.stopLeftBehind(master, "the fleet Postfix a killed run left behind", Duration.ofSeconds(30));
    }
  }

  /** The routes the running Postfixes were last rendered with, by domain. */
  public synchronized List<String> routedDomains() {
    return mtas.isEmpty() ? List.of() : mtas.get(0).spec().getMta().getInbound().getRoutes().stream()
        .map(InboundRoute::getDomain).toList();
  }

  /** How many times a Postfix was reconfigured for a changed spec (a route added or removed) and reloaded. */
  public int reloads() {
    return reloads;
  }

  /** The Postfixes, one per address (empty until the fleet domain exists). */
  public synchronized List<LabMta> mtas() {
    return List.copyOf(mtas);
  }

  /** Holds the serving Secret's changes back from every Postfix (see {@link LabMta#pauseMount()}). */
  public synchronized void pauseMounts() {
    mtas.forEach(LabMta::pauseMount);
  }

  public synchronized void resumeMounts() {
    mtas.forEach(LabMta::resumeMount);
  }

  @Override
  public void close() {
    closed.set(true);
    loop.interrupt();
    try {
      loop.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      mtas.forEach(LabMta::close);
    }
  }
}
