package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.securemail.lab.Lab;
import io.securemail.lab.mail.LabMta;
import io.securemail.lab.mail.MailStoreSink;
import io.securemail.lab.mail.MailStoreSink.Protocol;
import io.securemail.lab.support.LabPki;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.TlsRptReceiveSpec;
import io.securemail.operator.api.TlsRptSpec;
import io.securemail.operator.mta.PostfixConfig;
import io.securemail.operator.mta.ReportReceiver;
import io.securemail.operator.tlsrpt.ReportIntake;
import io.securemail.operator.tlsrpt.mail.LmtpLimits;
import io.securemail.operator.tlsrpt.mail.LmtpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TLS report mail through the operator's MTA (RFC 8460 section 3, mailto:): a real Postfix runs
 * the configuration rendered for spec.tlsRpt.receive.mail and receives a report mail on port 25
 * for the domain's rua address; it hands it over LMTP to the report receiver, which runs here with
 * an intake that records what it is given. Two MTAs: {@code routed} (the report goes to the
 * receiver instead of the mail store) and {@code kept} (keepInMailbox: to both).
 */
@ExtendWith(LabExtension.class)
class TlsRptMailTest {

  static final String ROUTED = "routed.tlsrpt.test";
  static final String KEPT = "kept.tlsrpt.test";
  static final String STORE = "127.0.3.15";
  static final int STORE_LMTP = 2436;
  static final int RECEIVER_PORT = 2437;

  /** Records every report it is handed, and accepts it. */
  static final class RecordingIntake implements ReportIntake {
    record Received(byte[] body, String mediaType, Channel channel, String addressedTo) {}

    final List<Received> received = new CopyOnWriteArrayList<>();

    @Override
    public Outcome accept(byte[] body, String mediaType, Channel channel, String addressedTo) {
      received.add(new Received(body, mediaType, channel, addressedTo));
      return Outcome.accepted();
    }
  }

  static Lab lab;
  static MailStoreSink store;
  static RecordingIntake intake = new RecordingIntake();
  static LmtpServer receiver;
  static LabMta routed;
  static LabMta kept;

  @BeforeAll
  static void start(Lab l) throws Exception {
    lab = l;
    store = new MailStoreSink("store.tlsrpt.test").listen(Protocol.LMTP, STORE, STORE_LMTP);
    receiver = LmtpServer.start(new InetSocketAddress(STORE, RECEIVER_PORT), LmtpLimits.DEFAULT, intake,
        "receiver.tlsrpt.test");
    ReportReceiver endpoint = new ReportReceiver(STORE, RECEIVER_PORT);
    Path work = lab.workDir().resolve("tlsrpt-mail");
    routed = mta(work.resolve("routed"), "127.0.3.22", spec(ROUTED, false), endpoint);
    kept = mta(work.resolve("kept"), "127.0.3.23", spec(KEPT, true), endpoint);
  }

  static SecureMailDomainSpec spec(String domain, boolean keepInMailbox) {
    SecureMailDomainSpec spec = Mtas.spec(domain, "lmtp:[" + STORE + "]:" + STORE_LMTP);
    spec.getMta().getOutbound().setMtaSts(false); // the DANE-first policy daemon is not part of this lab
    spec.getMta().getInbound().setDeliverToTls(io.securemail.operator.api.MtaSpec.HopTls.MAY);
    TlsRptSpec tlsRpt = new TlsRptSpec(List.of("mailto:tls-reports@" + domain));
    TlsRptReceiveSpec receive = new TlsRptReceiveSpec();
    receive.setMail(true);
    receive.setKeepInMailbox(keepInMailbox);
    tlsRpt.setReceive(receive);
    spec.setTlsRpt(tlsRpt);
    return spec;
  }

