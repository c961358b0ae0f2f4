package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.securemail.lab.Lab;
import io.securemail.lab.support.LabPki;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.mta.MtaManifests;
import io.securemail.operator.mta.MtaSettings;
import io.securemail.operator.mta.PostfixLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;

/**
 * Why the Pod's postfix container keeps each capability it adds after dropping ALL (see
 * {@code MtaManifests.postfixSecurity()} and docs/mta.md, "Pod security"): the MTA image, run as
 * the Pod runs it ({@link MtaContainers}), is started with the Pod's set minus one capability and
 * the test shows what breaks. That the full set works is {@link MtaImageTest}'s part.
 *
 * <ul>
 *   <li>CHOWN, FOWNER, DAC_OVERRIDE, SETUID, SETGID: on a fresh queue volume (a new Pod's first
 *       start) Postfix's start-up check fails, the entrypoint exits with status 1 and Postfix never
 *       listens. CHOWN and FOWNER serve only to make the queue directories and hand them to the
 *       postfix user: on a queue made before, Postfix starts without them. Without SETUID or SETGID
 *       it never starts; without DAC_OVERRIDE, on a queue made before, it starts but its master
 *       cannot wake pickup and qmgr (public/ is postfix's).
 *   <li>KILL: stopping on SIGTERM does not need it (daemons that miss the master's SIGTERM end with
 *       the container). A reload that removes a service does, as when spec.mta.outbound.allowedNetworks
 *       is emptied and the submission service goes: the master stops the service's processes, which
 *       run as postfix, and waits for them to exit. Without KILL it waits, serving nothing.
 * </ul>
 */
@ExtendWith(LabExtension.class)
class MtaCapabilitiesTest {

  static final String DOMAIN = "capabilities.test";
  /** What Postfix's master logs once it runs. */
  static final String STARTED = "daemon started";

  // --- needed to start ---

  static Stream<Arguments> neededToStart() {
    String queueDir = "'" + PostfixLayout.POD_QUEUE_DIR + "/\\w+'";
    return Stream.of(
        // postfix-script makes the missing queue directories and gives them to the postfix user ...
        arguments("CHOWN", "chown: changing ownership of " + queueDir + ": Operation not permitted"),
        // ... then sets their modes: they are no longer root's.
        arguments("FOWNER", "chmod: changing permissions of " + queueDir + ": Operation not permitted"),
        // Its integrity check, as root, walks the queue directories, which are postfix's, mode 0700.
        arguments("DAC_OVERRIDE", "find: " + queueDir + ": Permission denied"),
        // postsuper, which the check runs as root, drops to the postfix user and group.
        arguments("SETUID", "postsuper: fatal: setuid\\(\\d+\\): Operation not permitted"),
        arguments("SETGID", "postsuper: fatal: setgid\\(\\d+\\): Operation not permitted"));
  }

  @ParameterizedTest(name = "without {0}")
  @MethodSource("neededToStart")
  void postfixDoesNotStartOnAFreshQueueVolumeWithout(String capability, String failure, Lab lab) throws Exception {
    Mta mta = Mta.create(lab, "without-" + capability, submission(false));
    try (GenericContainer<?> postfix = mta.container(without(mta.pod, capability))
        .withStartupCheckStrategy(new Launched())) {
      postfix.start();
      InspectContainerResponse.ContainerState state = MtaContainers.awaitExit(postfix, Duration.ofSeconds(60));
      String log = postfix.getLogs();
      assertThat(log).as("the container's log").containsPattern(failure)
          .contains("fatal: Postfix integrity check failed!")
          .contains("securemail-mta: Postfix exited with status 1")
          .doesNotContain(STARTED);
      assertThat(state.getExitCodeLong()).as("the container's exit status (the Pod's would restart it, and fail again)")
          .isEqualTo(1L);
    }
  }

  // --- KILL ---

