package io.securemail.operator.compliance.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.smtp.SmtpObservation.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The probe against MX hosts that misbehave on purpose: each conversation ends within its deadlines
 * and byte budget, and the observation names what the peer did.
 */
class HostilePeersTest {

  /** What a peer does with each accepted connection. */
  interface Script {
    void run(Socket socket, InputStream in, OutputStream out) throws Exception;
  }

  private final List<ServerSocket> listeners = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws IOException {
    for (ServerSocket listener : listeners) {
      listener.close();
    }
  }

  /** A peer on an ephemeral loopback port that runs {@code script} on every connection. */
  private int peer(Script script) throws IOException {
    ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    listeners.add(listener);
    Thread acceptor = new Thread(() -> {
      while (!listener.isClosed()) {
        try {
          Socket socket = listener.accept();
          Thread handler = new Thread(() -> {
            try (socket) {
              script.run(socket, socket.getInputStream(), socket.getOutputStream());
            } catch (Exception e) {
              // The probe hung up on it: what these peers are for.
            }
          }, "hostile-peer");
          handler.setDaemon(true);
          handler.start();
        } catch (IOException e) {
          return;
        }
      }
    }, "hostile-peer-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return listener.getLocalPort();
  }

  private static SmtpObservation probe(int port, Duration step, Duration overall) {
    return new SmtpClientProbe(step, overall, List.of())
        .probe("mx1.example.com", InetAddress.getLoopbackAddress(), port);
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads one command line (up to LF); null when the client hung up. */
  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        return line.toString().trim();
      }
      line.append((char) c);
    }
    return null;
  }

  @Test
  void anEndlessBannerIsCutOffAfterAHundredLines() throws Exception {
    int port = peer((socket, in, out) -> {
      while (true) {
        write(out, "220-still greeting\r\n");
      }
    });
    long started = System.nanoTime();
    SmtpObservation seen = probe(port, Duration.ofSeconds(5), Duration.ofSeconds(15));

    assertThat(seen.outcome()).isEqualTo(Outcome.NO_GREETING);
    assertThat(seen.detail()).endsWith("greeting failed: reply longer than 100 lines");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aLineWithoutEndIsCutOffAtItsLimit() throws Exception {
    int port = peer((socket, in, out) -> {
      write(out, "220 ");
      while (true) {
        write(out, "x".repeat(512));
      }
    });
    SmtpObservation seen = probe(port, Duration.ofSeconds(5), Duration.ofSeconds(15));

    assertThat(seen.outcome()).isEqualTo(Outcome.NO_GREETING);
    assertThat(seen.detail()).endsWith("greeting failed: reply line longer than 2048 bytes");
  }

  @Test
  void aServerThatSendsMoreThanTheByteBudgetIsCutOff() throws Exception {
    // Lines and replies within their limits, but far more bytes than a conversation needs.
    String line = "x".repeat(2000);
    int port = peer((socket, in, out) -> {
      while (true) {
        write(out, "220-" + line + "\r\n");
      }
    });
    SmtpObservation seen = probe(port, Duration.ofSeconds(5), Duration.ofSeconds(15));

    assertThat(seen.detail()).endsWith("greeting failed: the server sent more than 65536 bytes");
  }

  @Test
  void aTarpitThatAcceptsAndNeverSpeaksEndsAtTheStepDeadline() throws Exception {
    int port = peer((socket, in, out) -> Thread.sleep(60_000));
    long started = System.nanoTime();
    SmtpObservation seen = probe(port, Duration.ofSeconds(1), Duration.ofSeconds(3));

    assertThat(seen.outcome()).isEqualTo(Outcome.NO_GREETING);
    assertThat(seen.detail()).endsWith("greeting failed: no reply within 1 s");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void aServerThatAnswersEveryStepJustInTimeIsCutOffByTheConversationsDeadline() throws Exception {
    // Each reply comes after 0.8 s, inside the 1 s step deadline: without an overall deadline the
    // conversation would go on step after step.
    int port = peer((socket, in, out) -> {
      Thread.sleep(800);
      write(out, "220 slow.example ESMTP\r\n");
      for (String command = readLine(in); command != null; command = readLine(in)) {
        Thread.sleep(800);
        write(out, command.startsWith("EHLO") ? "250-slow.example\r\n250 STARTTLS\r\n" : "220 go ahead\r\n");
      }
    });
    long started = System.nanoTime();
    SmtpObservation seen = probe(port, Duration.ofSeconds(1), Duration.ofMillis(2000));

    assertThat(seen.outcome()).isEqualTo(Outcome.STARTTLS_REFUSED);
    assertThat(seen.detail()).endsWith("STARTTLS failed: the conversation took longer than 2 s in all");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2800));
  }

  @Test
  void aResetInTheMiddleOfTheHandshakeIsAHandshakeFailure() throws Exception {
    int port = peer((socket, in, out) -> {
      write(out, "220 reset.example ESMTP\r\n");
      for (String command = readLine(in); command != null; command = readLine(in)) {
        if (command.startsWith("EHLO")) {
          write(out, "250-reset.example\r\n250 STARTTLS\r\n");
        } else if (command.equals("STARTTLS")) {
          write(out, "220 go ahead\r\n");
          in.read(new byte[5]); // the start of the ClientHello
          socket.setSoLinger(true, 0); // close with RST
          return;
        }
      }
    });
    SmtpObservation seen = probe(port, Duration.ofSeconds(5), Duration.ofSeconds(15));

    assertThat(seen.outcome()).isEqualTo(Outcome.HANDSHAKE_FAILED);
    assertThat(seen.detail()).startsWith("the TLS handshake with 127.0.0.1:" + port + " failed: ");
    assertThat(seen.tls()).isNull();
  }
}