  static LabMta mta(Path dir, String address, SecureMailDomainSpec spec, ReportReceiver endpoint) throws Exception {
    LabMta mta = LabMta.create(dir, address, spec, lab.issuer().caCertificateFile(), lab.dns().resolvConf(),
        LabMta.TLS_POLICY_MAP, endpoint);
    var key = LabPki.generateEcdsa();
    String host = PostfixConfig.hostname(spec);
    mta.serve(LabPki.certificatePem(LabPki.selfSignedServer(key, host, List.of(host), Duration.ofDays(1))),
        LabPki.privateKeyPem(key.getPrivate(), false));
    mta.start();
    return mta;
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {routed, kept, receiver, store}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        System.out.println("[test] closing " + closeable + ": " + e);
      }
    }
  }

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  /** A report as RFC 8460 section 4 shapes it, for the domain. */
  static String reportJson(String domain, String reportId) {
    return """
        {"organization-name":"Company-X","date-range":{"start-datetime":"2026-12-05T00:00:00Z",\
        "end-datetime":"2026-12-05T23:59:59Z"},"contact-info":"sts-reporting@company-x.example",\
        "report-id":"%2$s","policies":[{"policy":{"policy-type":"tlsa","policy-string":\
        ["3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6"],"policy-domain":"%1$s",\
        "mx-host":["mx.%1$s"]},"summary":{"total-successful-session-count":12,"total-failure-session-count":1},\
        "failure-details":[{"result-type":"tlsa-invalid","receiving-mx-hostname":"mx.%1$s",\
        "failed-session-count":1}]}]}""".formatted(domain, reportId);
  }

  /** The report mail as RFC 8460 section 5.3 shapes it: multipart/report, the gzip report in base64. */
  static String reportMail(String to, String subject, byte[] gzip) {
    String base64 = Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(gzip);
    return """
        From: tls-reporting@company-x.example
        To: %1$s
        Subject: %2$s
        TLS-Report-Domain: %3$s
        TLS-Report-Submitter: company-x.example
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type="tlsrpt"; boundary="----=_Part_7"

        ------=_Part_7
        Content-Type: text/plain; charset=us-ascii

        This is an aggregate TLS report from company-x.example
        ------=_Part_7
        Content-Type: application/tlsrpt+gzip
        Content-Transfer-Encoding: base64
        Content-Disposition: attachment; filename="company-x.example!%3$s!1733356800!1733443199.json.gz"

        %4$s
        ------=_Part_7--
        """.formatted(to, subject, to.substring(to.indexOf('@') + 1), base64);
  }

  /** swaks sends the message from a file, as a sending MTA would on port 25. */
  static ManagedProcess.Completed sendOnPort25(String mta, String to, String message) throws IOException {
    Path file = Files.createTempFile("tlsrpt-mail", ".eml");
    Files.writeString(file, message);
    return ManagedProcess.run(List.of("swaks", "--server", mta, "--port", "25", "--from",
        "tls-reporting@company-x.example", "--to", to, "--helo", "mta.company-x.example", "--data", file.toString(),
        "--timeout", "20"));
  }

  static List<RecordingIntake.Received> awaitReports(String domain) {
    return await("a report for " + domain + " at the receiver").atMost(Mtas.DELIVERY)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> intake.received.stream().filter(r -> r.addressedTo().equals(domain)).toList(),
            l -> !l.isEmpty());
  }

  @Test
  void reportMailForTheRuaAddressGoesToTheReceiverAndNotToTheMailbox() throws Exception {
    String subject = Mtas.uniqueSubject("Report Domain: " + ROUTED);
    byte[] gzip = gzip(reportJson(ROUTED, "routed-1"));
    long mark = routed.logSize();

    ManagedProcess.Completed sent = sendOnPort25("127.0.3.22", "tls-reports@" + ROUTED,
        reportMail("tls-reports@" + ROUTED, subject, gzip));
    assertThat(sent.exitCode()).as("accepted on port 25; swaks transcript:\n" + sent.output()).isZero();

    List<RecordingIntake.Received> reports = awaitReports(ROUTED);
    assertThat(reports).singleElement().satisfies(r -> {
      assertThat(r.body()).as("the attachment as the sender gzipped it").isEqualTo(gzip);
      assertThat(r.mediaType()).isEqualTo("application/tlsrpt+gzip");
      assertThat(r.channel()).isEqualTo(ReportIntake.Channel.MAILTO);
    });
    assertThat(Mtas.awaitDeliveryStatus(routed, mark, "tls-reports@" + ROUTED, "sent"))
        .anySatisfy(line -> assertThat(line).contains("relay=" + STORE + "[" + STORE + "]:" + RECEIVER_PORT));
    assertThat(store.messagesContaining(subject)).as("nothing at the mail store").isEmpty();
  }

  @Test
  void withKeepInMailboxTheReportReachesTheMailboxAndTheReceiver() throws Exception {
    String subject = Mtas.uniqueSubject("Report Domain: " + KEPT);
    byte[] gzip = gzip(reportJson(KEPT, "kept-1"));

    ManagedProcess.Completed sent = sendOnPort25("127.0.3.23", "tls-reports@" + KEPT,
        reportMail("tls-reports@" + KEPT, subject, gzip));
    assertThat(sent.exitCode()).as("accepted on port 25; swaks transcript:\n" + sent.output()).isZero();

    assertThat(awaitReports(KEPT)).singleElement().satisfies(r -> assertThat(r.body()).isEqualTo(gzip));
    MailStoreSink.Message inMailbox = await("the report mail in the mailbox").atMost(Mtas.DELIVERY)
        .pollInterval(Duration.ofMillis(200)).until(() -> store.messagesContaining(subject), l -> !l.isEmpty()).get(0);
    assertThat(inMailbox.recipients()).as("the mailbox gets the mail for its address only")
        .containsExactly("tls-reports@" + KEPT);
  }

  @Test
  void mailWithoutAReportToTheRuaAddressBouncesInsteadOfWaitingInTheQueue() throws Exception {
    long mark = routed.logSize();
    int before = intake.received.size();
    ManagedProcess.Completed sent = Mtas.swaks("127.0.3.22", 25, "someone@company-x.example",
        "tls-reports@" + ROUTED, Mtas.uniqueSubject("not a report"));
    assertThat(sent.exitCode()).as("swaks transcript:\n" + sent.output()).isZero();

    assertThat(Mtas.awaitDeliveryStatus(routed, mark, "tls-reports@" + ROUTED, "bounced"))
        .anySatisfy(line -> assertThat(line).contains("5.6.0").contains("application/tlsrpt+gzip"));
    assertThat(intake.received).hasSize(before);
  }
}
