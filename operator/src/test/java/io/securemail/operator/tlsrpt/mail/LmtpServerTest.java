package io.securemail.operator.tlsrpt.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.tlsrpt.ReportIntake.Channel;
import io.securemail.operator.tlsrpt.ReportIntake.Outcome;
import io.securemail.operator.tlsrpt.ReportIntake.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The LMTP report receiver over a real socket, as the MTA's lmtp client talks to it. */
class LmtpServerTest {

  static final LmtpLimits LIMITS = new LmtpLimits(2048, 64 * 1024, 5, 4, Duration.ofSeconds(2),
      Duration.ofSeconds(6), 3);

  final RecordingIntake intake = new RecordingIntake();
  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  LmtpServer server(LmtpLimits limits) throws IOException {
    LmtpServer server = LmtpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), limits, intake,
        "receiver.test");
    closing.add(server);
    return server;
  }

  /** A client speaking LMTP line by line. */
  final class Client implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;
    final OutputStream out;
    boolean greeted;

    Client(LmtpServer server) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
      socket.setSoTimeout(10_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      out = socket.getOutputStream();
      closing.add(this);
    }

    /** The reply, all lines of a multi-line one joined by newlines. */
    String reply() throws IOException {
      StringBuilder all = new StringBuilder();
      String line;
      do {
        line = in.readLine();
        if (line == null) {
          return all.length() == 0 ? null : all.toString();
        }
        all.append(all.length() == 0 ? "" : "\n").append(line);
      } while (line.length() > 3 && line.charAt(3) == '-');
      return all.toString();
    }

    String send(String line) throws IOException {
      write(line + "\r\n");
      return reply();
    }

    void write(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    /** (The first time: greeting and LHLO.) MAIL, the recipients (each must be accepted), DATA with the message; the replies after DATA. */
    List<String> deliver(String message, String... recipients) throws IOException {
      if (!greeted) {
        assertThat(reply()).startsWith("220 ");
        assertThat(send("LHLO mta.test")).startsWith("250-").contains("PIPELINING").contains("SIZE ");
        greeted = true;
      }
      assertThat(send("MAIL FROM:<tls-reporting@company-x.example>")).startsWith("250 ");
      for (String recipient : recipients) {
        assertThat(send("RCPT TO:<" + recipient + ">")).startsWith("250 ");
      }
      assertThat(send("DATA")).startsWith("354 ");
      write(dotStuff(message) + ".\r\n");
      List<String> replies = new ArrayList<>();
      for (String ignored : recipients) {
        replies.add(reply());
      }
      return replies;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static String dotStuff(String message) {
    return message.replaceAll("(?m)^\\.", "..");
  }

  static String gunzip(byte[] body) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aMultipartReportWithABase64GzipReportIsHandedOverForTheRecipientsDomain() throws Exception {
    LmtpServer server = server(LIMITS);
    String json = ReportMails.reportJson("example.com", "r1@company-x.example");
    byte[] gzip = ReportMails.gzip(json);

    List<String> replies = new Client(server).deliver(ReportMails.multipartReport("tls-reports@example.com", gzip),
        "TLS-Reports@Example.COM");

    assertThat(replies).containsExactly("250 2.0.0 report accepted");
    assertThat(intake.received).hasSize(1);
    RecordingIntake.Received r = intake.received.get(0);
    assertThat(r.body()).as("the attachment, base64 undone, byte for byte").isEqualTo(gzip);
    assertThat(gunzip(r.body())).isEqualTo(json);
    assertThat(r.mediaType()).isEqualTo("application/tlsrpt+gzip");
    assertThat(r.channel()).isEqualTo(Channel.MAILTO);
    assertThat(r.addressedTo()).isEqualTo("example.com");
  }

  @Test
  void aMultipartMixedMailForTwoDomainsGetsOneReplyPerRecipient() throws Exception {
    LmtpServer server = server(LIMITS);
    byte[] gzip = ReportMails.gzip(ReportMails.reportJson("example.org", "r2@sender.example"));
    intake.answering(r -> r.addressedTo().equals("example.net")
        ? new Outcome(Verdict.NOT_OURS, "example.net is not managed here") : Outcome.accepted());

    List<String> replies = new Client(server).deliver(ReportMails.multipartMixed("tlsrpt@example.org", gzip),
        "tlsrpt@example.org", "tlsrpt@example.net");

    assertThat(replies).hasSize(2);
    assertThat(replies.get(0)).isEqualTo("250 2.0.0 report accepted");
    assertThat(replies.get(1)).startsWith("550 5.1.2 ").contains("example.net is not managed here");
    assertThat(intake.received).extracting(RecordingIntake.Received::addressedTo)
        .containsExactly("example.org", "example.net");
    assertThat(intake.received.get(0).body()).isEqualTo(gzip);
  }

  @Test
  void aJsonReportPartIsHandedOverWithItsMediaType() throws Exception {
    LmtpServer server = server(LIMITS);
    String json = ReportMails.reportJson("example.com", "r3");
    String message = """
        From: reports@sender.example\r
        To: tls-reports@example.com\r
        MIME-Version: 1.0\r
        Content-Type: multipart/report; report-type="tlsrpt"; boundary="b"\r
        \r
        --b\r
        Content-Type: text/plain\r
        \r
        report\r
        --b\r
        Content-Type: application/tlsrpt+json\r
        Content-Transfer-Encoding: base64\r
        \r
        %s\r
        --b--\r
        """.formatted(ReportMails.base64(json.getBytes(StandardCharsets.UTF_8)));

    assertThat(new Client(server).deliver(message, "tls-reports@example.com")).containsExactly("250 2.0.0 report accepted");
    assertThat(intake.received).singleElement().satisfies(r -> {
      assertThat(r.mediaType()).isEqualTo("application/tlsrpt+json");
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(json);
    });
  }

  @Test
  void theIntakesVerdictsBecomeTheRepliesASendingMtaActsOn() throws Exception {
    LmtpServer server = server(LIMITS);
    byte[] gzip = ReportMails.gzip(ReportMails.reportJson("example.com", "r4"));
    String mail = ReportMails.multipartReport("tls-reports@example.com", gzip);

    Client mta = new Client(server);
    intake.answering(r -> new Outcome(Verdict.DUPLICATE, "report-id r4 was received before"));
    assertThat(mta.deliver(mail, "tls-reports@example.com"))
        .containsExactly("250 2.0.0 report already received");
    intake.answering(r -> new Outcome(Verdict.MALFORMED, "policies is missing (RFC 8460 section 4.4)"));
    assertThat(mta.deliver(mail, "tls-reports@example.com")).singleElement()
        .asString().startsWith("554 5.6.0 ").contains("policies is missing");
    intake.answering(r -> new Outcome(Verdict.TOO_LARGE, "inflates beyond 10 MiB"));
    assertThat(mta.deliver(mail, "tls-reports@example.com")).singleElement()
        .asString().startsWith("552 5.3.4 ").contains("inflates beyond 10 MiB");
    intake.answering(r -> new Outcome(Verdict.OVER_QUOTA, "the reports kept about example.com take 10 bytes"));
    assertThat(mta.deliver(mail, "tls-reports@example.com")).singleElement()
        .asString().as("a flood bounces instead of waiting in the MTA's queue").startsWith("552 5.2.2 ")
        .contains("take 10 bytes");
    intake.answering(r -> new Outcome(Verdict.UNAVAILABLE, "this operator replica does not lead"));
    assertThat(mta.deliver(mail, "tls-reports@example.com", "postmaster@example.com"))
        .as("a replica that does not lead defers each recipient (RFC 2033 section 4.2): the MTA retries")
        .containsExactly("451 4.3.0 this operator replica does not lead", "451 4.3.0 this operator replica does not lead");
    intake.answering(r -> {
      throw new IllegalStateException("storage unavailable");
    });
    assertThat(mta.deliver(mail, "tls-reports@example.com")).singleElement()
        .asString().as("a fault here is temporary: the MTA keeps the mail and retries").startsWith("451 4.");
  }

  @Test
  void aMailWithoutAReportPartIsRefusedPermanently() throws Exception {
    LmtpServer server = server(LIMITS);
    List<String> replies = new Client(server).deliver(ReportMails.plainMail("tls-reports@example.com"),
        "tls-reports@example.com");
    assertThat(replies).singleElement().asString().startsWith("554 5.6.0 ").contains("application/tlsrpt+gzip");
    assertThat(intake.received).isEmpty();
  }

  @Test
  void anOversizedMessageIsRefusedAfterDataAndWhenAnnouncedBeforehand() throws Exception {
    LmtpServer server = server(LIMITS);
    byte[] noise = new byte[LIMITS.maxMessageBytes()];
    new java.util.Random(1).nextBytes(noise);
    String mail = ReportMails.multipartReport("tls-reports@example.com", noise);
    assertThat(mail.length()).isGreaterThan(LIMITS.maxMessageBytes());

    Client client = new Client(server);
    assertThat(client.deliver(mail, "tls-reports@example.com")).singleElement().asString()
        .startsWith("552 5.3.4 ").contains(String.valueOf(LIMITS.maxMessageBytes()));
    assertThat(intake.received).isEmpty();
    // The connection is still usable, and SIZE announced (RFC 1870) is refused before DATA.
    assertThat(client.send("MAIL FROM:<a@sender.example> SIZE=" + (LIMITS.maxMessageBytes() + 1)))
        .startsWith("552 5.3.4 ");
    assertThat(client.send("QUIT")).startsWith("221 ");
  }

  @Test
  void aClientSendingAnEndlessLineIsCutOffAtTheLineLimit() throws Exception {
    LmtpServer server = server(LIMITS);
    Client endless = new Client(server);
    assertThat(endless.reply()).startsWith("220 ");
    byte[] chunk = new byte[8192];
    Arrays.fill(chunk, (byte) 'A');
    String reply = null;
    int sent = 0;
    try {
      // Far more than the limit, never a line end: the receiver answers and closes long before.
      while (sent < 8 * 1024 * 1024 && !endless.in.ready()) {
        endless.out.write(chunk);
        sent += chunk.length;
      }
    } catch (SocketException e) {
      // Closed by the receiver while sending: the reply was sent before.
    }
    reply = endless.reply();
    assertThat(reply).startsWith("500 5.5.2 ").contains("too long");
    assertThat(sent).as("bytes sent before the receiver answered").isLessThan(4 * 1024 * 1024);
    assertThat(endless.in.readLine()).as("the connection is closed").isNull();

    // Another client is served as usual.
    byte[] gzip = ReportMails.gzip(ReportMails.reportJson("example.com", "r5"));
    assertThat(new Client(server).deliver(ReportMails.multipartReport("tls-reports@example.com", gzip),
        "tls-reports@example.com")).containsExactly("250 2.0.0 report accepted");
  }

  @Test
  void aLongLineInsideTheMessageMakesItMalformedNotTruncated() throws Exception {
    LmtpServer server = server(LIMITS);
    String mail = ReportMails.plainMail("tls-reports@example.com") + "x".repeat(LIMITS.maxLineBytes() + 10) + "\r\n";
    assertThat(new Client(server).deliver(mail, "tls-reports@example.com")).singleElement().asString()
        .startsWith("554 5.6.0 ").contains("longer than");
    assertThat(intake.received).isEmpty();
  }

  @Test
  void aClientThatNeverSpeaksDoesNotHoldUpOthersAndIsClosedWhenIdle() throws Exception {
    LmtpServer server = server(LIMITS);
    Client silent = new Client(server);
    assertThat(silent.reply()).startsWith("220 ");
    long start = System.nanoTime();

    byte[] gzip = ReportMails.gzip(ReportMails.reportJson("example.com", "r6"));
    assertThat(new Client(server).deliver(ReportMails.multipartReport("tls-reports@example.com", gzip),
        "tls-reports@example.com")).containsExactly("250 2.0.0 report accepted");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("served while the silent client is connected")
        .isLessThan(LIMITS.idleTimeout());

    assertThat(silent.in.readLine()).as("closed after the idle timeout").isNull();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(LIMITS.idleTimeout().minusMillis(100))
        .isLessThan(LIMITS.connectionDeadline());
  }

  @Test
  void aClientThatKeepsTalkingIsClosedAtTheConnectionDeadline() throws Exception {
    LmtpServer server = server(LIMITS);
    Client chatty = new Client(server);
    assertThat(chatty.reply()).startsWith("220 ");
    long start = System.nanoTime();
    String reply = "";
    try {
      while (reply != null && Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(20)) < 0) {
        reply = chatty.send("NOOP");
        Thread.sleep(200);
      }
    } catch (SocketException e) {
      reply = null;
    }
    assertThat(reply).as("closed by the receiver").isNull();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LIMITS.connectionDeadline().plusSeconds(2));
  }

  @Test
  void connectionsBeyondTheLimitAreToldToComeBackLater() throws Exception {
    LmtpServer server = server(LIMITS);
    List<Client> holding = new ArrayList<>();
    for (int i = 0; i < LIMITS.maxConnections(); i++) {
      Client c = new Client(server);
      assertThat(c.reply()).startsWith("220 ");
      holding.add(c);
    }
    Client extra = new Client(server);
    assertThat(extra.reply()).startsWith("421 4.3.2 ");
    assertThat(extra.in.readLine()).isNull();

    holding.get(0).send("QUIT");
    holding.get(0).close();
    // The freed slot serves the next client (the pool's thread may take a moment to return).
    String greeting = null;
    for (int attempt = 0; attempt < 20 && (greeting == null || !greeting.startsWith("220")); attempt++) {
      Thread.sleep(100);
      greeting = new Client(server).reply();
    }
    assertThat(greeting).startsWith("220 ");
  }

  @Test
  void lmtpOrderIsEnforced() throws Exception {
    LmtpServer server = server(LIMITS);
    Client client = new Client(server);
    assertThat(client.reply()).startsWith("220 ");
    assertThat(client.send("EHLO mta.test")).startsWith("500 ");
    assertThat(client.send("MAIL FROM:<a@b.example>")).startsWith("503 ");
    assertThat(client.send("LHLO mta.test")).startsWith("250");
    assertThat(client.send("RCPT TO:<x@example.com>")).startsWith("503 ");
    assertThat(client.send("MAIL FROM:<>")).startsWith("250 ");
    assertThat(client.send("DATA")).startsWith("503 ");
    assertThat(client.send("RCPT TO:<no-domain>")).startsWith("501 ");
    for (int i = 0; i < LIMITS.maxRecipients(); i++) {
      assertThat(client.send("RCPT TO:<r" + i + "@example.com>")).startsWith("250 ");
    }
    assertThat(client.send("RCPT TO:<one-more@example.com>")).startsWith("452 4.5.3 ");
    assertThat(client.send("RSET")).startsWith("250 ");
    assertThat(client.send("QUIT")).startsWith("221 ");
  }
}
