package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.mail.MxMount;
import io.securemail.lab.mail.PostfixServer;
import io.securemail.lab.support.LabPki;
import io.securemail.lab.support.ManagedProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lab's Postfix: every MX address answers STARTTLS with its own certificate, and a mounted
 * Secret's certificate is served from the next connection after the Secret changes, without the
 * listener ever refusing a connection.
 */
@ExtendWith(LabExtension.class)
class PostfixLabTest {

  static final String NS = "postfix-lab";
  static final Duration SERVED = Duration.ofSeconds(10);
  static KubernetesClient client;
  static PostfixServer postfix;

  @BeforeAll
  static void sharedLab(Lab l) {
    client = l.client();
    postfix = l.postfix();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
  }

  @Test
  void everyAddressServesItsThrowawayCertificateOverStartTls() throws IOException {
    assertThat(postfix.addresses()).hasSize(11).contains("127.0.1.1", "127.0.1.10", "::1");
    for (String address : List.of("127.0.1.1", "127.0.1.5")) {
      Handshake handshake = startTls(address);
      assertThat(handshake.certificate()).isEqualTo(postfix.throwawayCertificate(address));
      assertThat(handshake.protocol()).isIn("TLSv1.2", "TLSv1.3");
    }
    assertThat(postfix.throwawayCertificate("127.0.1.1")).isNotEqualTo(postfix.throwawayCertificate("127.0.1.5"));
  }

  @Test
  void postfixOwnProbeSeesTls() throws IOException {
    ManagedProcess.Completed result = ManagedProcess.run(postfix.postTlsFinger("-c", "-l", "may", "[127.0.1.1]:25"));
    assertThat(result.output()).contains("TLS connection established");
  }

  @Test
  void mountedSecretIsServedAfterEveryChangeWithoutDroppingTheListener() throws Exception {
    String address = "127.0.1.7";
    KeyPair firstKey = LabPki.generateEcdsa();
    X509Certificate first = signedByTestCa(firstKey, "mx7.mount.test");
    Secret secret = tlsSecret("mx7-tls", first, firstKey);
    client.secrets().inNamespace(NS).resource(secret).create();

    AtomicBoolean probing = new AtomicBoolean(true);
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger greeted = new AtomicInteger();
    Thread prober = new Thread(() -> {
      while (probing.get()) {
        // A client every 20 ms: enough to see any refused connection during the reloads.
        sleep(20);
        if (greets(address)) {
          greeted.incrementAndGet();
        } else {
          refused.incrementAndGet();
        }
      }
    });
    prober.start();
    try (MxMount mount = postfix.mount(client, NS, "mx7-tls", address)) {
      await().atMost(SERVED).until(() -> startTls(address).certificate().equals(first));

      KeyPair secondKey = LabPki.generateEcdsa();
      X509Certificate second = signedByTestCa(secondKey, "mx7.mount.test");
      client.secrets().inNamespace(NS).resource(tlsSecret("mx7-tls", second, secondKey)).update();
      await().atMost(SERVED).until(() -> startTls(address).certificate().equals(second));
      assertThat(startTls(address).chainLength()).isEqualTo(1);

      // A certificate whose key is not in the Secret is not installed: the previous pair stays.
      X509Certificate third = signedByTestCa(LabPki.generateEcdsa(), "mx7.mount.test");
      client.secrets().inNamespace(NS).resource(tlsSecret("mx7-tls", third, secondKey)).update();
      int installed = mount.certificatesInstalled();
      Thread.sleep(1500);
      assertThat(mount.certificatesInstalled()).isEqualTo(installed);
      assertThat(startTls(address).certificate()).isEqualTo(second);
    } finally {
      probing.set(false);
      prober.join();
    }
    // Closing the mount restores the throwaway certificate.
    assertThat(startTls(address).certificate()).isEqualTo(postfix.throwawayCertificate(address));
    assertThat(refused.get()).as("connections refused while certificates changed").isZero();
    assertThat(greeted.get()).isPositive();
  }

  @Test
  void anAddressTakesOneMountAtATime() {
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("empty")
        .endMetadata().build()).serverSideApply();
    try (MxMount mount = postfix.mount(client, NS, "empty", "127.0.1.8")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> postfix.mount(client, NS, "empty", "127.0.1.8"))
          .isInstanceOf(IllegalStateException.class);
      // An empty Secret installs nothing: the throwaway certificate stays.
      assertThat(mount.certificatesInstalled()).isZero();
    }
  }

  // --- helpers ---

  static X509Certificate signedByTestCa(KeyPair key, String dnsName) {
    // A CA of the test's own: what matters here is which certificate is served, not who signed it.
    KeyPair caKey = LabPki.generateEcdsa();
    X509Certificate ca = LabPki.selfSignedCa(caKey, "postfix test CA", Duration.ofDays(1));
    java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    return LabPki.signServer(key.getPublic(), dnsName, List.of(dnsName), now, now.plus(Duration.ofDays(1)), ca,
        caKey.getPrivate());
  }

  static Secret tlsSecret(String name, X509Certificate certificate, KeyPair key) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withType("kubernetes.io/tls")
        .withData(Map.of(
            "tls.crt", base64(LabPki.certificatePem(certificate)),
            "tls.key", base64(LabPki.privateKeyPem(key.getPrivate(), false))))
        .build();
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  record Handshake(X509Certificate certificate, int chainLength, String protocol) {}

  /**
   * EHLO, STARTTLS and a TLS handshake that trusts anything, with a fresh TLS context each time
   * (no session resumption), returning what the server presented.
   */
  static Handshake startTls(String address) throws IOException {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(address, 25), 2000);
      plain.setSoTimeout(5000);
      BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = plain.getOutputStream();
      expect(in, "220");
      out.write("EHLO probe.lab.test\r\n".getBytes(StandardCharsets.US_ASCII));
      String capabilities = expect(in, "250");
      assertThat(capabilities).contains("STARTTLS");
      out.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
      expect(in, "220");
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
      try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, address, 25, true)) {
        tls.startHandshake();
        var chain = tls.getSession().getPeerCertificates();
        String protocol = tls.getSession().getProtocol();
        tls.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        return new Handshake((X509Certificate) chain[0], chain.length, protocol);
      }
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  /** Reads one SMTP reply (all its lines) and checks its code; returns the reply text. */
  static String expect(BufferedReader in, String code) throws IOException {
    StringBuilder reply = new StringBuilder();
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed; reply so far: " + reply);
      }
      reply.append(line).append('\n');
    } while (line.length() > 3 && line.charAt(3) == '-');
    if (!line.startsWith(code)) {
      throw new IOException("expected " + code + ", got: " + reply);
    }
    return reply.toString();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static boolean greets(String address) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, 25), 2000);
      socket.setSoTimeout(5000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      expect(in, "220");
      socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
