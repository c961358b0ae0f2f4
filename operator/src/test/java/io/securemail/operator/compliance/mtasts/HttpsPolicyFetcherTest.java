package io.securemail.operator.compliance.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.securemail.operator.compliance.TestPki;
import io.securemail.operator.compliance.pki.PkixRoots;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The policy fetch against the JDK's HTTPS server on an ephemeral loopback port. */
class HttpsPolicyFetcherTest {

  private static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmax_age: 86400\r\n";

  private HttpsServer server;
  private TestPki.Issued ca;
  private volatile int status = 200;
  private volatile String contentType = "text/plain";
  private volatile byte[] body = POLICY.getBytes(StandardCharsets.US_ASCII);
  private volatile boolean chunked;

  @BeforeEach
  void start() throws Exception {
    ca = TestPki.ca("Policy CA");
    TestPki.Issued leaf = TestPki.leaf(ca, "mta-sts.example.com");
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(TestPki.keyStore(leaf, ca.certificate()), "secret".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/.well-known/mta-sts.txt", exchange -> {
      if (status >= 300 && status < 400) {
        exchange.getResponseHeaders().add("Location", "https://elsewhere.example.com/policy.txt");
      }
      exchange.getResponseHeaders().add("Content-Type", contentType);
      exchange.sendResponseHeaders(status, chunked ? 0 : (status == 200 ? body.length : -1));
      if (status == 200) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private PolicyFetch fetch(PkixRoots roots) {
    return new HttpsPolicyFetcher(roots, Duration.ofSeconds(5))
        .fetch("example.com", List.of(InetAddress.getLoopbackAddress()), server.getAddress().getPort());
  }

  private PolicyFetch fetch() {
    return fetch(PkixRoots.only(List.of(ca.certificate())));
  }

  @Test
  void fetchesAValidPolicy() {
    PolicyFetch fetch = fetch();
    assertThat(fetch.failure()).isNull();
    assertThat(fetch.body()).isEqualTo(POLICY);
    assertThat(fetch.url()).isEqualTo("https://mta-sts.example.com:" + server.getAddress().getPort()
        + "/.well-known/mta-sts.txt");
  }

  @Test
  void acceptsAChunkedBodyAndACharsetParameter() {
    chunked = true;
    contentType = "text/plain; charset=utf-8";
    assertThat(fetch().body()).isEqualTo(POLICY);
  }

  @Test
  void doesNotFollowRedirects() {
    status = 301;
    assertThat(fetch().failure()).contains("HTTP 301 redirect to https://elsewhere.example.com/policy.txt")
        .contains("RFC 8461 section 3.3");
  }

  @Test
  void requiresTextPlain() {
    contentType = "text/html";
    assertThat(fetch().failure()).contains("served as 'text/html'").contains("must be text/plain");
  }

  @Test
  void refusesAnOversizePolicy() {
    body = ("version: STSv1\n" + "x".repeat(HttpsPolicyFetcher.MAX_BODY)).getBytes(StandardCharsets.US_ASCII);
    assertThat(fetch().failure()).contains("larger than 64 KiB");
    chunked = true;
    assertThat(fetch().failure()).contains("larger than 64 KiB");
  }

  @Test
  void requiresAStatusOf200() {
    status = 404;
    assertThat(fetch().failure()).contains("HTTP 404 instead of 200");
  }

  @Test
  void requiresATrustedCertificate() {
    PolicyFetch fetch = fetch(PkixRoots.only(List.of(TestPki.ca("Some Other CA").certificate())));
    assertThat(fetch.failure()).contains("TLS certificate of mta-sts.example.com is not valid");
  }

  @Test
  void requiresTheCertificateToNameThePolicyHost() {
    PolicyFetch fetch = new HttpsPolicyFetcher(PkixRoots.only(List.of(ca.certificate())), Duration.ofSeconds(5))
        .fetch("example.org", List.of(InetAddress.getLoopbackAddress()), server.getAddress().getPort());
    assertThat(fetch.failure()).contains("not valid");
  }

  @Test
  void reportsAHostWithoutAddress() {
    assertThat(new HttpsPolicyFetcher(PkixRoots.only(List.of(ca.certificate())), Duration.ofSeconds(1))
        .fetch("example.com", List.of(), 443).failure()).isEqualTo("mta-sts.example.com has no address");
  }
}
