package io.securemail.operator.compliance.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.TestPki;
import io.securemail.operator.compliance.smtp.SmtpObservation.Outcome;
import io.securemail.operator.compliance.smtp.TestSmtpServer.Behaviour;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.Security;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SMTP probe against in-JVM servers on loopback ephemeral ports. */
class SmtpClientProbeTest {

  private static final int[] STRONG = {CipherSuite.TLS_AES_128_GCM_SHA256,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
  private static final int[] LEGACY = {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
      CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};

  private static TestPki.Issued ca;
  private static TestPki.Issued leaf;

  @BeforeAll
  static void certificates() {
    ca = TestPki.ca("Test Mail CA");
    leaf = TestPki.leaf(ca, "mx1.example.com");
  }

  private static TestSmtpServer server(Behaviour behaviour, ProtocolVersion[] versions, int[] suites) throws Exception {
    return new TestSmtpServer(behaviour, leaf, List.of(leaf.certificate(), ca.certificate()), versions, suites);
  }

  private static SmtpObservation probe(TestSmtpServer server, Duration timeout) {
    return new SmtpClientProbe(timeout).probe("mx1.example.com", server.address(), server.port());
  }

  private static Map<TlsOffer, TlsAttempt.Result> results(SmtpObservation observation) {
    return observation.attempts().stream().collect(Collectors.toMap(TlsAttempt::offer, TlsAttempt::result));
  }

  @Test
  void completesStarttlsAndRecordsTheSessionAndRefusals() throws Exception {
    try (TestSmtpServer server = server(Behaviour.STARTTLS, ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12), STRONG)) {
      SmtpObservation observation = probe(server, Duration.ofSeconds(5));

      assertThat(observation.outcome()).as(observation.detail()).isEqualTo(Outcome.TLS_OK);
      assertThat(observation.banner()).isEqualTo("220 mx1.example.com ESMTP test");
      assertThat(observation.tls().version()).isEqualTo("TLSv1.3");
      assertThat(observation.tls().cipherSuite()).isEqualTo("TLS_AES_128_GCM_SHA256");
      assertThat(observation.tls().chain()).containsExactly(leaf.certificate(), ca.certificate());
      assertThat(results(observation)).containsOnly(Map.entry(TlsOffer.TLS_1_0, TlsAttempt.Result.REFUSED),
          Map.entry(TlsOffer.TLS_1_1, TlsAttempt.Result.REFUSED), Map.entry(TlsOffer.STATIC_RSA, TlsAttempt.Result.REFUSED),
          Map.entry(TlsOffer.CBC, TlsAttempt.Result.REFUSED), Map.entry(TlsOffer.CBC_SHA1, TlsAttempt.Result.REFUSED),
          Map.entry(TlsOffer.CHACHA20, TlsAttempt.Result.REFUSED), Map.entry(TlsOffer.OTHER_AEAD, TlsAttempt.Result.REFUSED),
          Map.entry(TlsOffer.ANONYMOUS, TlsAttempt.Result.REFUSED),
          Map.entry(TlsOffer.TLS13_OTHER, TlsAttempt.Result.REFUSED));
      // The record layer was used: EHLO again over TLS, then QUIT (RFC 3207 section 4.2).
      assertThat(server.received).contains("TLS QUIT").anyMatch(l -> l.startsWith("TLS EHLO ["));
    }
  }

