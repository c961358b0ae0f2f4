package io.securemail.lab.mail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.lab.support.VolumeDirectory;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.mta.MtaManifests;
import io.securemail.operator.mta.PostfixConfig;
import io.securemail.operator.mta.PostfixFiles;
import io.securemail.operator.mta.PostfixLayout;
import io.securemail.operator.mta.ReportReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The operator's MTA, run for real: one Postfix (Debian's 3.7) from exactly the main.cf, master.cf
 * and header table {@link PostfixConfig} renders for a SecureMailDomain, with a lab
 * {@link PostfixLayout} instead of the Pod's. Where a Pod has volumes, the lab has directories:
 *
 * <ul>
 *   <li>{@code DIR/etc}: the rendered configuration (the ConfigMap), {@code postfix -c DIR/etc};
 *   <li>{@code DIR/queue}: the queue (the PersistentVolume), kept across {@link #stop()} and
 *       {@link #start()};
 *   <li>{@code DIR/data}: Postfix's data directory, owned by the postfix user;
 *   <li>{@code DIR/tls}: the MX certificate and key as the kubelet mounts the Secret
 *       {@code NAME-mx-tls} ({@code tls.crt}, {@code tls.key}, each a link into {@code ..data},
 *       swapped atomically, see {@link VolumeDirectory}), fed either from the Secret itself
 *       ({@link #mountSecret}) or directly ({@link #serve});
 *   <li>{@code DIR/postfix.log}: everything Postfix logs (maillog_file = /dev/stdout).
 * </ul>
 *
 * <p>It listens on port 25 and, when the spec opens submission, 587 of one address in
 * {@link #ADDRESSES}. Outbound DNS goes to the lab's validating resolver without touching the
 * machine: Postfix starts in a private mount namespace in which the lab's resolv.conf (with
 * {@code trust-ad}, so glibc passes the AD bit DANE depends on) is bind-mounted over
 * {@code /etc/resolv.conf}; every Postfix process inherits that namespace.
 *
 * <p>For the local lab without a node, it also plays the kubelet and the StatefulSet controller for
 * the operator's StatefulSet {@code NAME-mta}: {@link #reportStatefulSetReady} marks it ready once
 * this Postfix greets (with a node, the real ones do). Needs root (port 25, unshare/mount) and the
 * postfix package.
 */
public final class LabMta implements AutoCloseable {

  /**
   * The addresses lab MTAs listen on: 127.0.3.1 to 127.0.3.8 and 127.0.3.20 to 127.0.3.24 (127.0.3.9
   * to 127.0.3.19 are the scenarios' mail stores and destinations).
   */
  public static final List<String> ADDRESSES = IntStream.concat(IntStream.rangeClosed(1, 8),
      IntStream.rangeClosed(20, 24)).mapToObj(i -> "127.0.3." + i).toList();

  public static final int SMTP_PORT = 25;
  public static final int SUBMISSION_PORT = 587;
  /** Where the DANE-first TLS policy daemon of the lab listens (rendered only with outbound.mtaSts). */
  public static final String TLS_POLICY_MAP = "inet:127.0.4.2:8462";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final String address;
  private volatile SecureMailDomainSpec spec;
  private final PostfixLayout layout;
  private final ReportReceiver reportReceiver;
  private volatile PostfixFiles files;
  private final VolumeDirectory tls;
  private final Path resolvConf;
  private final Path postfix;
  private ManagedProcess process;
  private SharedIndexInformer<Secret> secretInformer;
  /** While the mount is paused: the Secret the kubelet stand-in has not written yet, if any. */
  private boolean mountPaused;
  private Secret heldSecret;

  private LabMta(Path dir, String address, SecureMailDomainSpec spec, Path caFile, Path resolvConf, Path postfix,
      String tlsPolicyMap, ReportReceiver reportReceiver) throws IOException {
    this.dir = dir;
    this.address = address;
    this.spec = spec;
    this.resolvConf = resolvConf;
    this.postfix = postfix;
    this.tls = new VolumeDirectory(dir.resolve("tls"), "rw-------");
    this.layout = new PostfixLayout(dir.resolve("etc").toString(), dir.resolve("queue").toString(),
        dir.resolve("data").toString(), tls.dir().resolve("tls.crt").toString(), tls.dir().resolve("tls.key").toString(),
        caFile.toString(), List.of(address + ":" + SMTP_PORT), List.of(address + ":" + SUBMISSION_PORT),
        // The listeners are named in master.cf (127.0.3.x is routed to lo without being listed on
        // it, which inet_interfaces would require); see PostfixServer.
        "loopback-only", tlsPolicyMap);
    this.reportReceiver = reportReceiver;
    this.files = PostfixConfig.render(spec, layout, reportReceiver);
  }

  /**
   * Renders the configuration and prepares the directories; nothing runs yet. Give it a
   * certificate ({@link #serve} or {@link #mountSecret}) before {@link #start()}.
   *
   * @param dir a directory of its own (created)
   * @param address one of {@link #ADDRESSES}
   * @param spec the domain's spec, with spec.mta
   * @param caFile the roots for outbound PKIX (MTA-STS), e.g. the lab CA
   * @param resolvConf the resolv.conf Postfix should see (the lab's validating resolver), or null
   *     for the machine's
   */
  public static LabMta create(Path dir, String address, SecureMailDomainSpec spec, Path caFile, Path resolvConf)
      throws IOException {
    return create(dir, address, spec, caFile, resolvConf, TLS_POLICY_MAP);
  }

  /**
   * As {@link #create(Path, String, SecureMailDomainSpec, Path, Path)}, with the TLS policy
   * socketmap (outbound.mtaSts) at {@code tlsPolicyMap}, e.g. {@code inet:127.0.3.9:8462}.
   */
  public static LabMta create(Path dir, String address, SecureMailDomainSpec spec, Path caFile, Path resolvConf,
      String tlsPolicyMap) throws IOException {
    return create(dir, address, spec, caFile, resolvConf, tlsPolicyMap, null);
  }

  /**
   * As {@link #create(Path, String, SecureMailDomainSpec, Path, Path, String)}, with the operator's
   * TLS report receiver at {@code reportReceiver} (spec.tlsRpt.receive.mail), as the chart's
   * Service makes it known to the operator.
   */
  public static LabMta create(Path dir, String address, SecureMailDomainSpec spec, Path caFile, Path resolvConf,
      String tlsPolicyMap, ReportReceiver reportReceiver) throws IOException {
    if (!ADDRESSES.contains(address)) {
      throw new IllegalArgumentException(address + " is not a lab MTA address; they are " + ADDRESSES);
    }
    Path postfix = Stream.of("/usr/sbin/postfix", "/sbin/postfix").map(Path::of).filter(Files::isExecutable)
        .findFirst().orElseThrow(() -> new IllegalStateException("program postfix not found (Debian package postfix). "
            + "Run e2e-tests/lab/provision.sh as root once."));
    Path absolute = dir.toAbsolutePath();
    Files.createDirectories(absolute);
    LabMta mta = new LabMta(absolute, address, spec, caFile.toAbsolutePath(), resolvConf, postfix, tlsPolicyMap,
        reportReceiver);
    mta.prepare();
    return mta;
  }

  private void prepare() throws IOException {
    for (String sub : List.of("etc", "queue", "data")) {
      Files.createDirectories(dir.resolve(sub));
    }
    PostfixServer.requireSearchableByPostfix(dir);
    Files.setOwner(dir.resolve("data"), dir.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName("postfix"));
    for (Map.Entry<String, String> file : files.byName().entrySet()) {
      Files.writeString(dir.resolve("etc").resolve(file.getKey()), file.getValue());
    }
  }

  /**
   * Plays the operator and the kubelet for a changed spec (e.g. spec.mta.inbound.routes): renders
   * the configuration again, puts each file that changed in place by rename (a reader sees the old
   * file or the new one, never half of one), removes files no longer rendered, then, if Postfix
   * runs, reloads it as the Pod's reloader does after a ConfigMap swap. No restart: the master
   * process and the queue stay.
   */
  public synchronized void reconfigure(SecureMailDomainSpec newSpec) throws IOException {
    PostfixFiles rendered = PostfixConfig.render(newSpec, layout, reportReceiver);
    Path etc = configDir();
    for (Map.Entry<String, String> file : rendered.byName().entrySet()) {
      Path target = etc.resolve(file.getKey());
      Path next = etc.resolve("." + file.getKey() + ".next");
      Files.writeString(next, file.getValue());
      Files.move(next, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    for (String name : files.byName().keySet()) {
      if (!rendered.byName().containsKey(name)) {
        Files.deleteIfExists(etc.resolve(name));
      }
    }
    this.spec = newSpec;
    this.files = rendered;
    if (isRunning()) {
      reload();
    }
  }

  /** The pid of Postfix's master process (its pid file in the queue directory), while it runs. */
  public long masterPid() throws IOException {
    return Long.parseLong(Files.readString(queueDir().resolve("pid").resolve("master.pid")).strip());
  }

  // --- the MX certificate, as a mounted Secret ---

  /**
   * Writes the certificate (PEM, leaf first) and key as a new generation of the mounted volume
   * (one atomic {@code ..data} swap), then, if Postfix runs, reloads it as the Pod's reloader
   * would: new connections get the new pair.
   */
  public synchronized void serve(String certificatePem, String privateKeyPem) {
    try {
      boolean changed = tls.write(Map.of("tls.crt", certificatePem.getBytes(StandardCharsets.US_ASCII),
          "tls.key", privateKeyPem.getBytes(StandardCharsets.US_ASCII)));
      if (changed && isRunning()) {
        reload();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the MX certificate volume " + tls.dir(), e);
    }
  }

  /**
   * Plays the kubelet for the Secret (normally {@code NAME-mx-tls}): its keys are written to the
   * volume directory whenever it changes, as the kubelet does (no check of the content), and
   * Postfix reloads after each change.
   */
  public synchronized void mountSecret(KubernetesClient client, String namespace, String secretName) {
    if (secretInformer != null) {
      throw new IllegalStateException("a Secret is already mounted");
    }
    secretInformer = client.secrets().inNamespace(namespace).withName(secretName).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Secret secret) {
        mounted(secret);
      }

      @Override
      public void onUpdate(Secret oldSecret, Secret secret) {
        mounted(secret);
      }

      @Override
      public void onDelete(Secret secret, boolean deletedFinalStateUnknown) {
        // A running Pod keeps the files of a deleted Secret.
      }
    });
  }

  /**
   * The kubelet stand-in stops writing the mounted Secret until {@link #resumeMount()}: the MTA
   * keeps serving what it has, as a Pod whose volume sync lags does.
   */
  public synchronized void pauseMount() {
    mountPaused = true;
  }

  /** Writes the Secret as it is now, if it changed while paused, and mounts every later change again. */
  public synchronized void resumeMount() {
    mountPaused = false;
    if (heldSecret != null) {
      Secret secret = heldSecret;
      heldSecret = null;
      mounted(secret);
    }
  }

  private synchronized void mounted(Secret secret) {
    if (mountPaused) {
      heldSecret = secret;
      return;
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
    }
    try {
      if (tls.write(data) && isRunning()) {
        reload();
      }
    } catch (IOException | RuntimeException e) {
      System.out.printf("[lab] MTA %s: mounting Secret %s failed: %s%n", address,
          secret.getMetadata().getName(), e);
    }
  }

  /** Whether the mounted volume holds tls.crt (a pod would not start without it). */
  public boolean hasCertificate() {
    return Files.exists(tls.dir().resolve("tls.crt"));
  }

  // --- running ---

  /** Starts Postfix (on the kept queue, if any) and returns once every listener greets. */
  public synchronized LabMta start() throws IOException {
    if (isRunning()) {
      throw new IllegalStateException("the MTA on " + address + " is already running");
    }
    if (!hasCertificate()) {
      throw new IllegalStateException("no MX certificate in " + tls.dir() + ": serve() or mountSecret() first");
    }
    for (String listen : listeners()) {
      requirePortFree(listen);
    }
    String start = postfix + " -c " + configDir() + " start-fg";
    List<String> command = resolvConf == null ? List.of("sh", "-c", "exec " + start)
        : List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
            "mount --bind " + resolvConf + " /etc/resolv.conf && exec " + start);
    process = ManagedProcess.start("postfix (MTA " + address + ")", command, Map.of(), log());
    try {
      process.awaitReady(START_TIMEOUT, () -> listeners().stream().allMatch(LabMta::greets));
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    return this;
  }

  /** {@code postfix stop}: the master finishes its children; the queue stays. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    try {
      ManagedProcess.run(List.of(postfix.toString(), "-c", configDir().toString(), "stop"));
      long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
      while (process.isAlive() && System.nanoTime() < deadline) {
        ManagedProcess.sleep(50);
      }
    } catch (IOException | RuntimeException e) {
      System.out.printf("[lab] MTA %s: postfix stop failed (%s); stopping it by pid%n", address, e);
    } finally {
      process.close();
      process = null;
    }
  }

  /**
   * {@code postfix reload}, returning once the master has re-read its configuration: from then on
   * every new connection is served by a new smtpd process with the files as they are now.
   */
  public synchronized void reload() {
    long mark = logSize();
    ManagedProcess.Completed result = run(postfix.toString(), "-c", configDir().toString(), "reload");
    if (result.exitCode() != 0) {
      throw new IllegalStateException("postfix reload failed (" + result.exitCode() + "): " + result.output()
          + "\n" + process.tail());
    }
    long deadline = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
    while (!logSince(mark).lines().anyMatch(l -> l.contains("postfix/master[") && l.contains(": reload -- "))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Postfix did not reload within " + RELOAD_TIMEOUT + "; log " + log() + ":\n"
            + process.tail());
      }
      ManagedProcess.sleep(20);
    }
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  // --- the queue ---

  /** A message in the queue, as {@code postqueue -j} reports it. */
  public record QueuedMessage(String queueId, String queueName, String sender, List<String> recipients,
      List<String> delayReasons) {}

  /** The queue now ({@code postqueue -c DIR -j}); works while Postfix is stopped too. */
  public List<QueuedMessage> queue() {
    ManagedProcess.Completed result = run("postqueue", "-c", configDir().toString(), "-j");
    if (result.exitCode() != 0) {
      throw new IllegalStateException("postqueue -j failed (" + result.exitCode() + "): " + result.output());
    }
    List<QueuedMessage> queue = new ArrayList<>();
    for (String line : result.output().lines().filter(l -> l.startsWith("{")).toList()) {
      try {
        JsonNode node = JSON.readTree(line);
        List<String> recipients = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (JsonNode recipient : node.path("recipients")) {
          recipients.add(recipient.path("address").asText());
          if (recipient.hasNonNull("delay_reason")) {
            reasons.add(recipient.path("delay_reason").asText());
          }
        }
        queue.add(new QueuedMessage(node.path("queue_id").asText(), node.path("queue_name").asText(),
            node.path("sender").asText(), recipients, reasons));
      } catch (IOException e) {
        throw new IllegalStateException("unreadable postqueue -j line: " + line, e);
      }
    }
    return queue;
  }

  /** {@code postqueue -f}: every deferred message is tried again now. */
  public void flush() {
    ManagedProcess.Completed result = run("postqueue", "-c", configDir().toString(), "-f");
    if (result.exitCode() != 0) {
      throw new IllegalStateException("postqueue -f failed (" + result.exitCode() + "): " + result.output());
    }
  }

  // --- the StatefulSet, as the kubelet and the StatefulSet controller would report it ---

  /**
   * Once this Postfix greets, reports the operator's StatefulSet as rolled out and ready, through
   * the status subresource, as the StatefulSet controller does when every Pod of the current
   * revision is ready: all replica counts = spec.replicas, observedGeneration = generation, and
   * current = update revision.
   *
   * @return the StatefulSet as updated
   */
  public StatefulSet reportStatefulSetReady(KubernetesClient client, String namespace, String name) {
    if (!isRunning() || !listeners().stream().allMatch(LabMta::greets)) {
      throw new IllegalStateException("the MTA on " + address + " does not greet: nothing to report ready");
    }
    var resource = client.apps().statefulSets().inNamespace(namespace).withName(name);
    StatefulSet current = resource.get();
    if (current == null) {
      throw new IllegalStateException("no StatefulSet " + namespace + "/" + name);
    }
    int replicas = Objects.requireNonNullElse(current.getSpec().getReplicas(), 1);
    String revision = name + "-" + Integer.toHexString(Objects.hash(current.getSpec().getTemplate()) & 0x7fffffff);
    return resource.editStatus(sts -> {
      sts.setStatus(new StatefulSetStatusBuilder(sts.getStatus() == null ? new StatefulSetStatusBuilder().build()
          : sts.getStatus())
          .withReplicas(replicas)
          .withReadyReplicas(replicas)
          .withCurrentReplicas(replicas)
          .withUpdatedReplicas(replicas)
          // Dropped by API servers older than 1.22 (the lab's is 1.20), stored by newer ones.
          .withAvailableReplicas(replicas)
          .withObservedGeneration(sts.getMetadata().getGeneration())
          .withCurrentRevision(revision)
          .withUpdateRevision(revision)
          .build());
      return sts;
    });
  }

  // --- what tests see ---

  public String address() {
    return address;
  }

  public SecureMailDomainSpec spec() {
    return spec;
  }

  public PostfixLayout layout() {
    return layout;
  }

  /** The rendered files Postfix runs from. */
  public PostfixFiles files() {
    return files;
  }

  public Path configDir() {
    return dir.resolve("etc");
  }

  public Path queueDir() {
    return dir.resolve("queue");
  }

  /** The directory the MX certificate Secret is "mounted" at. */
  public Path tlsDir() {
    return tls.dir();
  }

  public Path log() {
    return dir.resolve("postfix.log");
  }

  /** The log's size now, a mark for {@link #logSince}. */
  public long logSize() {
    try {
      return Files.exists(log()) ? Files.size(log()) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** What Postfix logged after the mark. */
  public String logSince(long mark) {
    try (var channel = Files.newByteChannel(log())) {
      channel.position(mark);
      return new String(java.nio.channels.Channels.newInputStream(channel).readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }

  /** The log lines after the mark that match the pattern. */
  public List<String> logLines(long mark, Pattern pattern) {
    return logSince(mark).lines().filter(l -> pattern.matcher(l).find()).toList();
  }

  /** The master.cf service names this MTA listens on. */
  public List<String> listeners() {
    List<String> listen = new ArrayList<>(layout.smtpListen());
    if (MtaManifests.submission(spec.getMta())) {
      listen.addAll(layout.submissionListen());
    }
    return listen;
  }

  @Override
  public synchronized void close() {
    if (secretInformer != null) {
      secretInformer.close();
      secretInformer = null;
    }
    stop();
  }

  private static ManagedProcess.Completed run(String... command) {
    try {
      return ManagedProcess.run(List.of(command));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void requirePortFree(String listen) throws IOException {
    int colon = listen.lastIndexOf(':');
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(listen.substring(0, colon)),
          Integer.parseInt(listen.substring(colon + 1))));
    } catch (BindException e) {
      throw new IllegalStateException("the lab MTA cannot listen on " + listen
          + ", it is in use (another lab's Postfix still running? see `ss -ltnp`)", e);
    }
  }

  /** Whether an SMTP server answers on a master.cf listener (host:port) with its 220 greeting. */
  static boolean greets(String listen) {
    int colon = listen.lastIndexOf(':');
    return PostfixServer.greets(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
  }

}
