package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.certmanager.LabIssuer;
import io.securemail.lab.mtasts.PolicyMount;
import io.securemail.lab.mtasts.PolicyServers;
import io.securemail.lab.support.LabPki;
import io.securemail.operator.compliance.mtasts.HttpsPolicyFetcher;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import io.securemail.operator.compliance.pki.PkixRoots;
import io.securemail.operator.mtasts.PolicyServer;
import io.securemail.operator.mtasts.PolicyServerConfig;
import io.securemail.operator.mtasts.PolicySite;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lab's MTA-STS policy server: nginx with the operator's own configuration, fed from the
 * namespace's site Secrets as the kubelet feeds the policy server's Pod, answers as RFC 8461 senders expect, picks the certificate by SNI, serves changed policies
 * without a reload, and holds TLS to 1.2 (ECDHE with AES-GCM) and 1.3.
 */
@ExtendWith(LabExtension.class)
class PolicyServerLabTest {

  static final String NS = "policy-server-lab";
  static final String ADDRESS = "127.0.2.1";
  /** A domain with a policy and a certificate on the server. */
  static final String DOMAIN = "example.test";
  /** A domain the server has nothing for. */
  static final String OTHER = "other.test";
  static final Duration SERVED = Duration.ofSeconds(15);

  static Lab lab;
  static KubernetesClient client;
  static PolicyMount server;
  static HttpsPolicyFetcher fetcher;
  static SSLContext labTls;
  static X509Certificate certificate;
  static KeyPair key;

  @BeforeAll
  static void mountServer(Lab l) throws Exception {
    lab = l;
    client = l.client();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    key = LabPki.generateEcdsa();
    certificate = issuedByLabCa(key, "mta-sts." + DOMAIN);
    publish(policy("initial"));
    server = lab.policyServers().mount(client, NS, ADDRESS);
    List<X509Certificate> ca = PkixRoots.readPem(lab.issuer().caCertificateFile());
    fetcher = new HttpsPolicyFetcher(PkixRoots.only(ca), Duration.ofSeconds(5));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(PkixRoots.only(ca).keyStore());
    labTls = SSLContext.getInstance("TLS");
    labTls.init(null, trust.getTrustManagers(), null);
  }

  @AfterAll
  static void unmount() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void servesTheConfigMapsPolicyToAnRfc8461Sender() throws IOException {
    String text = policy("served");
    publish(text);
    PolicyFetch fetch = awaitServed(text);
    // The fetcher checks the certificate against the lab CA and the host name, status 200, no
    // redirect and the text/plain media type; the body is the ConfigMap's text to the byte.
    assertThat(fetch.ok()).as(fetch.failure()).isTrue();
    assertThat(fetch.body()).isEqualTo(text);
    assertThat(fetch.url()).isEqualTo("https://mta-sts." + DOMAIN + "/.well-known/mta-sts.txt");
    Response https = https("mta-sts." + DOMAIN, "mta-sts." + DOMAIN, "/.well-known/mta-sts.txt");
    assertThat(https.status()).isEqualTo(200);
    assertThat(https.header("content-type")).isEqualTo("text/plain");
    // Plain HTTP (for an Ingress that terminates TLS itself) serves the same file by Host.
    Response http = http("mta-sts." + DOMAIN, "/.well-known/mta-sts.txt");
    assertThat(http.status()).isEqualTo(200);
    assertThat(http.body()).isEqualTo(text);
    assertThat(http("mta-sts." + DOMAIN, PolicyServerConfig.HEALTH_PATH).status()).isEqualTo(200);
  }

  @Test
  void aChangedPolicyIsServedWithoutReloadingOrRestartingNginx() {
    publish(policy("before-change"));
    awaitServed(policy("before-change"));
    List<Long> pids = server.pids();
    assertThat(pids).as("master and one worker").hasSize(2);

    String changed = policy("after-change");
    publish(changed);
    awaitServed(changed);
    assertThat(server.pids()).as("nginx master and worker processes").isEqualTo(pids);
    assertThat(server.isRunning()).isTrue();
  }

  @Test
  void aDomainWithoutPolicyGetsNotFoundOverHttpAndNoHandshakeOverHttps() throws IOException {
    publish(policy("other-absent"));
    awaitServed(policy("other-absent"));
    assertThat(http("mta-sts." + OTHER, "/.well-known/mta-sts.txt").status()).isEqualTo(404);
    // No certificate file for the name: nginx refuses the handshake.
    assertThatThrownBy(() -> https("mta-sts." + OTHER, "mta-sts." + OTHER, "/.well-known/mta-sts.txt"))
        .isInstanceOf(SSLException.class);
    PolicyFetch fetch = fetcher.fetch(OTHER, List.of(InetAddress.getByName(ADDRESS)), PolicyServers.HTTPS_PORT);
    assertThat(fetch.ok()).isFalse();
    // Nor without SNI, nor for a name that is not a policy host.
    assertThatThrownBy(() -> https(null, "mta-sts." + DOMAIN, "/.well-known/mta-sts.txt"))
        .isInstanceOf(SSLException.class);
    assertThatThrownBy(() -> https(DOMAIN, DOMAIN, "/.well-known/mta-sts.txt")).isInstanceOf(SSLException.class);
  }

