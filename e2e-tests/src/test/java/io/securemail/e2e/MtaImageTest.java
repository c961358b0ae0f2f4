package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.securemail.lab.Lab;
import io.securemail.lab.support.LabPki;
import io.securemail.lab.support.VolumeDirectory;
import com.github.dockerjava.api.command.InspectContainerResponse;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.securemail.operator.api.InboundRoute;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.mta.MtaManifests;
import io.securemail.operator.mta.MtaSettings;
import io.securemail.operator.mta.PostfixConfig;
import io.securemail.operator.mta.PostfixLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.GenericContainer;

/**
 * The MTA image the lab builds, run the way the operator's Pod runs its postfix container (see
 * {@link MtaContainers}): the user, capabilities, read-only root, environment, DNS and mounts are
 * read from the StatefulSet {@link MtaManifests} renders, the configuration directory holds the
 * ConfigMap it renders, and the TLS directory is laid out as the kubelet mounts a Secret. A Pod's
 * emptyDirs and its queue volume are host directories here, as on a node. The MTA must greet and
 * take mail over STARTTLS with the mounted certificate, serve TLS 1.3 with the bsi-tr-03108 suites
 * only, serve a replaced Secret without a restart, apply a route added to the ConfigMap by reload,
 * and stop cleanly on SIGTERM with the mail it holds still on the queue volume. What each of the
 * Pod's capabilities is for is shown by {@link MtaCapabilitiesTest}.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MtaImageTest {

  static final String DOMAIN = "image.test";

  static PodSpec pod;
  static MtaSettings settings;
  static MtaContainers.Volumes volumes;
  static VolumeDirectory tls;
  static Path queue;
  static GenericContainer<?> postfix;
  static X509Certificate ca;
  static KeyPair caKey;
  static X509Certificate first;

  @BeforeAll
  static void start(Lab lab) throws Exception {
    SecureMailDomain domain = domain();
    settings = MtaContainers.settings(lab);
    pod = MtaContainers.pod(domain, settings);
    volumes = MtaContainers.Volumes.in(MtaContainers.workDir("mta-image"));
    volumes.config().writeText(MtaManifests.configMap(domain, settings).getData());
    tls = volumes.tls();
    caKey = LabPki.generateEcdsa();
    ca = LabPki.selfSignedCa(caKey, "MTA image test CA", Duration.ofDays(2));
    first = serve("first");
    // A fresh PersistentVolume: an empty directory of root's; Postfix makes the queue in it.
    queue = volumes.queue();

    postfix = MtaContainers.postfix(pod, MtaContainers.capabilities(pod), volumes)
        .withExposedPorts(PostfixLayout.SMTP_PORT)
        .waitingFor(MtaContainers.daemonStarted());
    assertThat(MtaContainers.postfixSpec(pod).getSecurityContext().getCapabilities().getDrop())
        .as("the Pod's postfix container").containsExactly("ALL");
    postfix.start();
  }

  @AfterAll
  static void stop() {
    if (postfix != null) {
      postfix.stop();
    }
  }

  @Test
  @Order(1)
  void greetsAndTakesMailOverStartTlsWithTheMountedCertificate() throws Exception {
    assertThat(greeting()).startsWith("220 " + PostfixConfig.hostname(domain().getSpec()) + " ESMTP");
    Mtas.Handshake handshake = Mtas.startTls(postfix.getHost(), port());
    assertThat(handshake.certificate()).isEqualTo(first);
    assertThat(handshake.protocol()).isIn("TLSv1.2", "TLSv1.3");
    // Queued for the mail store, which is down: it stays in the queue (see the last test). Port 25
    // would defer it (450): the store, never reached, has confirmed no address (recipient
    // verification). Postfix's sendmail in the container queues it without that check.
    var queued = postfix.execInContainer("sh", "-c", "printf 'Subject: through the image\\n\\nheld\\n' | sendmail -C "
        + PostfixLayout.POD_CONFIG_DIR + " -f sender@example.net someone@" + DOMAIN);
    assertThat(queued.getExitCode()).as("sendmail: " + queued.getStdout() + queued.getStderr()).isZero();
  }

  /**
   * The domain's profile is bsi-tr-03108: TLS 1.3 with TR-02102-2 Table 11's suites only. Postfix
   * has them from the openssl.cnf of the mounted configuration; without it the image's OpenSSL
   * would also serve ChaCha20-Poly1305. A client offering only ChaCha20-Poly1305 (which this
   * client can speak) gets no session; one offering only AES-GCM does.
   */
  @Test
  @Order(2)
  void tls13IsServedWithTheBsiSuitesOnly() throws Exception {
    assertThat(domain().getSpec().getMta().getTlsProfile()).isEqualTo(MtaSpec.TlsProfile.BSI_TR_03108);
    for (String suite : List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384")) {
      Mtas.Handshake handshake = Mtas.startTls(postfix.getHost(), port(), "TLSv1.3", List.of(suite));
      assertThat(handshake.protocol()).isEqualTo("TLSv1.3");
      assertThat(handshake.cipher()).isEqualTo(suite);
    }
    String chacha = "TLS_CHACHA20_POLY1305_SHA256";
    assertThat(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites())
        .as("the client can offer it, so a refusal is the server's").contains(chacha);
    assertThatThrownBy(() -> Mtas.startTls(postfix.getHost(), port(), "TLSv1.3", List.of(chacha)))
        .as("a TLS 1.3 handshake offering only " + chacha).isInstanceOf(SSLHandshakeException.class);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(postfix.getLogs()).contains("no shared cipher"));
  }

  @Test
  @Order(3)
  void aReplacedSecretIsServedWithoutARestart() throws Exception {
    long master = masterPid();
    InspectContainerResponse before = inspect();
    X509Certificate second = serve("second");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> second.equals(Mtas.startTls(postfix.getHost(), port()).certificate()));
    InspectContainerResponse after = inspect();
    assertThat(after.getState().getStartedAt()).as("the same container, never restarted")
        .isEqualTo(before.getState().getStartedAt());
    assertThat(after.getRestartCount()).isZero();
    assertThat(masterPid()).as("Postfix's master (reloaded, not restarted)").isEqualTo(master);
    assertThat(postfix.getLogs()).contains("securemail-mta: reload: " + PostfixLayout.POD_TLS_DIR + " was updated")
        .contains("postfix/master[" + master + "]: reload");
  }

  /**
   * A route added to spec.mta.inbound.routes (a domain attached to the fleet): the ConfigMap
   * changes, the StatefulSet does not (no rollout); the kubelet's {@code ..data} swap of the
   * configuration volume makes the entrypoint reload Postfix, whose port 25 then relays the routed
   * domain. Same container, same master process, the queued message still on the queue volume.
   */
  @Test
  @Order(4)
  void aRouteAddedByAConfigMapSwapIsAppliedByReloadWithoutARestart() throws Exception {
    String routedDomain = "routed." + DOMAIN;
    SecureMailDomain routed = domain();
    routed.getSpec().getMta().getInbound().setRoutes(new java.util.ArrayList<>(List.of(
        new InboundRoute(routedDomain, "smtp:[127.0.0.1]:2541", MtaSpec.HopTls.ENCRYPT))));
    var before = MtaManifests.configMap(domain(), settings);
    var after = MtaManifests.configMap(routed, settings);
    assertThat(after.getData()).isNotEqualTo(before.getData());
    assertThat(MtaManifests.statefulSet(routed, settings, MtaManifests.configHash(after)))
        .as("the StatefulSet with the route: unchanged, so the Pods are not rolled")
        .isEqualTo(MtaManifests.statefulSet(domain(), settings, MtaManifests.configHash(before)));

    var unrouted = Mtas.swaks(postfix.getHost(), port(), "alice@sender.example", "bob@" + routedDomain,
        Mtas.uniqueSubject("before the route"));
    assertThat(unrouted.output()).as("swaks transcript").containsPattern("<[~*]\\* +554 5\\.7\\.1 .*Relay access denied");

    long master = masterPid();
    InspectContainerResponse started = inspect();
    // By queue id: the queue manager a reload starts may move a message between queue directories.
    List<String> queuedBefore = queueIds();
    String reloaded = "postfix/master[" + master + "]: reload";
    long reloadsBefore = postfix.getLogs().lines().filter(l -> l.contains(reloaded)).count();
    volumes.config().writeText(after.getData());
    await("the entrypoint to reload Postfix after the configuration swap").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> postfix.getLogs().lines().filter(l -> l.contains(reloaded)).count() > reloadsBefore);
    assertThat(postfix.getLogs()).contains("securemail-mta: reload: " + PostfixLayout.POD_CONFIG_DIR + " was updated");
    assertThat(masterPid()).as("Postfix's master (reloaded, not restarted)").isEqualTo(master);
    assertThat(inspect().getState().getStartedAt()).isEqualTo(started.getState().getStartedAt());
    assertThat(inspect().getRestartCount()).isZero();
    assertThat(queuedBefore).as("the message queued by the first test").isNotEmpty();
    assertThat(queueIds()).as("the queued message, through the table change").isEqualTo(queuedBefore);

    // Now relayed: its next hop (nothing listens there) is asked about bob, cannot answer, and the
    // sender is told to retry, where before the route it was refused for good.
    var routedNow = Mtas.swaks(postfix.getHost(), port(), "alice@sender.example", "bob@" + routedDomain,
        Mtas.uniqueSubject("after the route"));
    assertThat(routedNow.output()).as("swaks transcript").containsPattern("<[~*]\\* +450 4\\.\\d\\.\\d <bob@"
        + java.util.regex.Pattern.quote(routedDomain) + ">: Recipient address rejected");
  }

  @Test
  @Order(5)
  void sigtermStopsPostfixCleanlyWithinTheGracePeriodAndKeepsTheQueue() throws Exception {
    long grace = pod.getTerminationGracePeriodSeconds();
    Instant asked = Instant.now();
    // docker stop: SIGTERM to the entrypoint (the image's stop signal), SIGKILL after the grace period.
    postfix.getDockerClient().stopContainerCmd(postfix.getContainerId()).withTimeout((int) grace).exec();
    Duration took = Duration.between(asked, Instant.now());
    InspectContainerResponse.ContainerState state = inspect().getState();
    assertThat(state.getRunning()).isFalse();
    assertThat(state.getOOMKilled()).isFalse();
    assertThat(state.getExitCodeLong()).as("exit status; log:\n" + postfix.getLogs()).isZero();
    assertThat(took).as("well within the grace period, not killed at its end")
        .isLessThan(Duration.ofSeconds(grace / 2));
    assertThat(postfix.getLogs()).contains("stopping the Postfix mail system")
        .contains("securemail-mta: Postfix stopped");
    assertThat(queuedMessages()).as("the message for the unreachable mail store, on the queue volume").isNotEmpty();
  }

  // --- the domain and its Secret ---

  static SecureMailDomain domain() {
    // The mail store is down (nothing listens on the Pod's port 24): mail for the domain stays queued.
    SecureMailDomain domain = new SecureMailDomain();
    domain.setMetadata(new ObjectMetaBuilder().withName("image-test").withNamespace("mail").withUid("uid-image-test")
        .build());
    domain.setSpec(Mtas.spec(DOMAIN, "lmtp:[127.0.0.1]:24"));
    return domain;
  }

  /** A new certificate from the test CA for the MX host, written as a new version of the Secret. */
  static X509Certificate serve(String label) throws IOException {
    KeyPair key = LabPki.generateEcdsa();
    String host = "mx." + DOMAIN;
    Instant now = Instant.now();
    X509Certificate certificate = LabPki.signServer(key.getPublic(), label + " " + host, List.of(host),
        now.minusSeconds(60), now.plus(Duration.ofDays(1)), ca, caKey.getPrivate());
    tls.writeText(Map.of("tls.crt", LabPki.certificatePem(certificate) + LabPki.certificatePem(ca),
        "tls.key", LabPki.privateKeyPem(key.getPrivate(), true)));
    return certificate;
  }

  // --- what the container shows ---

  static int port() {
    return postfix.getMappedPort(PostfixLayout.SMTP_PORT);
  }

  static InspectContainerResponse inspect() {
    return MtaContainers.inspect(postfix);
  }

  /** The master's pid (in the container), from the queue volume: Postfix writes it to pid/master.pid. */
  static long masterPid() throws IOException {
    return Long.parseLong(Files.readString(queue.resolve("pid/master.pid")).trim());
  }

  /** Queue files of messages not yet delivered, as the volume holds them. */
  static List<Path> queuedMessages() throws IOException {
    List<Path> files = new java.util.ArrayList<>();
    for (String sub : List.of("maildrop", "incoming", "active", "deferred", "hold")) {
      Path dir = queue.resolve(sub);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> walk = Files.walk(dir)) {
          walk.filter(Files::isRegularFile).forEach(files::add);
        }
      }
    }
    return files;
  }

  static List<String> queueIds() throws IOException {
    return queuedMessages().stream().map(p -> p.getFileName().toString()).sorted().toList();
  }

  static String greeting() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(postfix.getHost(), port()), 2000);
      socket.setSoTimeout(10_000);
      String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      return String.valueOf(line);
    }
  }
}