  @Test
  void withoutKillAReloadThatRemovesAServiceStallsPostfix(Lab lab) throws Exception {
    Mta mta = Mta.create(lab, "without-KILL-reload", submission(true));
    try (GenericContainer<?> postfix = mta.running(without(mta.pod, "KILL"));
        Session submission = Session.open(postfix, PostfixLayout.SUBMISSION_PORT)) {
      assertThat(submission.command("EHLO client.test")).startsWith("250 ");
      mta.reloadWith(postfix, submission(false));

      // The master cannot stop the removed service's smtpd (it runs as postfix) and waits for it to
      // exit, starting no process meanwhile: that session stays open, and a new client is never greeted.
      assertThat(submission.awaitClosed(Duration.ofSeconds(2))).as("the removed service's session was closed")
          .isFalse();
      assertThat(greeting(postfix, Duration.ofSeconds(5))).as("a new client's greeting on 2525; log:\n" + postfix.getLogs())
          .isNull();

      // Nor does the client leaving help: ending its session, that smtpd reports to anvil, which only
      // the master would start. Both wait until the smtpd gives up on anvil (ipc_timeout, an hour).
      submission.send("QUIT");
      assertThat(greeting(postfix, Duration.ofSeconds(5)))
          .as("a new client's greeting on 2525 after the session's end; log:\n" + postfix.getLogs()).isNull();
    }
  }

  /** The same reload with the Pod's capabilities: the removed service's session ends at once. */
  @Test
  void withKillAReloadThatRemovesAServiceEndsItsSessions(Lab lab) throws Exception {
    Mta mta = Mta.create(lab, "with-KILL-reload", submission(true));
    try (GenericContainer<?> postfix = mta.running(MtaContainers.capabilities(mta.pod));
        Session submission = Session.open(postfix, PostfixLayout.SUBMISSION_PORT)) {
      assertThat(submission.command("EHLO client.test")).startsWith("250 ");
      mta.reloadWith(postfix, submission(false));

      assertThat(submission.awaitClosed(Duration.ofSeconds(10))).as("the removed service's session was closed").isTrue();
      assertThat(greeting(postfix, Duration.ofSeconds(10))).as("a new client's greeting on 2525").startsWith("220 ");
    }
  }

  /**
   * SIGTERM stops Postfix without KILL: the master is root's to signal, and the daemons its
   * SIGTERM cannot reach (they run as postfix) end with the container when the entrypoint, its
   * PID 1, exits. One serving a client is among them here.
   */
  @Test
  void withoutKillSigtermStillStopsPostfixAndEndsItsSessions(Lab lab) throws Exception {
    Mta mta = Mta.create(lab, "without-KILL-stop", submission(false));
    try (GenericContainer<?> postfix = mta.running(without(mta.pod, "KILL"));
        Session smtp = Session.open(postfix, PostfixLayout.SMTP_PORT)) {
      assertThat(smtp.command("EHLO client.test")).startsWith("250 ");
      long grace = mta.pod.getTerminationGracePeriodSeconds();
      Instant asked = Instant.now();
      postfix.getDockerClient().stopContainerCmd(postfix.getContainerId()).withTimeout((int) grace).exec();
      Duration took = Duration.between(asked, Instant.now());

      InspectContainerResponse.ContainerState state = MtaContainers.inspect(postfix).getState();
      String log = postfix.getLogs();
      assertThat(state.getExitCodeLong()).as("exit status; log:\n" + log).isZero();
      assertThat(took).as("well within the grace period, not killed at its end").isLessThan(Duration.ofSeconds(grace / 2));
      assertThat(log).contains("stopping the Postfix mail system").contains("securemail-mta: Postfix stopped");
      assertThat(smtp.awaitClosed(Duration.ofSeconds(5))).as("the client's session was closed").isTrue();
    }
  }

  // --- the MTA under test ---

  /** The Pod's capabilities without one. */
  static List<String> without(PodSpec pod, String capability) {
    List<String> capabilities = new ArrayList<>(MtaContainers.capabilities(pod));
    assertThat(capabilities.remove(capability)).as("the Pod adds " + capability).isTrue();
    return capabilities;
  }

  /**
   * The domain; with submission, the operator renders a second smtpd service (port 5587) in
   * master.cf, and without, none: turning it off removes a service on reload.
   */
  static SecureMailDomain submission(boolean open) {
    SecureMailDomain domain = new SecureMailDomain();
    domain.setMetadata(new ObjectMetaBuilder().withName("capabilities-test").withNamespace("mail")
        .withUid("uid-capabilities-test").build());
    // The mail store is down: nothing here delivers mail.
    domain.setSpec(Mtas.spec(DOMAIN, "lmtp:[127.0.0.1]:24"));
    if (open) {
      Mtas.allowSubmission(domain.getSpec().getMta(), "192.0.2.0/24");
    }
    assertThat(MtaManifests.submission(domain.getSpec().getMta())).isEqualTo(open);
    return domain;
  }

