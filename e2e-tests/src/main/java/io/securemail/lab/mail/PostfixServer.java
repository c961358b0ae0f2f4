package io.securemail.lab.mail;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.support.LabPki;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.mta.PostfixConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * One real Postfix (Debian's 3.7) playing the lab's MX hosts: an smtpd on port 25 of each address
 * in {@link #ADDRESSES}, each serving its own certificate over STARTTLS (TLS 1.2 and newer). Every
 * address starts with a throwaway self-signed certificate; {@link #mount} makes one serve the
 * certificate in a Kubernetes Secret, as a kubelet mounting that Secret into a mail server's Pod
 * would. Mail from loopback is accepted and discarded. {@link #setListenerTls} gives one listener
 * other TLS settings, among them deliberate misconfigurations (no STARTTLS, TLS 1.0, CBC suites,
 * static RSA key exchange).
 *
 * <p>Config, queue, data, certificates and log live in one directory. Postfix runs as a child of
 * this JVM ({@code postfix -c DIR start-fg}), logging to its stdout, and is stopped by its own
 * means ({@code postfix stop}) and pid at the end. Needs root (port 25) and the postfix package.
 *
 * <p>What it takes to run Postfix 3.7 from a private directory, as verified on Debian 12:
 * <ul>
 *   <li>No {@code /etc/postfix/main.cf} is needed, and none is touched: as root, {@code postfix -c
 *       DIR} does not ask the default main.cf to list DIR in {@code alternate_config_directories}
 *       (that check guards the set-gid submission programs, which the lab does not use).
 *   <li>{@code maillog_file = /dev/stdout} needs the {@code postlog} service in master.cf, else the
 *       start-up check fails; its messages, like all of Postfix's errors without a log, go to
 *       syslog, which is absent here, so a failing start is silent apart from the exit code.
 *   <li>{@code inet_interfaces} must name addresses the kernel lists on an interface; 127.0.1.x is
 *       routed to loopback without being listed, so the listeners are named in master.cf instead
 *       and inet_interfaces stays {@code loopback-only}.
 *   <li>{@code start-fg} creates the missing queue directories itself; the data directory must be
 *       owned by the {@code postfix} user.
 * </ul>
 *
 * <p>On certificate changes: smtpd reads its certificate and key when a process starts, and idle
 * smtpd processes are reused for new connections for up to {@code max_idle} (100 s). {@code postfix
 * reload} (SIGHUP to the master) makes the master retire every process of the old generation at
 * once, while it keeps the listening sockets open, so the very next connection is served by a new
 * process with the new files and no connection is refused meanwhile. The certificate and key are
 * swapped together by replacing a symbolic link to a directory holding both, so no process can
 * read a new certificate with an old key. TLS session resumption is off
 * ({@code smtpd_tls_session_cache_timeout = 0} disables the cache and session tickets), so every
 * handshake presents the certificate now configured.
 */
public final class PostfixServer implements AutoCloseable {

  /** The lab's one IPv6 MX address. */
  public static final String IPV6_ADDRESS = "::1";

  /**
   * The lab's MX addresses, 127.0.1.1 to 127.0.1.10 and the IPv6 loopback ::1 (for an MX host
   * reachable only over IPv6; it is on {@code lo} wherever IPv6 is enabled), each with its own
   * certificate.
   */
  public static final List<String> ADDRESSES = Stream.concat(
      IntStream.rangeClosed(1, 10).mapToObj(i -> "127.0.1." + i), Stream.of(IPV6_ADDRESS)).toList();

  public static final int PORT = 25;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(15);

  private final List<String> addresses;
  private final Path dir;
  private final Path configDir;
  private final Path tlsDir;
  private final Path postfix;
  private final Map<String, KeyPair> throwawayKeys = new HashMap<>();
  private final Map<String, X509Certificate> throwawayCertificates = new HashMap<>();
  private final Map<String, MxMount> mounts = new HashMap<>();
  private final Map<String, Integer> generations = new HashMap<>();
  private final Map<String, ListenerTls> listenerTls = new HashMap<>();
  private ManagedProcess process;

  private PostfixServer(Path dir, Path postfix, List<String> addresses) {
    this.addresses = List.copyOf(addresses);
    this.dir = dir;
    this.configDir = dir.resolve("etc");
    this.tlsDir = dir.resolve("tls");
    this.postfix = postfix;
  }

  /** Writes the configuration, gives every address its throwaway certificate, starts Postfix. */
  public static PostfixServer start(Path dir) throws IOException {
    return start(dir, ADDRESSES, List.of());
  }

  /**
   * One listener of {@link #start(Path, List, List)}: the certificate (PEM, leaf first) and key
   * (PEM) it serves from the start, and its TLS settings.
   */
  public record Listener(String address, ListenerTls tls, String certificatePem, String privateKeyPem) {}

  /**
   * Postfix on port 25 of each of {@code addresses} (loopback addresses, not those of another
   * running lab), each with its throwaway certificate unless {@code listeners} names it: then with
   * that certificate and those TLS settings from the first connection on. For benchmarks that need
   * more MX hosts than {@link #ADDRESSES}.
   */
  public static PostfixServer start(Path dir, List<String> addresses, List<Listener> listeners) throws IOException {
    Path postfix = requirePostfix();
    Path absolute = dir.toAbsolutePath();
    PostfixServer server = new PostfixServer(absolute, postfix, addresses);
    server.prepare(listeners);
    server.startMaster();
    System.out.printf("[lab] Postfix up on %s port %d (config %s)%n", addresses.size() > 12
        ? addresses.size() + " addresses " + addresses.get(0) + " to " + addresses.get(addresses.size() - 1)
        : String.join(", ", addresses), PORT, server.configDir);
    return server;
  }

  private static Path requirePostfix() throws IOException {
    Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (!Integer.valueOf(0).equals(uid)) {
      throw new IllegalStateException("the lab's Postfix needs root (port 25 on 127.0.1.x); running as uid " + uid);
    }
    return Stream.of("/usr/sbin/postfix", "/sbin/postfix").map(Path::of).filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new IllegalStateException("program postfix not found (Debian package postfix). "
            + "Run e2e-tests/lab/provision.sh as root once."));
  }

  private void prepare(List<Listener> listeners) throws IOException {
    for (Path sub : List.of(configDir, dir.resolve("queue"), dir.resolve("data"), tlsDir.resolve("store"))) {
      Files.createDirectories(sub);
    }
    requireSearchableByPostfix(dir);
    // Postfix's daemons write their data (TLS PRNG seed, caches) there as the postfix user.
    var lookup = dir.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(dir.resolve("data"), lookup.lookupPrincipalByName("postfix"));
    for (String address : addresses) {
      KeyPair key = LabPki.generateEcdsa();
      throwawayKeys.put(address, key);
      throwawayCertificates.put(address, LabPki.selfSignedServer(key, "throwaway-" + address + ".lab.invalid",
          List.of(), Duration.ofDays(30)));
      install(address, LabPki.certificatePem(throwawayCertificates.get(address)),
          LabPki.privateKeyPem(key.getPrivate(), true));
    }
    for (Listener listener : listeners) {
      requireAddress(listener.address());
      install(listener.address(), listener.certificatePem(), listener.privateKeyPem());
      if (listener.tls() != ListenerTls.LAB_DEFAULT) {
        listenerTls.put(listener.address(), listener.tls());
      }
    }
    Files.writeString(configDir.resolve("main.cf"), mainCf());
    io.securemail.operator.api.MtaSpec bsi = new io.securemail.operator.api.MtaSpec();
    bsi.setTlsProfile(io.securemail.operator.api.MtaSpec.TlsProfile.BSI_TR_03108);
    Files.writeString(configDir.resolve(ListenerTls.TR02102_CNF),
        io.securemail.operator.mta.PostfixConfig.opensslCnf(bsi));
    Files.writeString(configDir.resolve("master.cf"), masterCf());
  }

  /**
   * Postfix's daemons run as the postfix user and change into the queue and data directories, so
   * every directory above them must be searchable by others. A private temporary directory (mode
   * 0700, as made for a local lab) gets that search permission, nothing more; anywhere else the
   * lab says what to change rather than touching the machine.
   */
  static void requireSearchableByPostfix(Path dir) throws IOException {
    Path temp = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
    for (Path p = dir.toRealPath(); p != null; p = p.getParent()) {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(p);
      if (permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        continue;
      }
      if (p.startsWith(temp) && !p.equals(temp)) {
        permissions.add(PosixFilePermission.OTHERS_EXECUTE);
        Files.setPosixFilePermissions(p, permissions);
      } else {
        throw new IllegalStateException("Postfix's daemons (user postfix) cannot enter " + p + ", which the lab's "
            + "directory " + dir + " is under: allow it (chmod o+x " + p + ") or use another work directory");
      }
    }
  }

  private String mainCf() {
    return """
        # Written by the lab (io.securemail.lab.mail.PostfixServer): the lab's MX hosts on 127.0.1.x.
        compatibility_level = 3.6
        queue_directory = %1$s/queue
        data_directory = %1$s/data
        # The process log of the lab (postfix.log), through the postlog service in master.cf.
        maillog_file = /dev/stdout
        # The listeners are named in master.cf; see the class comment.
        inet_interfaces = loopback-only
        myhostname = mx.lab.invalid
        # A sink: mail from loopback to any address is accepted and discarded, nothing is delivered.
        mydestination =
        alias_maps =
        alias_database =
        mynetworks = 127.0.0.0/8
        smtpd_relay_restrictions = permit_mynetworks, reject
        default_transport = discard:lab sink
        relay_transport = discard:lab sink
        biff = no
        # Opportunistic STARTTLS, TLS 1.2 and newer. The certificate and key are set per listener.
        smtpd_tls_security_level = may
        smtpd_tls_protocols = >=TLSv1.2
        smtpd_tls_mandatory_protocols = >=TLSv1.2
        smtpd_tls_loglevel = 1
        # No session cache and no session tickets: every handshake presents the current certificate.
        smtpd_tls_session_cache_timeout = 0
        """.formatted(dir);
  }

  private String masterCf() {
    StringBuilder out = new StringBuilder("""
        # Written by the lab (io.securemail.lab.mail.PostfixServer). Nothing is chrooted: the lab's
        # directory is not laid out for it.
        # service type  private unpriv  chroot  wakeup  maxproc command + args
        """);
    for (String address : addresses) {
      // An IPv6 address is bracketed in a service name (master(5)).
      out.append(String.format("%s:%d inet n - n - - smtpd%n  -o { smtpd_tls_cert_file = %s }%n"
          + "  -o { smtpd_tls_key_file = %s }%n", address.contains(":") ? "[" + address + "]" : address, PORT,
          certificateFile(address), keyFile(address)));
      listenerTls.getOrDefault(address, ListenerTls.LAB_DEFAULT).overrides()
          .forEach((name, value) -> out.append(String.format("  -o { %s = %s }%n", name, value)));
    }
    // Discarding needs the discard service, which the operator's MTA has among its internal ones.
    out.append(PostfixConfig.INTERNAL_SERVICES);
    return out.toString();
  }

  private void startMaster() throws IOException {
    for (String address : addresses) {
      requirePortFree(address);
    }
    process = ManagedProcess.start("postfix", List.of(postfix.toString(), "-c", configDir.toString(), "start-fg"),
        Map.of(), dir.resolve("postfix.log"));
    try {
      process.awaitReady(START_TIMEOUT, () -> addresses.stream().allMatch(PostfixServer::greets));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static void requirePortFree(String address) throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(address), PORT));
    } catch (BindException e) {
      throw new IllegalStateException("Postfix cannot listen on " + address + ":" + PORT
          + ", it is in use (another lab's Postfix still running? see `ss -ltnp`)", e);
    }
  }

  /** Whether an SMTP server answers on the address, port 25, with its 220 greeting. */
  private static boolean greets(String address) {
    return greets(address, PORT);
  }

  /** Whether an SMTP server answers on host:port with its 220 greeting. */
  static boolean greets(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1000);
      socket.setSoTimeout(2000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String line = in.readLine();
      socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      return line != null && line.startsWith("220");
    } catch (IOException e) {
      return false;
    }
  }

  // --- certificates ---

  /**
   * Makes {@code address} serve the Secret's certificate ({@code tls.crt}, with any chain) and key
   * ({@code tls.key}) whenever they change, until the returned mount is closed, which restores the
   * throwaway certificate. Only one mount per address at a time.
   */
  public MxMount mount(KubernetesClient client, String namespace, String secretName, String address) {
    requireAddress(address);
    MxMount mount = new MxMount(this, client, namespace, secretName, address);
    synchronized (this) {
      if (mounts.containsKey(address)) {
        throw new IllegalStateException(address + " already serves the Secret of " + mounts.get(address));
      }
      mounts.put(address, mount);
    }
    // Outside the lock: the informer's first event installs the Secret's pair, which takes it.
    mount.start();
    return mount;
  }

  synchronized void unmounted(MxMount mount) {
    if (mounts.get(mount.address()) == mount) {
      mounts.remove(mount.address());
      serveThrowaway(mount.address());
    }
  }

  /** Serves the address's throwaway self-signed certificate again. */
  public synchronized void serveThrowaway(String address) {
    requireAddress(address);
    serve(address, LabPki.certificatePem(throwawayCertificates.get(address)),
        LabPki.privateKeyPem(throwawayKeys.get(address).getPrivate(), true));
  }

  /** The self-signed certificate the address serves while nothing is mounted there. */
  public X509Certificate throwawayCertificate(String address) {
    requireAddress(address);
    return throwawayCertificates.get(address);
  }

  /**
   * Makes the address serve this certificate (PEM, leaf first, then any chain) and key (PEM) from
   * the next connection on: both files are replaced together, then Postfix reloads.
   */
  public synchronized void serve(String address, String certificatePem, String privateKeyPem) {
    requireAddress(address);
    install(address, certificatePem, privateKeyPem);
    reload();
  }

  // --- TLS settings of one listener (lab faults for the compliance checks) ---

  /**
   * How one listener does STARTTLS, as {@code -o} overrides of main.cf in its master.cf entry.
   * Apart from {@link #LAB_DEFAULT} and {@link #AEAD_ONLY} these are deliberate misconfigurations
   * for checks to find.
   */
  public enum ListenerTls {
    /** main.cf's: STARTTLS, TLS 1.2 and newer, Postfix's default cipher grade ("medium", which has CBC suites). */
    LAB_DEFAULT(Map.of()),
    /**
     * What bsi-tr-03108 asks of an MX: TLS 1.2 and newer, in TLS 1.2 ECDHE with AES-GCM (a subset of
     * TR-02102-2 Table 1), in TLS 1.3 exactly Table 11 (no ChaCha20-Poly1305), through the same
     * OpenSSL configuration the operator renders for its own MTA ({@value #TR02102_CNF}).
     */
    AEAD_ONLY(Map.of("smtpd_tls_ciphers", "high", "tls_high_cipherlist", "ECDHE+AESGCM",
        "tls_config_file", "$config_directory/" + ListenerTls.TR02102_CNF, "tls_config_name", "postfix")),
    /** Fault: no STARTTLS in the EHLO reply, mail travels in the clear. */
    NO_STARTTLS(Map.of("smtpd_tls_security_level", "none")),
    /**
     * Fault: TLS 1.0 and 1.1 accepted besides 1.2 and 1.3. OpenSSL 3 refuses them at its default
     * security level (their handshakes sign with SHA-1 or MD5+SHA-1), hence {@code @SECLEVEL=0} in the cipher list.
     */
    LEGACY_TLS(Map.of("smtpd_tls_protocols", ">=TLSv1", "smtpd_tls_ciphers", "medium",
        "tls_medium_cipherlist", "aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH:@SECLEVEL=0")),
    /**
     * Fault: CBC suites (no AEAD) accepted with TLS 1.2. That is Postfix's default "medium" grade,
     * named here so that a hardened main.cf does not quietly remove the fault.
     */
    CBC_SUITES(Map.of("smtpd_tls_ciphers", "medium")),
    /**
     * Fault: static RSA key exchange (no forward secrecy) accepted besides {@link #AEAD_ONLY}'s
     * suites: TLS_RSA_WITH_AES_128_GCM_SHA256 and TLS_RSA_WITH_AES_256_GCM_SHA384, AEAD suites
     * outside TR-02102-2 Table 1. Needs an RSA certificate to be served.
     */
    RSA_KEY_EXCHANGE(Map.of("smtpd_tls_ciphers", "high", "tls_high_cipherlist", "ECDHE+AESGCM:kRSA+AESGCM",
        "tls_config_file", "$config_directory/" + ListenerTls.TR02102_CNF, "tls_config_name", "postfix"));

    /** The OpenSSL configuration of {@link #AEAD_ONLY}, in the configuration directory. */
    public static final String TR02102_CNF = "openssl-tr02102.cnf";

    private final Map<String, String> overrides;

    ListenerTls(Map<String, String> overrides) {
      this.overrides = Collections.unmodifiableMap(new TreeMap<>(overrides));
    }

    /** The main.cf parameters this setting overrides for the listener, by name. */
    public Map<String, String> overrides() {
      return overrides;
    }
  }

  /**
   * Gives the address's listener these TLS settings from the next connection on (master.cf is
   * rewritten and Postfix reloads). {@link ListenerTls#LAB_DEFAULT} undoes any other.
   */
  public synchronized void setListenerTls(String address, ListenerTls tls) {
    requireAddress(address);
    if (tls == ListenerTls.LAB_DEFAULT) {
      listenerTls.remove(address);
    } else {
      listenerTls.put(address, tls);
    }
    try {
      // Replaced in one rename, never rewritten in place: the master logs "reload" before it reads
      // master.cf, so the previous reload may still be reading it, and a half-written file is fatal
      // to it ("field ...: bad value").
      Path next = configDir.resolve("master.cf.next");
      Files.writeString(next, masterCf());
      Files.move(next, configDir.resolve("master.cf"), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite master.cf", e);
    }
    reload();
  }

  /** The TLS settings the address's listener has now. */
  public synchronized ListenerTls listenerTls(String address) {
    requireAddress(address);
    return listenerTls.getOrDefault(address, ListenerTls.LAB_DEFAULT);
  }

  /** Writes a new generation directory and points the address's link at it, in one rename. */
  private void install(String address, String certificatePem, String privateKeyPem) {
    try {
      int generation = generations.merge(address, 1, Integer::sum);
      Path store = tlsDir.resolve("store");
      Path target = store.resolve(address + "-" + generation);
      Files.createDirectories(target);
      Files.writeString(target.resolve("cert.pem"), certificatePem);
      Path key = target.resolve("key.pem");
      Files.writeString(key, privateKeyPem);
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      Path link = tlsDir.resolve(address);
      Path newLink = tlsDir.resolve(address + ".new");
      Files.deleteIfExists(newLink);
      Files.createSymbolicLink(newLink, tlsDir.relativize(target));
      Files.move(newLink, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      // The generation before the current one may still be open in a retiring process; older ones are not.
      Path stale = store.resolve(address + "-" + (generation - 2));
      if (Files.isDirectory(stale, LinkOption.NOFOLLOW_LINKS)) {
        try (Stream<Path> files = Files.list(stale)) {
          for (Path file : files.toList()) {
            Files.delete(file);
          }
        }
        Files.delete(stale);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install a certificate for " + address, e);
    }
  }

  /**
   * {@code postfix reload}, returning once the master has re-read its configuration (its "reload"
   * log line): from then on every new connection gets a new smtpd process (see the class comment).
   */
  public synchronized void reload() {
    long mark = logSize();
    try {
      ManagedProcess.Completed result = ManagedProcess.run(List.of(postfix.toString(), "-c", configDir.toString(),
          "reload"));
      if (result.exitCode() != 0) {
        throw new IllegalStateException("postfix reload failed (" + result.exitCode() + "): " + result.output()
            + "\n" + process.tail());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
    while (!masterReloadedSince(mark)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Postfix did not reload within " + RELOAD_TIMEOUT + "; log "
            + process.log() + ":\n" + process.tail());
      }
      ManagedProcess.sleep(20);
    }
  }

  private long logSize() {
    try {
      return Files.size(process.log());
    } catch (IOException e) {
      return 0;
    }
  }

  /** Whether the master has logged "reload -- ..." after the given position of the log. */
  private boolean masterReloadedSince(long position) {
    try (var channel = Files.newByteChannel(process.log())) {
      channel.position(position);
      BufferedReader lines = new BufferedReader(java.nio.channels.Channels.newReader(channel, StandardCharsets.ISO_8859_1));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.contains("postfix/master[") && line.contains(": reload -- ")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private void requireAddress(String address) {
    if (!addresses.contains(address)) {
      throw new IllegalArgumentException(address + " is not a lab MX address; they are " + addresses);
    }
  }

  // --- what tests see ---

  public List<String> addresses() {
    return addresses;
  }

  public int port() {
    return PORT;
  }

  /** Postfix's configuration directory (main.cf, master.cf), as in {@code postfix -c DIR}. */
  public Path configDir() {
    return configDir;
  }

  /** The certificate file the address's smtpd reads (leaf first, then any chain). */
  public Path certificateFile(String address) {
    return tlsDir.resolve(address).resolve("cert.pem");
  }

  public Path keyFile(String address) {
    return tlsDir.resolve(address).resolve("key.pem");
  }

  /** Postfix's log (everything it logs, through maillog_file). */
  public Path log() {
    return dir.resolve("postfix.log");
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * The command line for Postfix's own TLS probe with these arguments, for independent verdicts
   * (e.g. {@code postTlsFinger("-c", "-l", "dane", "example.test")}). posttls-finger comes with the
   * postfix package and reads a main.cf, so it is pointed at this instance's ({@code MAIL_CONFIG}).
   */
  public List<String> postTlsFinger(String... arguments) {
    Path program = Stream.of("/usr/sbin/posttls-finger", "/usr/bin/posttls-finger").map(Path::of)
        .filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new IllegalStateException("posttls-finger not found (Debian package postfix)"));
    List<String> command = new ArrayList<>(List.of("/usr/bin/env", "MAIL_CONFIG=" + configDir, program.toString()));
    command.addAll(List.of(arguments));
    return command;
  }

  @Override
  public void close() {
    List<MxMount> open;
    synchronized (this) {
      open = new ArrayList<>(mounts.values());
    }
    for (MxMount mount : open) {
      mount.stopWatching();
    }
    if (process != null) {
      try {
        // Postfix's own stop: the master ends its children and removes its pid file.
        ManagedProcess.run(List.of(postfix.toString(), "-c", configDir.toString(), "stop"));
      } catch (IOException | RuntimeException e) {
        // the pid-based stop below still ends it
      }
      process.close();
      process = null;
    }
  }
}
