package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.securemail.lab.support.LabPki;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.mta.PostfixConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Postfix container's entrypoint (operator/src/main/docker/mta/securemail-mta) for real: it
 * runs a private Postfix on 127.0.4.1:2525 from a directory laid out as the Pod's volumes are,
 * the TLS Secret included ({@code tls.crt -> ..data/tls.crt}, {@code ..data -> ..<version>}). The
 * Secret is then updated the way the kubelet does it (a new version directory, a {@code ..data_tmp}
 * link renamed onto {@code ..data}) and the certificate served over STARTTLS, as OpenSSL's client
 * sees it, must change without a restart: same master process, an open SMTP session kept. The
 * configuration directory is a ConfigMap volume laid out the same way, and a new version of it
 * must be applied by a reload too. Finally SIGTERM must stop Postfix the orderly way. Needs no Kubernetes API and no DNS; needs root,
 * postfix, inotify-tools and openssl.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MtaEntrypointTest {

  static final String ADDRESS = "127.0.4.1";
  static final int PORT = 2525;

  static Path dir;
  static Path configDir;
  static Path tlsDir;
  static ManagedProcess entrypoint;
  static X509Certificate first;

  @BeforeAll
  static void start() throws Exception {
    Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    assertThat(uid).as("the entrypoint starts Postfix's master, which needs root").isEqualTo(0);
    for (String program : List.of("/usr/sbin/postfix", "/usr/bin/inotifywait", "/usr/bin/openssl")) {
      assertThat(Path.of(program)).as("run e2e-tests/lab/provision.sh as root once").isExecutable();
    }
    Path repo = Path.of(System.getProperty("securemail.repo.dir", "..")).toAbsolutePath().normalize();
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    dir = Files.createDirectories(repo.resolve("e2e-tests/target/mta-entrypoint-" + stamp));
    configDir = Files.createDirectories(dir.resolve("postfix"));
    tlsDir = Files.createDirectories(dir.resolve("tls"));
    Files.createDirectories(dir.resolve("queue"));
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.setOwner(data, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postfix"));
    first = certificate("first.mta.lab.invalid");
    assertThat(accepts()).as(ADDRESS + ":" + PORT + " must be free").isFalse();
    configuration("first configuration");
    entrypoint = ManagedProcess.start("securemail-mta", List.of(repo.resolve(
        "operator/src/main/docker/mta/securemail-mta").toString()), Map.of("SECUREMAIL_POSTFIX_CONFIG",
        configDir.toString(), "SECUREMAIL_TLS_DIR", tlsDir.toString()), dir.resolve("securemail-mta.log"));
    entrypoint.awaitReady(Duration.ofSeconds(60), MtaEntrypointTest::greets);
  }

  @AfterAll
  static void stop() {
    if (entrypoint != null) {
      entrypoint.close();
    }
  }

  @Test
  @Order(1)
  void servesTheMountedCertificate() throws Exception {
    assertThat(servedCertificate()).isEqualTo(first);
  }

  @Test
  @Order(2)
  void aSecretUpdateIsServedAfterAReloadWithoutRestartOrDroppedSessions() throws Exception {
    long master = masterPid();
    try (Socket session = new Socket()) {
      // An SMTP session open across the update: a reload must not end it.
      session.connect(new InetSocketAddress(ADDRESS, PORT), 2000);
      session.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(session.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = session.getOutputStream();
      assertThat(in.readLine()).startsWith("220");

      X509Certificate second = certificate("second.mta.lab.invalid");
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
          .until(() -> second.equals(servedCertificate()));

      assertThat(masterPid()).as("Postfix's master (reloaded, not restarted)").isEqualTo(master);
      assertThat(Files.readString(entrypoint.log())).contains("securemail-mta: reload: " + tlsDir)
          .contains("postfix/master[" + master + "]: reload");
      out.write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(in.readLine()).as("the session opened before the reload").startsWith("250");
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Test
  @Order(3)
  void aConfigMapUpdateIsAppliedByAReload() throws Exception {
    long master = masterPid();
    assertThat(greeting()).contains("first configuration");
    configuration("second configuration");
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
        .until(() -> greeting().contains("second configuration"));
    assertThat(masterPid()).isEqualTo(master);
    assertThat(Files.readString(entrypoint.log())).contains("securemail-mta: reload: " + configDir);
  }

  @Test
  @Order(4)
  void sigtermStopsPostfixTheOrderlyWay() throws Exception {
    long master = masterPid();
    // The volume writes of the tests before may still be reloading Postfix; a reload restarts its
    // log daemon, which can lose the stop's own log line. Wait until the log is quiet.
    long[] size = {-1};
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(2)).until(() -> {
      long now = Files.size(entrypoint.log());
      boolean quiet = now == size[0];
      size[0] = now;
      return quiet;
    });
    // With maillog_file, Postfix's programs log through postlogd, which the master starts on demand
    // and which a reload ends. The stop's line is sent to it just before the master is signalled: a
    // postlogd not yet started again would go down with the master, the line unread. A session,
    // once its own line is written, shows that postlogd runs.
    long connects = Files.readString(entrypoint.log()).lines().filter(l -> l.contains("postfix/smtpd[")
        && l.contains(": connect from")).count();
    assertThat(greeting()).startsWith("220");
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> Files.readString(entrypoint.log()).lines().filter(l -> l.contains("postfix/smtpd[")
            && l.contains(": connect from")).count() > connects);
    ProcessHandle.of(entrypoint.pid()).orElseThrow().destroy(); // SIGTERM to the entrypoint alone, as the kubelet sends
    await().atMost(Duration.ofSeconds(30)).until(() -> !entrypoint.isAlive());
    assertThat(ProcessHandle.of(master).map(ProcessHandle::isAlive)).isIn(Optional.empty(), Optional.of(false));
    assertThat(accepts()).isFalse();
    assertThat(Files.readString(entrypoint.log())).contains("stopping the Postfix mail system")
        .contains("securemail-mta: Postfix stopped").doesNotContain("signalling the master");
  }

  @Test
  @Order(5)
  void aReloaderThatEndsStopsPostfixSoTheContainerIsStartedAgain() throws Exception {
    Path repo = Path.of(System.getProperty("securemail.repo.dir", "..")).toAbsolutePath().normalize();
    entrypoint = ManagedProcess.start("securemail-mta", List.of(repo.resolve(
        "operator/src/main/docker/mta/securemail-mta").toString()), Map.of("SECUREMAIL_POSTFIX_CONFIG",
        configDir.toString(), "SECUREMAIL_TLS_DIR", tlsDir.toString()), dir.resolve("securemail-mta-2.log"));
    entrypoint.awaitReady(Duration.ofSeconds(60), MtaEntrypointTest::greets);
    ProcessHandle inotifywait = ProcessHandle.of(entrypoint.pid()).orElseThrow().descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/inotifywait")).orElse(false)).findFirst()
        .orElseThrow(() -> new AssertionError("no inotifywait under the entrypoint"));

    inotifywait.destroyForcibly(); // as when the node's inotify limits end it

    await().atMost(Duration.ofSeconds(30)).until(() -> !entrypoint.isAlive());
    assertThat(entrypoint.exitValue()).as("a failure, so the kubelet starts the container again").hasValue(1);
    assertThat(accepts()).isFalse();
    assertThat(Files.readString(entrypoint.log())).contains("securemail-mta: reloader ended")
        .contains("securemail-mta: Postfix stopped");
  }

  // --- the Secret volume, as the kubelet writes it ---

  /** A new self-signed certificate and its key, written into the TLS Secret volume. */
  static X509Certificate certificate(String name) throws IOException {
    KeyPair key = LabPki.generateEcdsa();
    X509Certificate certificate = LabPki.selfSignedServer(key, name, List.of(name), Duration.ofDays(2));
    writeVolume(tlsDir, Map.of("tls.crt", LabPki.certificatePem(certificate),
        "tls.key", LabPki.privateKeyPem(key.getPrivate(), true)));
    return certificate;
  }

  /** main.cf and master.cf written into the configuration (ConfigMap) volume; the banner names the version. */
  static void configuration(String banner) throws IOException {
    writeVolume(configDir, Map.of("main.cf", mainCf() + "smtpd_banner = $myhostname ESMTP " + banner + "\n",
        "master.cf", masterCf()));
  }

  /**
   * Writes a new version of a Secret or ConfigMap volume as the kubelet does (its "atomic writer"):
   * the files in a fresh hidden directory, a {@code ..data_tmp} link to it renamed onto
   * {@code ..data}, the user-visible files links through {@code ..data}; the previous version is
   * removed afterwards.
   */
  static void writeVolume(Path volume, Map<String, String> files) throws IOException {
    Path data = volume.resolve("..data");
    Path previous = Files.isSymbolicLink(data) ? volume.resolve(Files.readSymbolicLink(data)) : null;
    Path version = Files.createDirectory(volume.resolve("..version-" + System.nanoTime()));
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = version.resolve(file.getKey());
      Files.writeString(path, file.getValue(), StandardCharsets.US_ASCII);
      // As a Secret's defaultMode would make them: keys for root only, the rest readable (0644 is the default).
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(file.getKey().endsWith(".key") ? "rw-------"
          : "rw-r--r--"));
    }
    Path tmp = volume.resolve("..data_tmp");
    Files.createSymbolicLink(tmp, version.getFileName());
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String file : files.keySet()) {
      if (!Files.exists(volume.resolve(file), LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(volume.resolve(file), Path.of("..data", file));
      }
    }
    if (previous != null) {
      try (var old = Files.list(previous)) {
        for (Path f : old.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(previous);
    }
  }

  // --- Postfix ---

  static String mainCf() {
    return """
        # A private Postfix for the entrypoint test: accepts mail from loopback and discards it.
        compatibility_level = 3.6
        queue_directory = %1$s/queue
        data_directory = %1$s/data
        maillog_file = /dev/stdout
        inet_interfaces = loopback-only
        mydestination =
        alias_maps =
        alias_database =
        local_recipient_maps =
        mynetworks = 127.0.0.0/8
        smtpd_relay_restrictions = permit_mynetworks, reject
        default_transport = discard:test
        local_transport = discard:test
        relay_transport = discard:test
        biff = no
        smtpd_tls_security_level = may
        smtpd_tls_cert_file = %2$s/tls.crt
        smtpd_tls_key_file = %2$s/tls.key
        # Every handshake shows the certificate configured now (no session resumption).
        smtpd_tls_session_cache_timeout = 0
        """.formatted(dir, tlsDir);
  }

  static String masterCf() {
    return """
        # The listener on the test's own address; nothing chrooted.
        %s:%d inet n - n - - smtpd
        """.formatted(ADDRESS, PORT) + PostfixConfig.INTERNAL_SERVICES;
  }

  static long masterPid() throws IOException {
    return Long.parseLong(Files.readString(dir.resolve("queue/pid/master.pid")).trim());
  }

  static boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(ADDRESS, PORT), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The server's 220 greeting line. */
  static String greeting() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(ADDRESS, PORT), 1000);
      socket.setSoTimeout(5000);
      String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      return String.valueOf(line);
    }
  }

  static boolean greets() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(ADDRESS, PORT), 1000);
      socket.setSoTimeout(2000);
      String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      return line != null && line.startsWith("220");
    } catch (IOException e) {
      return false;
    }
  }

  /** The certificate the listener presents after STARTTLS, as OpenSSL's s_client reports it. */
  static X509Certificate servedCertificate() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("openssl", "s_client", "-starttls", "smtp", "-connect", ADDRESS + ":" + PORT)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("openssl s_client did not finish");
    }
    int begin = output.indexOf("-----BEGIN CERTIFICATE-----");
    int end = output.indexOf("-----END CERTIFICATE-----");
    if (begin < 0 || end < 0) {
      throw new IllegalStateException("no certificate from " + ADDRESS + ":" + PORT + ":\n" + output);
    }
    return LabPki.parseCertificates(output.substring(begin, end + "-----END CERTIFICATE-----".length())).get(0);
  }
}
