package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.securemail.lab.Lab;
import io.securemail.lab.dns.ZoneUpdates;
import io.securemail.lab.mail.LabMta;
import io.securemail.lab.mail.MailStoreSink;
import io.securemail.lab.mail.MailStoreSink.Message;
import io.securemail.lab.mail.MailStoreSink.Protocol;
import io.securemail.lab.support.LabPki;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the MTA enforces when it sends: the organisation's hosts submit on 587, and the MTA delivers
 * to destinations on the "internet" (recording SMTP servers with STARTTLS on 127.0.3.x, their MX,
 * address and TLSA records in a DNSSEC-signed lab zone, resolved through the lab's validating
 * resolver). DANE (RFC 7672): a destination whose TLSA records match gets its mail over verified
 * TLS; one whose TLSA records do not match, or that offers no STARTTLS, gets nothing, not even in
 * the clear: the mail stays queued.
 *
 * <p>Addresses: the MTA on 127.0.3.5 (and one with MTA-STS on 127.0.3.6), destinations on
 * 127.0.3.12 to 127.0.3.16, port 25. The destinations' names are under {@code mta-out.example.test}
 * (added by RFC 2136 at class start), one of them delegated to a zone that is not signed.
 *
 * <p>MTA-STS is off in the main MTA's spec (outbound.mtaSts=false); the MTA on 127.0.3.6 has it on
 * with no policy service answering. Deliveries through the real policy services (enforce, testing,
 * DANE over MTA-STS) are in {@link MtaStsOutboundTest}.
 */
@ExtendWith(LabExtension.class)
class MtaOutboundTest {

  static final String ZONE = "example.test";
  static final String BASE = "mta-out." + ZONE;
  static final String DOMAIN = "out.mta.test";
  static final String MTA = "127.0.3.5";
  static final String CLIENT = "127.0.3.100";
  static final Duration DELIVERED = Mtas.DELIVERY;

  static Lab lab;
  static LabMta mta;
  static final Started STARTED = new Started();
  static Destination daneMatch;
  static Destination daneMismatch;
  static Destination daneNoStartTls;
  static Destination noTlsa;
  static Destination insecureZone;
  /** An MTA with outbound.mtaSts on whose TLS policy service does not answer. */
  static LabMta stsNoPolicyService;
  static final String STS_MTA = "127.0.3.6";
  /** Nothing listens here: the policy socketmap of {@link #stsNoPolicyService}. */
  static final String UNREACHABLE_POLICY_MAP = "inet:127.0.3.9:8462";

  /** A destination domain: its MX host on one address, served by a recording SMTP server. */
  record Destination(String domain, String mxHost, String address, MailStoreSink server) {
    String recipient() {
      return "user@" + domain;
    }
  }

  @BeforeAll
  static void start(Lab l) throws Exception {
    lab = l;
    daneMatch = destination("dane-ok", "127.0.3.12", true, Tlsa.MATCHING);
    daneMismatch = destination("dane-bad", "127.0.3.13", true, Tlsa.OTHER_KEY);
    daneNoStartTls = destination("dane-notls", "127.0.3.14", false, Tlsa.MATCHING);
    noTlsa = destination("no-tlsa", "127.0.3.15", true, Tlsa.NONE);
    insecureZone = insecureDestination("insecure", "127.0.3.16");

    var spec = Mtas.spec(DOMAIN, "lmtp:[127.0.3.10]:2429");
    Mtas.allowSubmission(spec.getMta(), "127.0.3.96/28");
    spec.getMta().getOutbound().setDane(true);
    spec.getMta().getOutbound().setMtaSts(false);
    mta = started(LabMta.create(lab.workDir().resolve("mta-outbound"), MTA, spec, lab.issuer().caCertificateFile(),
        lab.dns().resolvConf()));
    var key = LabPki.generateEcdsa();
    mta.serve(LabPki.certificatePem(LabPki.selfSignedServer(key, "mx." + DOMAIN, List.of("mx." + DOMAIN),
        Duration.ofDays(1))), LabPki.privateKeyPem(key.getPrivate(), false));
    mta.start();

    var stsSpec = Mtas.spec("sts-out.mta.test", "lmtp:[127.0.3.10]:2429");
    Mtas.allowSubmission(stsSpec.getMta(), "127.0.3.96/28");
    stsSpec.getMta().getOutbound().setMtaSts(true);
    stsNoPolicyService = started(LabMta.create(lab.workDir().resolve("mta-outbound-sts"), STS_MTA, stsSpec,
        lab.issuer().caCertificateFile(), lab.dns().resolvConf(), UNREACHABLE_POLICY_MAP));
    stsNoPolicyService.serve(LabPki.certificatePem(LabPki.selfSignedServer(key, "mx.sts-out.mta.test",
        List.of("mx.sts-out.mta.test"), Duration.ofDays(1))), LabPki.privateKeyPem(key.getPrivate(), false));
    stsNoPolicyService.start();
  }