  /** One postfix container's Pod spec and volumes: the domain's ConfigMap, a serving certificate, a fresh queue. */
  static final class Mta {
    final MtaSettings settings;
    final PodSpec pod;
    final MtaContainers.Volumes volumes;

    private Mta(MtaSettings settings, PodSpec pod, MtaContainers.Volumes volumes) {
      this.settings = settings;
      this.pod = pod;
      this.volumes = volumes;
    }

    static Mta create(Lab lab, String name, SecureMailDomain domain) throws IOException {
      MtaSettings settings = MtaContainers.settings(lab);
      MtaContainers.Volumes volumes = MtaContainers.Volumes.in(MtaContainers.workDir("mta-capabilities-" + name));
      volumes.config().writeText(MtaManifests.configMap(domain, settings).getData());
      KeyPair key = LabPki.generateEcdsa();
      String host = "mx." + DOMAIN;
      X509Certificate certificate = LabPki.selfSignedServer(key, host, List.of(host), Duration.ofDays(1));
      volumes.tls().writeText(Map.of("tls.crt", LabPki.certificatePem(certificate),
          "tls.key", LabPki.privateKeyPem(key.getPrivate(), true)));
      return new Mta(settings, MtaContainers.pod(domain, settings), volumes);
    }

    GenericContainer<?> container(List<String> capabilities) throws IOException {
      return MtaContainers.postfix(pod, capabilities, volumes);
    }

    /** Started, and Postfix's master running. */
    GenericContainer<?> running(List<String> capabilities) throws IOException {
      GenericContainer<?> postfix = container(capabilities)
          .withExposedPorts(PostfixLayout.SMTP_PORT, PostfixLayout.SUBMISSION_PORT)
          .waitingFor(MtaContainers.daemonStarted());
      postfix.start();
      return postfix;
    }

    /**
     * Replaces the ConfigMap by the domain's, as the kubelet updates the volume; returns once the
     * master has logged that it reloads (the entrypoint's watcher ran {@code postfix reload}).
     */
    void reloadWith(GenericContainer<?> postfix, SecureMailDomain domain) throws IOException {
      String master = Files.readString(volumes.queue().resolve("pid/master.pid")).trim();
      volumes.config().writeText(MtaManifests.configMap(domain, settings).getData());
      await("the master's reload in the log").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .until(() -> postfix.getLogs().contains("postfix/master[" + master + "]: reload"));
    }
  }

  /** Started, whatever Postfix then does: whether it keeps running is what the test looks at. */
  static final class Launched extends StartupCheckStrategy {
    @Override
    public StartupStatus checkStartupState(DockerClient docker, String containerId) {
      return StartupStatus.SUCCESSFUL;
    }
  }

  // --- SMTP clients ---

  /** The first line a new client on port 2525 reads, or null when none comes within the timeout. */
  static String greeting(GenericContainer<?> postfix, Duration timeout) throws IOException {
    try (Session session = Session.connect(postfix, PostfixLayout.SMTP_PORT, timeout)) {
      return session.reply();
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  /** A client's SMTP session, through the port Docker maps. */
  static final class Session implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private Session(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      this.out = socket.getOutputStream();
    }

    static Session connect(GenericContainer<?> postfix, int port, Duration timeout) throws IOException {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress(postfix.getHost(), postfix.getMappedPort(port)), 2000);
      socket.setSoTimeout((int) timeout.toMillis());
      return new Session(socket);
    }

    /** A session that has been greeted. */
    static Session open(GenericContainer<?> postfix, int port) throws IOException {
      Session session = connect(postfix, port, Duration.ofSeconds(10));
      assertThat(session.reply()).as("the greeting on " + port).startsWith("220 ");
      return session;
    }

    /** The last line of the server's next reply, or null at the end of the stream. */
    String reply() throws IOException {
      String line;
      do {
        line = in.readLine();
      } while (line != null && line.length() > 3 && line.charAt(3) == '-');
      return line;
    }

    void send(String command) throws IOException {
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    String command(String command) throws IOException {
      send(command);
      return reply();
    }

    /** Whether the server closes the session within the timeout (sending nothing more). */
    boolean awaitClosed(Duration timeout) throws IOException {
      socket.setSoTimeout((int) timeout.toMillis());
      try {
        return in.readLine() == null;
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException e) {
        return true; // reset
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
