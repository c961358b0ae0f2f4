package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.securemail.lab.Lab;
import io.securemail.lab.cluster.ContainerEngine;
import io.securemail.lab.support.LabPki;
import io.securemail.lab.support.VolumeDirectory;
import com.github.dockerjava.api.model.Capability;
import io.securemail.operator.mtasts.PolicyServerConfig;
import io.securemail.operator.mtasts.PolicyServerConfig.Layout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The MTA-STS policy server image the lab builds, run as the operator's Deployment runs it
 * (io.securemail.operator.mtasts.PolicyServer): uid and gid 101, no capabilities, a read-only root
 * with a tmpfs at /tmp, and the operator's rendered nginx.conf, a policy and a certificate for
 * {@code mta-sts.example.test} mounted as the kubelet mounts its ConfigMaps and Secret (the key
 * readable through the Pod's fsGroup 101 only). A sender fetching the policy must get it, as
 * text/plain, over TLS it can verify; any other server name gets no TLS at all.
 */
@ExtendWith(LabExtension.class)
class PolicyServerImageTest {

  static final String HOST = "mta-sts.example.test";
  static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmax_age: 86400\r\n";
  static final int NGINX_UID = 101;
  /** Where the Deployment mounts the nginx.conf ConfigMap, and what it runs. */
  static final String CONFIG_DIR = "/etc/securemail/nginx";

  static ContainerEngine engine;
  static GenericContainer<?> nginx;
  static VolumeDirectory site;
  static X509Certificate ca;
  static KeyPair caKey;
  static X509Certificate first;

  @BeforeAll
  static void start(Lab lab) throws Exception {
    engine = lab.containers();
    Path repo = Path.of(System.getProperty("securemail.repo.dir", "..")).toAbsolutePath().normalize();
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = Files.createDirectories(repo.resolve("e2e-tests/target/policy-server-image-" + stamp));
    Layout layout = Layout.container();

    VolumeDirectory config = new VolumeDirectory(dir.resolve("config"), "rw-r--r--", NGINX_UID);
    config.writeText(Map.of("nginx.conf", PolicyServerConfig.nginxConf(layout)));
    // The Deployment's projected volume of the site Secrets: defaultMode 0440, group 101 through fsGroup.
    site = new VolumeDirectory(dir.resolve("site"), "r--r-----", NGINX_UID);
    caKey = LabPki.generateEcdsa();
    ca = LabPki.selfSignedCa(caKey, "policy server image test CA", Duration.ofDays(2));
    first = serve("first");

    nginx = new GenericContainer<>(DockerImageName.parse(lab.images().policyServer()))
        .withCommand("nginx", "-c", CONFIG_DIR + "/nginx.conf")
        .withExposedPorts(PolicyServerConfig.HTTPS_PORT, PolicyServerConfig.HTTP_PORT)
        .withFileSystemBind(config.dir().toString(), CONFIG_DIR, BindMode.READ_ONLY)
        .withFileSystemBind(site.dir().toString(), layout.siteDir(), BindMode.READ_ONLY)
        .withTmpFs(Map.of(layout.tmpDir(), "rw,size=16m,mode=0777"))
        .withCreateContainerCmdModifier(cmd -> {
          cmd.withUser(NGINX_UID + ":" + NGINX_UID);
          cmd.getHostConfig().withCapDrop(Capability.ALL).withReadonlyRootfs(true)
              .withSecurityOpts(List.of("no-new-privileges")).withGroupAdd(List.of(String.valueOf(NGINX_UID)));
        })
        .waitingFor(Wait.forHttp(PolicyServerConfig.HEALTH_PATH).forPort(PolicyServerConfig.HTTP_PORT)
            .forStatusCode(200).withStartupTimeout(Duration.ofSeconds(60)));
    nginx.start();
  }

  @AfterAll
  static void stop() {
    if (nginx != null) {
      nginx.stop();
    }
  }

  @Test
  void servesThePolicyAsTextPlainOverVerifiedTls() throws Exception {
    Response response = get(HOST, HOST, "/.well-known/mta-sts.txt");
    assertThat(response.certificate()).isEqualTo(first);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("content-type")).startsWith("text/plain");
    assertThat(response.body()).isEqualTo(POLICY);
    assertThat(get(HOST, HOST, "/index.html").status()).isEqualTo(404);
  }

  @Test
  void refusesTlsForServerNamesItHasNoCertificateFor() throws Exception {
    // A client that accepts any certificate: only the server can make these handshakes fail.
    assertThat(handshake(HOST)).as("the same client with the policy host's name").isEqualTo(first);
    for (String name : List.of("mta-sts.unknown.test", "www.example.test", "example.test")) {
      assertThatThrownBy(() -> handshake(name)).as("SNI " + name).isInstanceOf(SSLException.class);
    }
  }

  @Test
  void servesARenewedCertificateWithoutARestart() throws Exception {
    String started = nginx.getContainerInfo().getState().getStartedAt();
    X509Certificate renewed = serve("renewed");
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
        .until(() -> renewed.equals(get(HOST, HOST, "/.well-known/mta-sts.txt").certificate()));
    assertThat(nginx.getDockerClient().inspectContainerCmd(nginx.getContainerId()).exec().getState().getStartedAt())
        .isEqualTo(started);
  }

  @Test
  void runsAsUid101() throws Exception {
    assertThat(nginx.execInContainer("id", "-u").getStdout().trim()).isEqualTo(String.valueOf(NGINX_UID));
    // Every process, master and workers, as the host's process table shows them.
    String top = engine.dockerOrFail(Duration.ofSeconds(30), List.of("top", nginx.getContainerId(), "-o",
        "pid,uid,gid,args"));
    List<String> processes = top.lines().skip(1).toList();
    assertThat(processes).as(top).anyMatch(line -> line.contains("nginx: master process"))
        .anyMatch(line -> line.contains("nginx: worker process"))
        .allMatch(line -> line.trim().split("\\s+")[1].equals(String.valueOf(NGINX_UID)))
        .allMatch(line -> line.trim().split("\\s+")[2].equals(String.valueOf(NGINX_UID)));
  }

  @Test
  void answersTheProbesOnPlainHttp() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(nginx.getHost(), nginx.getMappedPort(PolicyServerConfig.HTTP_PORT)), 2000);
      socket.setSoTimeout(5000);
      Response response = exchange(socket, HOST, PolicyServerConfig.HEALTH_PATH, null);
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("ok\n");
    }
  }

  // --- the certificate ---

  /** A new certificate from the test CA for the policy host, written as a new version of the Secret. */
  static X509Certificate serve(String label) throws IOException {
    KeyPair key = LabPki.generateEcdsa();
    Instant now = Instant.now();
    X509Certificate certificate = LabPki.signServer(key.getPublic(), label + " " + HOST, List.of(HOST),
        now.minusSeconds(60), now.plus(Duration.ofDays(1)), ca, caKey.getPrivate());
    site.writeText(Map.of(PolicyServerConfig.policyFile("example.test"), POLICY,
        PolicyServerConfig.certificateFile("example.test"), LabPki.certificatePem(certificate),
        PolicyServerConfig.keyFile("example.test"), LabPki.privateKeyPem(key.getPrivate(), true)));
    return certificate;
  }

  // --- an HTTPS client that chooses its server name, as a sending MTA does ---

  record Response(int status, Map<String, String> headers, String body, X509Certificate certificate) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * GET over TLS to the container's HTTPS port with {@code sni} as the server name, verifying the
   * certificate against the test CA and for that name, as RFC 8461 section 3.3 asks of senders.
   */
  static Response get(String sni, String hostHeader, String path) throws IOException, GeneralSecurityException {
    KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
    roots.load(null, null);
    roots.setCertificateEntry("ca", ca);
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(roots);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    try (Socket plain = connect(); SSLSocket tls = tls(context, plain, sni)) {
      SSLParameters parameters = tls.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      tls.setSSLParameters(parameters);
      tls.startHandshake();
      return exchange(tls, hostHeader, path, (X509Certificate) tls.getSession().getPeerCertificates()[0]);
    }
  }

  /** The certificate served for {@code sni} to a client that checks nothing. */
  static X509Certificate handshake(String sni) throws IOException, GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new PostfixLabTest.TrustAll()}, null);
    try (Socket plain = connect(); SSLSocket tls = tls(context, plain, sni)) {
      tls.startHandshake();
      return (X509Certificate) tls.getSession().getPeerCertificates()[0];
    }
  }

  static Socket connect() throws IOException {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress(nginx.getHost(), nginx.getMappedPort(PolicyServerConfig.HTTPS_PORT)), 2000);
    plain.setSoTimeout(5000);
    return plain;
  }

  /** TLS over a connected socket, with {@code sni} as the server name (the host it is "for"). */
  static SSLSocket tls(SSLContext context, Socket plain, String sni) throws IOException {
    return (SSLSocket) context.getSocketFactory().createSocket(plain, sni, plain.getPort(), true);
  }

  /** One HTTP/1.1 request with "Connection: close"; the response is read to its end. */
  static Response exchange(Socket socket, String host, String path, X509Certificate certificate) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    String text = all.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    List<String> head = text.substring(0, end).lines().toList();
    Map<String, String> headers = new java.util.HashMap<>();
    for (String line : head.subList(1, head.size())) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    int status = Integer.parseInt(head.get(0).split(" ")[1]);
    return new Response(status, headers, text.substring(end + 4), certificate);
  }
}