  /** Without weak offers the probe holds one conversation: what a caller that looks often needs. */
  @Test
  void withoutWeakOffersOneConnectionSeesTheChain() throws Exception {
    try (TestSmtpServer server = server(Behaviour.STARTTLS, ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12), STRONG)) {
      SmtpObservation observation = SmtpClientProbe.withoutWeakOffers(Duration.ofSeconds(5))
          .probe("mx1.example.com", server.address(), server.port());

      assertThat(observation.outcome()).as(observation.detail()).isEqualTo(Outcome.TLS_OK);
      assertThat(observation.tls().chain()).containsExactly(leaf.certificate(), ca.certificate());
      assertThat(observation.attempts()).isEmpty();
      assertThat(server.received).filteredOn(l -> l.equals("STARTTLS")).hasSize(1);
    }
  }

  /** BouncyCastle's TLS really offers TLS 1.0 when asked, in a JVM whose JSSE has it disabled. */
  @Test
  void provesThatLegacyVersionsAndCbcSuitesAreAccepted() throws Exception {
    String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
    assertThat(disabled).as("the premise: this JVM's own TLS refuses TLS 1.0").contains("TLSv1,");
    try (TestSmtpServer server = server(Behaviour.STARTTLS, ProtocolVersion.TLSv12.downTo(ProtocolVersion.TLSv10), LEGACY)) {
      SmtpObservation observation = probe(server, Duration.ofSeconds(5));

      assertThat(observation.outcome()).isEqualTo(Outcome.TLS_OK);
      assertThat(observation.tls().version()).isEqualTo("TLSv1.2");
      assertThat(observation.attempts()).filteredOn(a -> a.offer() == TlsOffer.TLS_1_0).singleElement()
          .satisfies(a -> {
            assertThat(a.result()).isEqualTo(TlsAttempt.Result.ACCEPTED);
            assertThat(a.negotiated()).isEqualTo("TLSv1.0 TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
          });
      assertThat(results(observation)).containsEntry(TlsOffer.TLS_1_1, TlsAttempt.Result.ACCEPTED)
          .containsEntry(TlsOffer.CBC, TlsAttempt.Result.ACCEPTED)
          .containsEntry(TlsOffer.STATIC_RSA, TlsAttempt.Result.REFUSED);
      // An accepted weak offer ends at the server's choice: only the normal offer's handshake
      // completes and says QUIT over TLS, though the server accepted four weak offers too.
      assertThat(observation.attempts()).filteredOn(a -> a.result() == TlsAttempt.Result.ACCEPTED).hasSize(4);
      assertThat(server.received).filteredOn("HANDSHAKE COMPLETE"::equals).hasSize(1);
      assertThat(server.received).filteredOn("TLS QUIT"::equals).hasSize(1);
    }
    // Nothing was loosened for the rest of the JVM.
    assertThat(Security.getProperty("jdk.tls.disabledAlgorithms")).isEqualTo(disabled);
  }

  @Test
  void aServerThatOnlySpeaksTls10IsReachedByTheStandardOffer() throws Exception {
    try (TestSmtpServer server = server(Behaviour.STARTTLS, new ProtocolVersion[] {ProtocolVersion.TLSv10}, LEGACY)) {
      SmtpObservation observation = probe(server, Duration.ofSeconds(5));
      assertThat(observation.outcome()).isEqualTo(Outcome.TLS_OK);
      assertThat(observation.tls().version()).isEqualTo("TLSv1.0");
    }
  }

  @Test
  void aSilentServerTimesOutWithAClearMessage() throws Exception {
    try (TestSmtpServer server = server(Behaviour.SILENT, ProtocolVersion.TLSv12.only(), STRONG)) {
      SmtpObservation observation = probe(server, Duration.ofSeconds(1));
      assertThat(observation.outcome()).isEqualTo(Outcome.NO_GREETING);
      assertThat(observation.detail()).isEqualTo(server.address().getHostAddress() + ":" + server.port()
          + ": greeting failed: no reply within 1 s");
      assertThat(observation.attempts()).isEmpty();
    }
  }

  @Test
  void aServerWithoutStarttlsIsReported() throws Exception {
    try (TestSmtpServer server = server(Behaviour.NO_STARTTLS, ProtocolVersion.TLSv12.only(), STRONG)) {
      SmtpObservation observation = probe(server, Duration.ofSeconds(5));
      assertThat(observation.outcome()).isEqualTo(Outcome.NO_STARTTLS);
      assertThat(observation.detail()).contains("does not offer STARTTLS");
      assertThat(observation.tls()).isNull();
      assertThat(server.received).contains("QUIT").noneMatch(l -> l.equals("STARTTLS"));
    }
  }

  @Test
  void aClosedPortIsUnreachable() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    SmtpObservation observation = new SmtpClientProbe(Duration.ofSeconds(2))
        .probe("mx1.example.com", InetAddress.getLoopbackAddress(), port);
    assertThat(observation.outcome()).isEqualTo(Outcome.UNREACHABLE);
    assertThat(observation.detail()).startsWith("cannot connect to 127.0.0.1:" + port);
  }
}