  @Test
  void anotherHostOverTheDomainsConnectionGetsNotFound() throws IOException {
    String text = policy("one-policy-per-connection");
    publish(text);
    awaitServed(text);
    // OTHER's policy exists too: still, a connection for DOMAIN's name serves only DOMAIN's policy.
    StsPolicies.writeSite(client, NS, Map.of(DOMAIN, entries(text), OTHER,
        PolicySite.entries(OTHER, policy("other"), null)));
    await().atMost(SERVED).until(() -> http("mta-sts." + OTHER, "/.well-known/mta-sts.txt").status() == 200);
    assertThat(https("mta-sts." + DOMAIN, "mta-sts." + OTHER, "/.well-known/mta-sts.txt").status()).isEqualTo(404);
    assertThat(https("mta-sts." + DOMAIN, "mta-sts." + DOMAIN, "/.well-known/mta-sts.txt").status()).isEqualTo(200);
    assertThat(https("mta-sts." + DOMAIN, "mta-sts." + DOMAIN, "/").status()).isEqualTo(404);
  }

  @Test
  void aClientThatNeverFinishesItsRequestIsCutOff() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(ADDRESS, PolicyServers.HTTP_PORT), 2000);
      // nginx's default would hold this connection for 60 s; a slowloris would hold all of them.
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts." + DOMAIN + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      int read;
      try {
        read = socket.getInputStream().read();
      } catch (java.net.SocketException reset) {
        read = -1; // closed by a reset: cut off as well
      }
      assertThat(read).as("the server closed the connection after its header timeout").isEqualTo(-1);
    }
  }

  @Test
  void tlsBelow12IsRefusedAndTls12OffersOnlyEcdheWithAesGcm() throws IOException {
    publish(policy("tls"));
    awaitServed(policy("tls"));
    // The client offers TLS 1.1 only (OpenSSL 3 needs security level 0 to offer it at all): the
    // server answers with a protocol_version alert.
    OpenSsl tls11 = sClient("-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");
    assertThat(tls11.exitCode()).as(tls11.output()).isNotZero();
    assertThat(tls11.output()).contains("alert protocol version");

    for (String suite : List.of("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384")) {
      OpenSsl tls12 = sClient("-tls1_2", "-cipher", suite);
      assertThat(tls12.exitCode()).as(tls12.output()).isZero();
      assertThat(tls12.output()).contains("New, TLSv1.2, Cipher is " + suite).contains("Verify return code: 0 (ok)");
    }
    // CBC (even with ECDHE) and static RSA key exchange are not offered.
    for (String suite : List.of("ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA-AES256-SHA", "AES128-GCM-SHA256")) {
      OpenSsl refused = sClient("-tls1_2", "-cipher", suite);
      assertThat(refused.exitCode()).as(suite + ": " + refused.output()).isNotZero();
      assertThat(refused.output()).contains("alert handshake failure");
    }
    OpenSsl tls13 = sClient("-tls1_3");
    assertThat(tls13.exitCode()).as(tls13.output()).isZero();
    assertThat(tls13.output()).contains("New, TLSv1.3");
  }

  @Test
  void whilePausedTheOldPolicyIsServedAndResumeServesTheLatest() {
    String old = policy("before-pause");
    publish(old);
    awaitServed(old);
    server.pause();
    try {
      publish(policy("while-paused-1"));
      String latest = policy("while-paused-2");
      publish(latest);
      await().atMost(SERVED).until(server::hasPendingChanges);
      // Seen by the mount, not written: nginx keeps serving the old file.
      assertThat(fetchBody()).isEqualTo(old);
      sleep(1000);
      assertThat(fetchBody()).isEqualTo(old);
      server.resume();
      assertThat(server.hasPendingChanges()).isFalse();
      assertThat(fetchBody()).isEqualTo(latest);
    } finally {
      server.resume();
    }
  }

  @Test
  void removedKeysAndDeletedObjectsRemoveTheirFiles() {
    String text = policy("removal");
    publish(text);
    awaitServed(text);
    Map<String, String> withoutPolicy = new HashMap<>(entries(text));
    withoutPolicy.remove(PolicyServerConfig.policyFile(DOMAIN));
    StsPolicies.writeSite(client, NS, Map.of(DOMAIN, withoutPolicy));
    await().atMost(SERVED).until(() -> http("mta-sts." + DOMAIN, "/.well-known/mta-sts.txt").status() == 404);
    assertThat(server.siteDir().resolve(PolicyServerConfig.policyFile(DOMAIN))).doesNotExist();

    client.secrets().inNamespace(NS).withName(PolicySite.secretName(DOMAIN)).delete();
    await().atMost(SERVED).until(() -> !server.siteDir().resolve(PolicyServerConfig.certificateFile(DOMAIN)).toFile()
        .exists());
    assertThat(server.siteDir().resolve(PolicyServerConfig.keyFile(DOMAIN))).doesNotExist();
    assertThatThrownBy(() -> https("mta-sts." + DOMAIN, "mta-sts." + DOMAIN, "/.well-known/mta-sts.txt"))
        .isInstanceOf(SSLException.class);

    publish(text);
    awaitServed(text);
  }

  // --- the objects ---

  static String policy(String tag) {
    // CRLF line endings, as the operator renders policies; the tag makes each version distinct.
    return "version: STSv1\r\nmode: enforce\r\nmx: mx1." + DOMAIN + "\r\nmx: *." + tag + "." + DOMAIN
        + "\r\nmax_age: 86400\r\n";
  }

  /**
   * Makes the site hold DOMAIN's policy, certificate and key and nothing else of the test's
   * domains (a test may have added OTHER's).
   */
  static void publish(String policyText) {
    StsPolicies.writeSite(client, NS, Map.of(DOMAIN, entries(policyText), OTHER, Map.of()));
  }

  /** DOMAIN's site entries: the policy, the certificate and its key. */
  static Map<String, String> entries(String policyText) {
    return PolicySite.entries(DOMAIN, policyText, new PolicyServer.TlsPair(LabPki.certificatePem(certificate),
        LabPki.privateKeyPem(key.getPrivate(), false)));
  }

  /** A server certificate for {@code dnsName} signed by the lab CA (whose key is in its Secret). */
  static X509Certificate issuedByLabCa(KeyPair subject, String dnsName) {
    Secret ca = client.secrets().inNamespace(LabIssuer.CA_NAMESPACE).withName(LabIssuer.CA_NAME).get();
    String caKeyPem = new String(Base64.getDecoder().decode(ca.getData().get("tls.key")), StandardCharsets.US_ASCII);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return LabPki.signServer(subject.getPublic(), dnsName, List.of(dnsName), now.minus(Duration.ofMinutes(1)),
        now.plus(Duration.ofDays(1)), lab.issuer().caCertificate(), LabPki.parsePrivateKey(caKeyPem).getPrivate());
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  // --- clients ---

  static PolicyFetch fetch() {
    try {
      return fetcher.fetch(DOMAIN, List.of(InetAddress.getByName(ADDRESS)), PolicyServers.HTTPS_PORT);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String fetchBody() {
    PolicyFetch fetch = fetch();
    assertThat(fetch.ok()).as(fetch.failure()).isTrue();
    return fetch.body();
  }

  /** Waits until a sender fetches exactly this policy. */
  static PolicyFetch awaitServed(String text) {
    return await().atMost(SERVED).until(PolicyServerLabTest::fetch, f -> f.ok() && text.equals(f.body()));
  }

  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  /** GET over plain HTTP to the server's port 80 with this Host header. */
  static Response http(String host, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(ADDRESS, PolicyServers.HTTP_PORT), 2000);
      socket.setSoTimeout(5000);
      return exchange(socket, host, path);
    }
  }

  /**
   * GET over HTTPS with this server name (none when null), validating the certificate against the
   * lab CA (without a host name check: the tests choose names and Host headers freely).
   */
  static Response https(String serverName, String host, String path) throws IOException {
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(ADDRESS, PolicyServers.HTTPS_PORT), 2000);
      raw.setSoTimeout(5000);
      try (SSLSocket socket = (SSLSocket) labTls.getSocketFactory().createSocket(raw, ADDRESS,
          PolicyServers.HTTPS_PORT, true)) {
        SSLParameters params = socket.getSSLParameters();
        params.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        socket.setSSLParameters(params);
        socket.startHandshake();
        return exchange(socket, host, path);
      }
    }
  }

  private static Response exchange(Socket socket, String host, String path) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int end = response.indexOf("\r\n\r\n");
    String[] head = response.substring(0, end).split("\r\n");
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < head.length; i++) {
      int colon = head[i].indexOf(':');
      headers.putIfAbsent(head[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).strip());
    }
    return new Response(Integer.parseInt(head[0].split(" ")[1]), headers, response.substring(end + 4));
  }

  record OpenSsl(int exitCode, String output) {}

  /**
   * {@code openssl s_client} to the server for DOMAIN's name, trusting the lab CA, with nothing to
   * send (its standard input is empty): the exit code and output tell how the handshake went.
   */
  static OpenSsl sClient(String... options) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
        ADDRESS + ":" + PolicyServers.HTTPS_PORT, "-servername", "mta-sts." + DOMAIN, "-verify_hostname",
        "mta-sts." + DOMAIN, "-CAfile", lab.issuer().caCertificateFile().toString()));
    command.addAll(List.of(options));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    try (InputStream in = process.getInputStream()) {
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      in.transferTo(output);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("openssl s_client did not finish: " + command);
      }
      return new OpenSsl(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