  /**
   * A destination in a zone that is not signed (an insecure delegation from the signed lab zone,
   * RFC 4035 section 5.2), with TLSA records that match nothing: a DANE client must ignore them
   * (RFC 7672 section 2.2), so only the validated answers' AD bit tells it apart from dane-bad.
   */
  static Destination insecureDestination(String label, String address) throws Exception {
    String domain = label + "." + BASE;
    String mx = "mx." + domain;
    MailStoreSink server = started(new MailStoreSink(mx).listen(Protocol.SMTP, address, 25));
    lab.dns().addUnsignedZone(domain, List.of(
        domain + ". 60 IN MX 10 " + mx + ".",
        mx + ". 60 IN A " + address,
        "_25._tcp." + mx + ". 60 IN TLSA 3 1 1 " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(LabPki.generateEcdsa().getPublic().getEncoded()))));
    ZoneUpdates.add(lab.dns(), lab.dns().authoritativeAddress(), lab.dns().authoritativePort(), ZONE,
        List.of(domain + ". 60 IN NS ns." + ZONE + "."));
    return new Destination(domain, mx, address, server);
  }

  enum Tlsa { MATCHING, OTHER_KEY, NONE }

  static Destination destination(String label, String address, boolean startTls, Tlsa tlsa) throws Exception {
    String domain = label + "." + BASE;
    String mx = "mx." + domain;
    MailStoreSink server = started(new MailStoreSink(mx).listen(Protocol.SMTP, address, 25));
    server.offerStartTls(startTls);
    List<String> records = new ArrayList<>(List.of(domain + ". 60 IN MX 10 " + mx + ".", mx + ". 60 IN A " + address));
    if (tlsa != Tlsa.NONE) {
      PublicKey published = tlsa == Tlsa.MATCHING ? server.certificate().getPublicKey()
          : LabPki.generateEcdsa().getPublic();
      // DANE-EE(3) SPKI(1) SHA-256(1): the key the server presents, whatever the certificate (RFC 7672 section 3.1.1).
      records.add("_25._tcp." + mx + ". 60 IN TLSA 3 1 1 " + HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(published.getEncoded())));
    }
    ZoneUpdates.add(lab.dns(), lab.dns().authoritativeAddress(), lab.dns().authoritativePort(), ZONE, records);
    return new Destination(domain, mx, address, server);
  }

  static <T extends AutoCloseable> T started(T closeable) {
    return STARTED.add(closeable);
  }

  @AfterAll
  static void stop() {
    STARTED.closeAll();
  }

  /** Submits one message from the allowed network over TLS; the MTA must accept it. */
  static String submit(Destination to, String what) throws Exception {
    return submit(MTA, to, what);
  }

  static String submit(String mtaAddress, Destination to, String what) throws Exception {
    // Submission takes senders of the MTA's own domain only.
    String domain = mtaAddress.equals(STS_MTA) ? stsNoPolicyService.spec().getDomain() : DOMAIN;
    return Mtas.submit(mtaAddress, CLIENT, "alice@" + domain, to.recipient(), what);
  }

  /** The MTA's log lines about delivery to the recipient since the mark, once one has a status. */
  static List<String> awaitDeliveryStatus(long mark, Destination to, String status) {
    return Mtas.awaitDeliveryStatus(mta, mark, to.recipient(), status);
  }

  static List<String> awaitDeliveryStatus(LabMta mta, long mark, Destination to, String status) {
    return Mtas.awaitDeliveryStatus(mta, mark, to.recipient(), status);
  }

  @Test
  void matchingTlsaRecordsMeanVerifiedTls() throws Exception {
    long mark = mta.logSize();
    String subject = submit(daneMatch, "dane match");
    List<String> sent = awaitDeliveryStatus(mark, daneMatch, "sent");
    assertThat(sent.get(0)).contains("relay=" + daneMatch.mxHost() + "[" + daneMatch.address() + "]:25");
    // "Verified": Postfix matched the TLSA record, which it only uses when the answer was DNSSEC-validated.
    assertThat(mta.logLines(mark, Pattern.compile("Verified TLS connection established to "
        + Pattern.quote(daneMatch.mxHost())))).isNotEmpty();
    Message message = await("the message at " + daneMatch.domain()).atMost(DELIVERED)
        .until(() -> daneMatch.server().messagesContaining(subject), m -> !m.isEmpty()).get(0);
    assertThat(message.overTls()).isTrue();
    assertThat(message.recipients()).containsExactly(daneMatch.recipient());
  }

  @Test
  void mismatchingTlsaRecordsKeepTheMailQueuedAndNeverSendItInClear() throws Exception {
    long mark = mta.logSize();
    String subject = submit(daneMismatch, "dane mismatch");
    List<String> deferred = awaitDeliveryStatus(mark, daneMismatch, "deferred");
    assertThat(String.join("\n", deferred)).contains("Server certificate not verified");
    assertThat(daneMismatch.server().connections()).as("the destination was contacted").isPositive();
    assertThat(daneMismatch.server().messages()).as("messages the destination received").isEmpty();
    assertThat(mta.queue()).anyMatch(m -> m.recipients().contains(daneMismatch.recipient())
        && m.delayReasons().stream().anyMatch(r -> r.contains("Server certificate not verified")));
    assertThat(mta.logLines(mark, Pattern.compile("to=<" + Pattern.quote(daneMismatch.recipient())
        + ">.*status=sent"))).isEmpty();
    assertThat(daneMismatch.server().messagesContaining(subject)).isEmpty();
  }

  @Test
  void aDaneDestinationWithoutStartTlsGetsNothingInClear() throws Exception {
    long mark = mta.logSize();
    String subject = submit(daneNoStartTls, "dane no starttls");
    List<String> deferred = awaitDeliveryStatus(mark, daneNoStartTls, "deferred");
    assertThat(String.join("\n", deferred)).contains("TLS is required, but was not offered");
    assertThat(daneNoStartTls.server().connections()).as("the destination was contacted").isPositive();
    assertThat(daneNoStartTls.server().messagesContaining(subject)).isEmpty();
    assertThat(daneNoStartTls.server().messages()).isEmpty();
  }

  @Test
  void withoutTlsaRecordsTheMailGoesOverOpportunisticTls() throws Exception {
    long mark = mta.logSize();
    String subject = submit(noTlsa, "no tlsa");
    awaitDeliveryStatus(mark, noTlsa, "sent");
    assertThat(mta.logLines(mark, Pattern.compile("(Untrusted|Anonymous) TLS connection established to "
        + Pattern.quote(noTlsa.mxHost())))).isNotEmpty();
    Message message = await("the message at " + noTlsa.domain()).atMost(DELIVERED)
        .until(() -> noTlsa.server().messagesContaining(subject), m -> !m.isEmpty()).get(0);
    assertThat(message.overTls()).isTrue();
  }

  @Test
  void tlsaRecordsInAZoneThatIsNotSignedAreIgnored() throws Exception {
    long mark = mta.logSize();
    String subject = submit(insecureZone, "insecure tlsa");
    awaitDeliveryStatus(mark, insecureZone, "sent");
    assertThat(mta.logLines(mark, Pattern.compile("Verified TLS connection established to "
        + Pattern.quote(insecureZone.mxHost())))).isEmpty();
    Message message = await("the message at " + insecureZone.domain()).atMost(DELIVERED)
        .until(() -> insecureZone.server().messagesContaining(subject), m -> !m.isEmpty()).get(0);
    assertThat(message.overTls()).as("opportunistic TLS").isTrue();
  }

  @Test
  void withMtaStsOnAndNoAnswerFromThePolicyServiceNothingLeaves() throws Exception {
    long mark = stsNoPolicyService.logSize();
    int connectionsBefore = noTlsa.server().connections();
    String subject = submit(STS_MTA, noTlsa, "policy service down");
    List<String> deferred = awaitDeliveryStatus(stsNoPolicyService, mark, noTlsa, "deferred");
    // Postfix defers before it connects ("relay=none") when the policy table cannot be read.
    assertThat(String.join("\n", deferred)).contains("relay=none").contains("client TLS configuration problem");
    assertThat(stsNoPolicyService.logLines(mark, Pattern.compile("smtp_tls_policy_maps, next-hop destination \""
        + Pattern.quote(noTlsa.domain()) + "\": policy table lookup error"))).isNotEmpty();
    Thread.sleep(500);
    assertThat(noTlsa.server().connections()).as("connections to the destination").isEqualTo(connectionsBefore);
    assertThat(noTlsa.server().messagesContaining(subject)).as("messages that left without a TLS policy").isEmpty();
    assertThat(stsNoPolicyService.queue()).anyMatch(m -> m.recipients().contains(noTlsa.recipient()));
  }
}
