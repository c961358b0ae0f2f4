package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.securemail.lab.Lab;
import io.securemail.lab.dns.OutboundZone;
import io.securemail.lab.dns.OutboundZone.Destination;
import io.securemail.lab.mail.LabMta;
import io.securemail.lab.mail.MailStoreSink;
import io.securemail.lab.mail.MailStoreSink.Message;
import io.securemail.lab.mail.MailStoreSink.Protocol;
import io.securemail.lab.mail.TlsPolicyStack;
import io.securemail.lab.mtasts.PolicyMount;
import io.securemail.lab.mtasts.PolicyServers;
import io.securemail.lab.support.LabPki;
import io.securemail.operator.compliance.mtasts.HttpsPolicyFetcher;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import io.securemail.operator.compliance.pki.PkixRoots;
import java.net.InetAddress;
import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the MTA enforces when it sends with MTA-STS on (spec.mta.outbound.mtaSts and dane): real
 * deliveries through the operator's Postfix asking the MTA image's TLS policy services
 * ({@link TlsPolicyStack}: securemail-tls-policy in front of mta-sts-daemon) for each destination,
 * as the Pod does. The destinations are recording SMTP servers with STARTTLS; their MX, address,
 * TLSA and {@code _mta-sts} records are in the lab zone {@value OutboundZone#ZONE} (signed, or a
 * child zone that is not), and their policies are served over HTTPS by a lab policy server with
 * certificates from the lab CA, which is also the MTA's only PKIX root (smtp_tls_CAfile).
 *
 * <p>What a user sees: an MTA-STS {@code enforce} destination whose certificate chains to a
 * trusted root and names the MX host gets its mail over verified TLS; one whose certificate fails
 * that check gets nothing, not even in the clear, and the mail waits in the queue with the reason.
 * A destination with DANE gets DANE even if it also publishes an MTA-STS policy its certificate
 * would fail (RFC 8461 section 2), and a policy in {@code testing} mode enforces nothing (RFC 8461
 * section 5).
 *
 * <p>Addresses: the MTA on 127.0.3.21; destinations on 127.0.3.17 (a certificate from the lab
 * CA), 127.0.3.18 and 127.0.3.19 (self-signed), port 25; the TLS policy stack on 127.0.4.6; the
 * policy server 127.0.2.5 for namespace {@value #NS}. Destination labels start with "sts-" in
 * {@value OutboundZone#ZONE}.
 */
@ExtendWith(LabExtension.class)
class MtaStsOutboundTest {

  static final String NS = "mta-sts-outbound";
  static final String DOMAIN = "sts-send.mta.test";
  static final String MTA = "127.0.3.21";
  static final String CLIENT = "127.0.3.100";
  static final String STACK_ADDRESS = "127.0.4.6";
  static final String POLICY_ADDRESS = "127.0.2.5";
  static final String PKIX_ADDRESS = "127.0.3.17";
  static final String SELF_SIGNED_ADDRESS = "127.0.3.18";
  static final String DANE_ADDRESS = "127.0.3.19";

  static Lab lab;
  static final Started STARTED = new Started();
  static TlsPolicyStack stack;
  static LabMta mta;
  /** Its certificate is from the lab CA and names {@code mx.sts-enforce.outbound.test} only. */
  static MailStoreSink pkixServer;
  /** Self-signed: nothing but the lab's zone vouches for it. */
  static MailStoreSink selfSignedServer;
  /** Self-signed, its key pinned by TLSA for one destination. */
  static MailStoreSink daneServer;

  /** enforce, unsigned zone, MX at the server with the lab CA's certificate for its name. */
  static Destination enforce;
  /** enforce, signed zone without TLSA, MX host at the same server, but its certificate names another host. */
  static Destination enforceWrongName;
  /** enforce, unsigned zone, MX at the self-signed server. */
  static Destination enforceSelfSigned;
  /** enforce, signed zone with TLSA 3 1 1 of the self-signed server's key. */
  static Destination enforceAndDane;
  /** testing, signed zone without TLSA, MX at a self-signed server. */
  static Destination testing;

  @BeforeAll
  static void start(Lab l) throws Exception {
    lab = l;
    var work = Files.createDirectories(l.workDir().resolve("mta-sts-outbound"));

    KeyPair pkixKey = LabPki.generateEcdsa();
    String pkixName = "mx.sts-enforce." + OutboundZone.ZONE;
    pkixServer = started(new MailStoreSink(pkixName, pkixKey,
        l.issuer().signServer(pkixKey.getPublic(), List.of(pkixName), Duration.ofDays(7)))
        .listen(Protocol.SMTP, PKIX_ADDRESS, LabMta.SMTP_PORT));
    selfSignedServer = started(new MailStoreSink("mx.sts-self-signed." + OutboundZone.ZONE)
        .listen(Protocol.SMTP, SELF_SIGNED_ADDRESS, LabMta.SMTP_PORT));
    daneServer = started(new MailStoreSink("mx.sts-dane." + OutboundZone.ZONE)
        .listen(Protocol.SMTP, DANE_ADDRESS, LabMta.SMTP_PORT));

    OutboundZone zone = l.outbound();
    enforce = zone.destination("sts-enforce").mx(PKIX_ADDRESS).mtaSts(POLICY_ADDRESS, "1").unsigned().publish();
    assertThat(enforce.mxHost()).isEqualTo(pkixName);
    enforceWrongName = zone.destination("sts-wrong-name").mx(PKIX_ADDRESS).mtaSts(POLICY_ADDRESS, "1").publish();
    enforceSelfSigned = zone.destination("sts-self-signed").mx(SELF_SIGNED_ADDRESS).mtaSts(POLICY_ADDRESS, "1")
        .unsigned().publish();
    enforceAndDane = zone.destination("sts-dane").mx(DANE_ADDRESS)
        .tlsa(OutboundZone.tlsaDaneEe(daneServer.certificate().getPublicKey())).mtaSts(POLICY_ADDRESS, "1").publish();
    testing = zone.destination("sts-testing").mx(DANE_ADDRESS).mtaSts(POLICY_ADDRESS, "1").publish();

    Map<String, String> policies = new LinkedHashMap<>();
    for (Destination d : List.of(enforce, enforceWrongName, enforceSelfSigned, enforceAndDane)) {
      policies.put(d.policyHost(), OutboundZone.policy("enforce", d.mxHost()));
    }
    policies.put(testing.policyHost(), OutboundZone.policy("testing", testing.mxHost()));
    PolicyMount policyServer = started(StsPolicies.serve(l, NS, POLICY_ADDRESS, policies,
        (key, host) -> l.issuer().signServer(key, List.of(host), Duration.ofDays(7))));

    stack = started(TlsPolicyStack.start(l.repoDir(), work.resolve("stack"), STACK_ADDRESS, l.dns().resolvConf(),
        l.issuer().caCertificateFile()));

    var spec = Mtas.spec(DOMAIN, "lmtp:[127.0.3.10]:2429");
    Mtas.allowSubmission(spec.getMta(), "127.0.3.96/28");
    spec.getMta().getOutbound().setDane(true);
    spec.getMta().getOutbound().setMtaSts(true);
    mta = started(LabMta.create(work.resolve("mta"), MTA, spec, l.issuer().caCertificateFile(), l.dns().resolvConf(),
        "inet:" + STACK_ADDRESS + ":" + TlsPolicyStack.POLICY_PORT));
    KeyPair key = LabPki.generateEcdsa();
    mta.serve(LabPki.certificatePem(LabPki.selfSignedServer(key, "mx." + DOMAIN, List.of("mx." + DOMAIN),
        Duration.ofDays(1))), LabPki.privateKeyPem(key.getPrivate(), false));
    mta.start();
    assertThat(mta.files().mainCf()).contains("smtp_tls_policy_maps = socketmap:inet:" + STACK_ADDRESS + ":"
        + TlsPolicyStack.POLICY_PORT + ":postfix");
    System.out.printf("[test] MTA-STS outbound: MTA %s (log %s), policy server %s (log %s)%n", MTA, mta.log(),
        POLICY_ADDRESS, policyServer.log());
  }

  static <T extends AutoCloseable> T started(T closeable) {
    return STARTED.add(closeable);
  }

  @AfterAll
  static void stop() {
    STARTED.closeAll();
  }

  static String recipient(Destination d) {
    return "user@" + d.domain();
  }

  static String submit(Destination to, String what) throws Exception {
    return Mtas.submit(MTA, CLIENT, "alice@" + DOMAIN, recipient(to), what);
  }

  /** The message at the destination's server, once it is there. */
  static Message received(MailStoreSink server, Destination to, String subject) {
    return await("the message to " + recipient(to) + " at " + to.mxHost()).atMost(Mtas.DELIVERY)
        .pollInterval(Duration.ofMillis(100)).until(() -> server.messagesContaining(subject), m -> !m.isEmpty()).get(0);
  }

  List<String> log(long mark, String regex) {
    return mta.logLines(mark, Pattern.compile(regex));
  }

  /** What the policy daemon answers Postfix for the destination. */
  static String policy(Destination d) throws Exception {
    return stack.lookup(d.domain());
  }

  @Test
  void anEnforcedDestinationWithATrustedCertificateGetsItsMailOverVerifiedTls() throws Exception {
    assertThat(policy(enforce)).isEqualTo("OK secure match=" + enforce.mxHost() + " servername=hostname");
    long mark = mta.logSize();
    String subject = submit(enforce, "mta-sts enforce, trusted");
    List<String> sent = Mtas.awaitDeliveryStatus(mta, mark, recipient(enforce), "sent");
    assertThat(sent.get(0)).contains("relay=" + enforce.mxHost() + "[" + PKIX_ADDRESS + "]:25");
    // The zone is not signed: no DANE; the certificate was checked against the lab CA and the policy's MX name.
    assertThat(log(mark, "Verified TLS connection established to " + Pattern.quote(enforce.mxHost())))
        .isNotEmpty();
    Message message = received(pkixServer, enforce, subject);
    assertThat(message.overTls()).isTrue();
    assertThat(message.recipients()).containsExactly(recipient(enforce));
  }

  @Test
  void anEnforcedDestinationWhoseCertificateIsSelfSignedGetsNothing() throws Exception {
    assertThat(policy(enforceSelfSigned)).startsWith("OK secure match=" + enforceSelfSigned.mxHost());
    long mark = mta.logSize();
    String subject = submit(enforceSelfSigned, "mta-sts enforce, self-signed");
    List<String> deferred = Mtas.awaitDeliveryStatus(mta, mark, recipient(enforceSelfSigned), "deferred");
    // Postfix's reason is the same for any failed check ("not verified"); the line before says which.
    assertThat(String.join("\n", deferred)).contains("dsn=4.7.5").contains("Server certificate not verified");
    assertThat(log(mark, "certificate verification failed for " + Pattern.quote(enforceSelfSigned.mxHost())
        + ".*self-signed certificate")).isNotEmpty();
    assertNothingLeft(selfSignedServer, enforceSelfSigned, subject, mark);
    assertThat(selfSignedServer.messages()).as("every message the self-signed destination received").isEmpty();
  }

  @Test
  void anEnforcedDestinationWhoseCertificateNamesAnotherHostGetsNothing() throws Exception {
    assertThat(LabPki.dnsNames(pkixServer.certificate())).doesNotContain(enforceWrongName.mxHost());
    assertThat(policy(enforceWrongName)).startsWith("OK secure match=" + enforceWrongName.mxHost());
    long mark = mta.logSize();
    String subject = submit(enforceWrongName, "mta-sts enforce, wrong name");
    List<String> deferred = Mtas.awaitDeliveryStatus(mta, mark, recipient(enforceWrongName), "deferred");
    assertThat(String.join("\n", deferred)).contains("dsn=4.7.5").contains("Server certificate not verified");
    // The chain is fine (the lab CA); the name is not.
    assertThat(log(mark, "certificate verification failed for " + Pattern.quote(enforceWrongName.mxHost())
        + ".*hostname mismatch")).isNotEmpty();
    assertNothingLeft(pkixServer, enforceWrongName, subject, mark);
  }

  /**
   * Deferred, not sent: the server was contacted (the TLS handshake happened) but received nothing
   * for the recipient, in the clear or not; the mail waits in the queue with the reason.
   */
  void assertNothingLeft(MailStoreSink server, Destination to, String subject, long mark) throws Exception {
    assertThat(server.connections()).as("connections to " + to.mxHost()).isPositive();
    // A retry (postqueue -f) must not find a weaker way out: it is deferred again.
    mta.flush();
    Pattern deferred = Pattern.compile("to=<" + Pattern.quote(recipient(to)) + ">.*status=deferred");
    await("a second delivery attempt to " + recipient(to) + " after postqueue -f, in " + mta.log())
        .atMost(Mtas.DELIVERY).pollInterval(Duration.ofMillis(200))
        .until(() -> mta.logLines(mark, deferred).size() >= 2);
    assertThat(log(mark, "to=<" + Pattern.quote(recipient(to)) + ">.*status=(sent|bounced)")).isEmpty();
    assertThat(server.messagesContaining(subject)).as("the message at " + to.mxHost()).isEmpty();
    assertThat(server.messages()).as("messages for " + recipient(to))
        .noneMatch(m -> m.recipients().contains(recipient(to)));
    assertThat(mta.queue()).as("postqueue -j").anyMatch(m -> m.recipients().contains(recipient(to))
        && m.delayReasons().stream().anyMatch(r -> r.contains("Server certificate not verified")));
  }

  @Test
  void daneWinsOverAnMtaStsPolicyTheCertificateWouldFail() throws Exception {
    // mta-sts-daemon alone would have made Postfix check the self-signed certificate against the
    // lab CA, and defer; the policy daemon in front answers "dane" (RFC 8461 section 2).
    assertThat(stack.lookupMtaSts(enforceAndDane.domain())).startsWith("OK secure match=" + enforceAndDane.mxHost());
    assertThat(policy(enforceAndDane)).isEqualTo("OK dane");
    assertThat(LabPki.isSelfSigned(daneServer.certificate())).isTrue();
    long mark = mta.logSize();
    String subject = submit(enforceAndDane, "dane over mta-sts");
    List<String> sent = Mtas.awaitDeliveryStatus(mta, mark, recipient(enforceAndDane), "sent");
    assertThat(sent.get(0)).contains("relay=" + enforceAndDane.mxHost() + "[" + DANE_ADDRESS + "]:25");
    assertThat(log(mark, "Verified TLS connection established to " + Pattern.quote(enforceAndDane.mxHost())))
        .isNotEmpty();
    Message message = received(daneServer, enforceAndDane, subject);
    assertThat(message.overTls()).isTrue();
    assertThat(Files.readString(stack.policyLog())).contains("domain=" + enforceAndDane.domain() + " answer=dane");
  }

  @Test
  void aTestingPolicyEnforcesNothing() throws Exception {
    // mode: testing is reported, not enforced (RFC 8461 section 5): no policy for Postfix, so the
    // default applies (DANE, none published here: opportunistic TLS).
    PolicyFetch served = new HttpsPolicyFetcher(PkixRoots.only(PkixRoots.readPem(lab.issuer().caCertificateFile())),
        Duration.ofSeconds(5)).fetch(testing.domain(), List.of(InetAddress.getByName(POLICY_ADDRESS)),
        PolicyServers.HTTPS_PORT);
    assertThat(served.ok()).as("the policy of " + testing.domain() + ": " + served.failure()).isTrue();
    assertThat(served.body()).contains("mode: testing").contains("mx: " + testing.mxHost());
    assertThat(policy(testing)).isEqualTo("NOTFOUND ");
    long mark = mta.logSize();
    String subject = submit(testing, "mta-sts testing");
    Mtas.awaitDeliveryStatus(mta, mark, recipient(testing), "sent");
    assertThat(log(mark, "Untrusted TLS connection established to " + Pattern.quote(testing.mxHost())))
        .isNotEmpty();
    Message message = received(daneServer, testing, subject);
    assertThat(message.overTls()).as("opportunistic TLS").isTrue();
    assertThat(message.recipients()).containsExactly(recipient(testing));
  }
}
