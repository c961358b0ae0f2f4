package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.lab.Lab;
import io.securemail.lab.dns.ZoneUpdates;
import io.securemail.lab.mail.LabMta;
import io.securemail.lab.mail.MailStoreSink;
import io.securemail.lab.mail.MailStoreSink.Message;
import io.securemail.lab.mail.MailStoreSink.Protocol;
import io.securemail.lab.support.LabPki;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.api.IssuerRef;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.mta.PostfixConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's MTA as the domain's MX: a real Postfix runs the configuration the operator renders
 * for spec.mta and serves the MX certificate the operator has issued into {@code NAME-mx-tls}.
 * Senders on the internet reach it on port 25, the organisation's hosts on 587; what they see, and
 * what reaches the mail store and the destinations, is what is checked.
 *
 * <p>Two MTAs for the class: {@code corp} on 127.0.3.1 (bsi-tr-03108, mail store over LMTP,
 * outbound headers stripped, TLS optional on port 25 as RFC 3207 asks of a public MX) and
 * {@code strict} on 127.0.3.2 (mozilla-intermediate, mail store over SMTP, headers kept, TLS
 * required on port 25); the mail store records on 127.0.3.10, a destination on the "internet" on
 * 127.0.3.11:25 (its MX and address records under example.test). One scenario starts two more
 * MTAs of its own on 127.0.3.7 and 127.0.3.8.
 */
@ExtendWith(LabExtension.class)
class MtaInboundTest {

  static final String NS = "mta-inbound";
  static final String DOMAIN = "corp.mta.test";
  static final String STRICT_DOMAIN = "strict.mta.test";
  static final String STORE = "127.0.3.10";
  static final int STORE_LMTP = 2424;
  static final int STORE_SMTP = 2525;
  /** The organisation's hosts that may submit (allowedNetworks), and a loopback host outside it. */
  static final String ALLOWED_NETWORK = "127.0.3.96/28";
  static final String INSIDE_CLIENT = "127.0.3.100";
  static final String OUTSIDE_CLIENT = "127.0.3.120";
  /** A destination on the "internet" (its MX resolved through the lab's validating resolver). */
  static final String DEST_ZONE = "example.test";
  static final String DEST_DOMAIN = "dest.mta-in.example.test";
  static final String DEST_ADDRESS = "127.0.3.11";
  static final Duration DELIVERED = Duration.ofSeconds(20);
  /** A local part the mail store has no mailbox for. */
  static final String UNKNOWN_USER = "nobody-here";

  static Lab lab;
  static KubernetesClient client;
  static MailStoreSink store;
  static MailStoreSink destination;
  static LabMta corp;
  static LabMta strict;

  @BeforeAll
  static void start(Lab l) throws Exception {
    lab = l;
    client = l.client();
    Domains.createNamespace(client, NS);
    store = new MailStoreSink("store.mta.test").listen(Protocol.LMTP, STORE, STORE_LMTP)
        .listen(Protocol.SMTP, STORE, STORE_SMTP);
    store.unknownRecipients(address -> address.startsWith(UNKNOWN_USER + "@"));
    destination = new MailStoreSink("mx." + DEST_DOMAIN).listen(Protocol.SMTP, DEST_ADDRESS, 25);
    ZoneUpdates.add(lab.dns(), lab.dns().authoritativeAddress(), lab.dns().authoritativePort(), DEST_ZONE, List.of(
        DEST_DOMAIN + ". 60 IN MX 10 mx." + DEST_DOMAIN + ".",
        "mx." + DEST_DOMAIN + ". 60 IN A " + DEST_ADDRESS));

    // corp: the operator issues its MX certificate, the lab mounts it as the kubelet would.
    SecureMailDomain smd = Domains.minimal(NS, "corp", DOMAIN);
    smd.getSpec().getCertificates().setIssuerRef(new IssuerRef("lab-ca", IssuerRef.Kind.CLUSTER_ISSUER));
    smd.getSpec().setMta(Mtas.spec(DOMAIN, "lmtp:[" + STORE + "]:" + STORE_LMTP).getMta());
    MtaSpec mta = smd.getSpec().getMta();
    Mtas.allowSubmission(mta, ALLOWED_NETWORK);
    mta.getOutbound().setMtaSts(false); // the DANE-first policy daemon is not part of this lab yet
    Domains.api(client).inNamespace(NS).resource(smd).create();
    Path work = lab.workDir().resolve("mta-inbound");
    corp = LabMta.create(work.resolve("corp"), "127.0.3.1", smd.getSpec(), lab.issuer().caCertificateFile(),
        lab.dns().resolvConf());
    corp.mountSecret(client, NS, "corp-mx-tls");
    await("the operator to issue Secret corp-mx-tls and the lab to mount it").atMost(Duration.ofSeconds(60))
        .until(corp::hasCertificate);
    corp.start();

    var strictSpec = Mtas.spec(STRICT_DOMAIN, "smtp:[" + STORE + "]:" + STORE_SMTP);
    strictSpec.getMta().setTlsProfile(MtaSpec.TlsProfile.MOZILLA_INTERMEDIATE);
    strictSpec.getMta().getInbound().setRequireTls(true);
    Mtas.allowSubmission(strictSpec.getMta(), ALLOWED_NETWORK);
    strictSpec.getMta().getOutbound().setStripInternalHeaders(false);
    strictSpec.getMta().getOutbound().setMtaSts(false);
    strict = LabMta.create(work.resolve("strict"), "127.0.3.2", strictSpec, lab.issuer().caCertificateFile(),
        lab.dns().resolvConf());
    var key = LabPki.generateEcdsa();
    strict.serve(LabPki.certificatePem(LabPki.selfSignedServer(key,
        "mx." + STRICT_DOMAIN, List.of("mx." + STRICT_DOMAIN), Duration.ofDays(1))),
        LabPki.privateKeyPem(key.getPrivate(), false));
    strict.start();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {corp, strict, store, destination}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        System.out.println("[test] closing " + closeable + ": " + e);
      }
    }
  }

  @Test
  void mailForTheDomainReachesTheMailStoreOverTlsWithTheTlsDetailsInReceived() throws Exception {
    String subject = Mtas.uniqueSubject("inbound");
    ManagedProcess.Completed sent = Mtas.swaks("127.0.3.1", 25, "alice@sender.example", "bob@" + DOMAIN, subject,
        "--tls");
    assertThat(sent.exitCode()).as("swaks transcript:\n" + sent.output()).isZero();
    assertThat(sent.output()).contains("TLS started with cipher TLSv1.");

    Message message = awaitMessage(store, subject);
    assertThat(message.protocol()).isEqualTo(Protocol.LMTP);
    assertThat(message.recipients()).containsExactly("bob@" + DOMAIN);
    assertThat(message.mailFrom()).isEqualTo("alice@sender.example");
    // deliverToTls encrypt (the default): the hop to the mail store is TLS too.
    assertThat(message.overTls()).as("LMTP hop to the mail store over TLS").isTrue();
    assertThat(message.tlsProtocol()).isIn("TLSv1.2", "TLSv1.3");
    // smtpd_tls_received_header: the recipient can see how the message arrived.
    String received = message.header("Received").get(0);
    assertThat(received).containsPattern("using TLSv1\\.[23] with cipher \\S+")
        .contains("by " + PostfixConfig.hostname(corp.spec()) + " ");
  }

  @Test
  void aMessageForSeveralRecipientsIsDeliveredToEachOverLmtp() throws Exception {
    String subject = Mtas.uniqueSubject("inbound two recipients");
    long mark = corp.logSize();
    ManagedProcess.Completed sent = Mtas.swaks("127.0.3.1", 25, "alice@sender.example",
        "bob@" + DOMAIN + ",carol@" + DOMAIN, subject, "--tls");
    assertThat(sent.exitCode()).as("swaks transcript:\n" + sent.output()).isZero();
    await("both recipients at the mail store").atMost(DELIVERED).pollInterval(Duration.ofMillis(100))
        .until(() -> store.messagesContaining(subject).stream().flatMap(m -> m.recipients().stream()).toList(),
            r -> r.containsAll(List.of("bob@" + DOMAIN, "carol@" + DOMAIN)));
    // LMTP answers once per recipient (RFC 2033 section 4.2); Postfix records each as delivered.
    for (String recipient : List.of("bob@" + DOMAIN, "carol@" + DOMAIN)) {
      await("status=sent for " + recipient + " in " + corp.log()).atMost(DELIVERED)
          .until(() -> corp.logLines(mark, java.util.regex.Pattern.compile("to=<" + recipient + ">.*status=sent")),
              l -> !l.isEmpty());
    }
    assertThat(store.messagesContaining(subject)).allMatch(Message::overTls, "over TLS");
  }

  @Test
  void mailToTheStoreOverSmtpIsAlsoEncrypted() throws Exception {
    String subject = Mtas.uniqueSubject("inbound smtp");
    ManagedProcess.Completed sent = Mtas.swaks("127.0.3.2", 25, "alice@sender.example", "carol@" + STRICT_DOMAIN,
        subject, "--tls");
    assertThat(sent.exitCode()).as("swaks transcript:\n" + sent.output()).isZero();
    Message message = awaitMessage(store, subject);
    assertThat(message.protocol()).isEqualTo(Protocol.SMTP);
    assertThat(message.recipients()).containsExactly("carol@" + STRICT_DOMAIN);
    assertThat(message.overTls()).as("SMTP hop to the mail store over TLS").isTrue();
  }

  @Test
  void deliverToTlsEncryptSendsNothingToAStoreWithoutTlsAndMaySends() throws Exception {
    // A mail store that offers no STARTTLS, behind one MTA with deliverToTls encrypt (the default)
    // and one with may.
    try (MailStoreSink plainStore = new MailStoreSink("plain-store.mta.test").listen(Protocol.LMTP, STORE, 2430)) {
      plainStore.offerStartTls(false);
      Path work = lab.workDir().resolve("mta-inbound");
      var encryptSpec = Mtas.spec("encrypt.mta.test", "lmtp:[" + STORE + "]:2430");
      var maySpec = Mtas.spec("may.mta.test", "lmtp:[" + STORE + "]:2430");
      maySpec.getMta().getInbound().setDeliverToTls(MtaSpec.HopTls.MAY);
      try (LabMta encrypt = LabMta.create(work.resolve("encrypt"), "127.0.3.7", encryptSpec,
          lab.issuer().caCertificateFile(), lab.dns().resolvConf());
          LabMta may = LabMta.create(work.resolve("may"), "127.0.3.8", maySpec, lab.issuer().caCertificateFile(),
              lab.dns().resolvConf())) {
        for (LabMta mta : List.of(encrypt, may)) {
          var key = LabPki.generateEcdsa();
          String host = PostfixConfig.hostname(mta.spec());
          mta.serve(LabPki.certificatePem(LabPki.selfSignedServer(key, host,
              List.of(host), Duration.ofDays(1))), LabPki.privateKeyPem(key.getPrivate(), false));
          mta.start();
        }
        long mark = encrypt.logSize();
        String kept = Mtas.uniqueSubject("to a store without TLS, encrypt");
        // The encrypt MTA cannot even ask the store about bob (recipient verification goes the
        // delivery route, TLS required): the sender is told to retry, nothing is sent in the clear.
        ManagedProcess.Completed refused = Mtas.swaks("127.0.3.7", 25, "alice@sender.example", "bob@encrypt.mta.test",
            kept, "--tls");
        assertThat(refused.exitCode()).as("swaks transcript:\n" + refused.output()).isNotZero();
        assertThat(refused.output()).containsPattern("<~\\* +450 4\\.\\d\\.\\d <bob@encrypt\\.mta\\.test>");
        await("the encrypt MTA to log why the store was not used").atMost(DELIVERED)
            .until(() -> encrypt.logLines(mark, java.util.regex.Pattern.compile("to=<bob@encrypt\\.mta\\.test>.*"
                + "TLS is required, but was not offered")), l -> !l.isEmpty());

        String sent = Mtas.uniqueSubject("to a store without TLS, may");
        assertThat(Mtas.swaks("127.0.3.8", 25, "alice@sender.example", "bob@may.mta.test", sent, "--tls")
            .exitCode()).isZero();
        Message message = awaitMessage(plainStore, sent);
        assertThat(message.overTls()).as("delivered in the clear, as deliverToTls may allows").isFalse();
        assertThat(plainStore.messagesContaining(kept)).as("messages the encrypt MTA sent in the clear").isEmpty();
      }
    }
  }

  @Test
  void mailForOtherDomainsIsRefused() throws Exception {
    String subject = Mtas.uniqueSubject("relay attempt");
    ManagedProcess.Completed sent = Mtas.swaks("127.0.3.1", 25, "spammer@sender.example", "victim@" + DEST_DOMAIN,
        subject, "--tls");
    assertThat(sent.exitCode()).as("swaks transcript:\n" + sent.output()).isNotZero();
    assertThat(sent.output()).containsPattern("<~\\* +554 5\\.7\\.1 .*Relay access denied");
    // Not even from the network allowed to submit on 587: port 25 relays nothing.
    ManagedProcess.Completed inside = Mtas.swaks("127.0.3.1", 25, "alice@" + DOMAIN, "victim@" + DEST_DOMAIN,
        subject, "--tls", "--local-interface", INSIDE_CLIENT);
    assertThat(inside.output()).as("swaks transcript").containsPattern("554 5\\.7\\.1 .*Relay access denied");
    Thread.sleep(1000);
    assertThat(destination.messagesContaining(subject)).isEmpty();
    assertThat(store.messagesContaining(subject)).isEmpty();
  }

  @Test
  void theMxCertificateIsServed() throws Exception {
    Secret secret = client.secrets().inNamespace(NS).withName("corp-mx-tls").get();
    String pem = new String(Base64.getDecoder().decode(secret.getData().get("tls.crt")), StandardCharsets.US_ASCII);
    var served = Mtas.startTls("127.0.3.1", 25);
    assertThat(served.certificate()).isEqualTo(Mtas.certificate(pem));
    assertThat(served.certificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=" + PostfixConfig.hostname(corp.spec()));
    // The submission port serves the same certificate.
    assertThat(Mtas.startTls("127.0.3.1", 587).certificate()).isEqualTo(Mtas.certificate(pem));
  }

  @Test
  void tls12And13AreAcceptedAndTls11IsRefused() throws Exception {
    for (String address : List.of("127.0.3.1", "127.0.3.2")) {
      assertThat(Mtas.negotiatedProtocol(Mtas.openssl(address, 25, "-tls1_2"))).isEqualTo("TLSv1.2");
      assertThat(Mtas.negotiatedProtocol(Mtas.openssl(address, 25, "-tls1_3"))).isEqualTo("TLSv1.3");
      // OpenSSL 3 would refuse TLS 1.1 itself at its default security level; level 0 lets it try,
      // so that the refusal seen is the server's ("protocol version" alert).
      ManagedProcess.Completed tls11 = Mtas.openssl(address, 25, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");
      assertThat(Mtas.negotiatedProtocol(tls11)).as("openssl output:\n" + tls11.output()).isNull();
      assertThat(tls11.output()).contains("protocol version");
    }
  }

  @Test
  void bsiProfileAcceptsOnlyForwardSecretAeadSuitesInTls12() throws Exception {
    // Every TLS 1.2 suite OpenSSL knows for an ECDSA certificate, one handshake each.
    ManagedProcess.Completed list = ManagedProcess.run(List.of("openssl", "ciphers", "-tls1_2", "aECDSA:@SECLEVEL=0"));
    List<String> suites = List.of(list.output().strip().split(":"));
    assertThat(suites).as("suites to try").anyMatch(s -> s.contains("-GCM-")).anyMatch(s -> !s.contains("-GCM-"));
    List<String> accepted = new ArrayList<>();
    for (String suite : suites) {
      ManagedProcess.Completed handshake = Mtas.openssl("127.0.3.1", 25, "-tls1_2", "-cipher", suite + ":@SECLEVEL=0");
      if (Mtas.negotiatedProtocol(handshake) != null) {
        accepted.add(Mtas.negotiatedCipher(handshake));
      }
    }
    assertThat(accepted).as("TLS 1.2 suites accepted out of " + suites).isNotEmpty()
        .allMatch(s -> s.startsWith("ECDHE-") && s.contains("-GCM-"), "ECDHE with AES-GCM");
    // A client offering CBC suites only gets no session at all.
    ManagedProcess.Completed cbc = Mtas.openssl("127.0.3.1", 25, "-tls1_2", "-cipher",
        "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384");
    assertThat(Mtas.negotiatedProtocol(cbc)).as("openssl output:\n" + cbc.output()).isNull();
  }

  /**
   * TLS 1.3 under bsi-tr-03108: TR-02102-2 Table 11 (AES-GCM, AES-128-CCM), from the rendered
   * openssl.cnf; a client offering only ChaCha20-Poly1305 gets no session.
   */
  @Test
  void bsiProfileServesOnlyTable11SuitesInTls13() throws Exception {
    for (String suite : List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_AES_128_CCM_SHA256")) {
      ManagedProcess.Completed tls13 = Mtas.openssl("127.0.3.1", 25, "-tls1_3", "-ciphersuites", suite);
      assertThat(Mtas.negotiatedCipher(tls13)).as("openssl output:\n" + tls13.output()).isEqualTo(suite);
    }
    ManagedProcess.Completed chacha = Mtas.openssl("127.0.3.1", 25, "-tls1_3", "-ciphersuites",
        "TLS_CHACHA20_POLY1305_SHA256");
    assertThat(Mtas.negotiatedProtocol(chacha)).as("openssl output:\n" + chacha.output()).isNull();
    assertThat(chacha.output()).contains("handshake failure");
  }

  /** mozilla-intermediate keeps OpenSSL's TLS 1.3 suites, ChaCha20-Poly1305 among them, as Mozilla lists them. */
  @Test
  void mozillaProfileServesChaCha20InTls13() throws Exception {
    ManagedProcess.Completed chacha = Mtas.openssl("127.0.3.2", 25, "-tls1_3", "-ciphersuites",
        "TLS_CHACHA20_POLY1305_SHA256");
    assertThat(Mtas.negotiatedCipher(chacha)).as("openssl output:\n" + chacha.output())
        .isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
  }

  @Test
  void requireTlsRefusesPlainMailAndOptionalTlsAcceptsIt() throws Exception {
    assertThat(Mtas.plainMailFrom("127.0.3.2", 25, "alice@sender.example"))
        .startsWith("530").contains("Must issue a STARTTLS command first");
    // A public MX without requireTls takes mail from a sender without TLS (RFC 3207 section 4).
    assertThat(Mtas.plainMailFrom("127.0.3.1", 25, "alice@sender.example")).startsWith("250");
  }

  @Test
  void submissionRequiresTls() throws Exception {
    for (String address : List.of("127.0.3.1", "127.0.3.2")) {
      assertThat(Mtas.plainMailFrom(address, 587, "alice@" + DOMAIN))
          .startsWith("530").contains("Must issue a STARTTLS command first");
    }
  }

  /** Port 587 is no open relay: the right network is not enough without a client certificate with a listed key. */
  @Test
  void aClientOfAnAllowedNetworkWithoutAListedCertificateCannotSubmit() throws Exception {
    String subject = Mtas.uniqueSubject("submission without certificate");
    ManagedProcess.Completed none = Mtas.submitWith("127.0.3.1", INSIDE_CLIENT, "alice@" + DOMAIN,
        "dave@" + DEST_DOMAIN, subject);
    assertThat(none.exitCode()).as("swaks transcript:\n" + none.output()).isNotZero();
    assertThat(none.output()).containsPattern("<~\\* +554 5\\.7\\.1 .*submission requires a TLS client "
        + "certificate with a key this MTA knows");

    Mtas.ClientCertificate stranger = Mtas.ClientCertificate.create("stranger.lab.test");
    ManagedProcess.Completed other = Mtas.submitWith("127.0.3.1", INSIDE_CLIENT, "alice@" + DOMAIN,
        "dave@" + DEST_DOMAIN, subject, stranger.swaksOptions());
    assertThat(other.output()).as("swaks transcript").contains("TLS started")
        .containsPattern("<~\\* +554 5\\.7\\.1 .*submission requires a TLS client certificate");
    assertThat(other.exitCode()).isNotZero();
    Thread.sleep(1000);
    assertThat(destination.messagesContaining(subject)).isEmpty();
  }

  /** A system that may submit can still only send as the domain (RFC 6409 section 8). */
  @Test
  void anAuthenticatedClientCannotSendAsAnotherDomain() throws Exception {
    String subject = Mtas.uniqueSubject("submission forged sender");
    for (String from : List.of("alice@sender.example", "alice@sub." + DOMAIN)) {
      ManagedProcess.Completed sent = Mtas.submitWith("127.0.3.1", INSIDE_CLIENT, from, "dave@" + DEST_DOMAIN,
          subject, Mtas.CLIENT_CERTIFICATE.swaksOptions());
      assertThat(sent.exitCode()).as("from <" + from + ">; swaks transcript:\n" + sent.output()).isNotZero();
      assertThat(sent.output()).containsPattern("<~\\* +554 5\\.7\\.1 .*the sender address must belong to "
          + java.util.regex.Pattern.quote(DOMAIN));
    }
    Thread.sleep(1000);
    assertThat(destination.messagesContaining(subject)).isEmpty();
  }

  /**
   * An authenticated client's mail reaches the destination with the MTA's own Received header (RFC
   * 5321 section 4.4: the hop count that finds loops) but without the client's name and address,
   * the internal hops' headers, or the mail client's; an external hop of the message stays.
   */
  @Test
  void anAuthenticatedClientSubmitsAndTheMailKeepsTheMtasOwnReceivedHeaderOnly() throws Exception {
    String subject = Mtas.uniqueSubject("outbound stripped");
    String internalHop = "from app1.corp.internal (app1.corp.internal [10.1.2.3]) by relay.corp.internal "
        + "(Postfix) with ESMTP id 1A2B3C; Sun, 6 Dec 2026 14:00:00 +0000";
    String localHop = "by app1.corp.internal (Postfix, from userid 33) id 9F8E7D; Sun, 6 Dec 2026 13:59:59 +0000";
    String externalHop = "from mail.partner.example (mail.partner.example [192.0.2.9]) by mx.partner.example "
        + "with ESMTPS id 77; Sun, 6 Dec 2026 13:59:00 +0000";
    ManagedProcess.Completed sent = Mtas.submitWith("127.0.3.1", INSIDE_CLIENT, "alice@" + DOMAIN,
        "dave@" + DEST_DOMAIN, subject, "--tls-cert", Mtas.CLIENT_CERTIFICATE.certificateFile().toString(),
        "--tls-key", Mtas.CLIENT_CERTIFICATE.keyFile().toString(), "--add-header", "Received: " + internalHop,
        "--add-header", "Received: " + localHop, "--add-header", "Received: " + externalHop);
    assertThat(sent.exitCode()).as("swaks transcript:\n" + sent.output()).isZero();
    Message message = awaitMessage(destination, subject);
    assertThat(message.recipients()).containsExactly("dave@" + DEST_DOMAIN);
    assertThat(message.overTls()).as("delivered to the destination over TLS").isTrue();
    List<String> received = message.header("Received");
    assertThat(received).as("Received headers at the destination").hasSize(2);
    assertThat(received.get(0)).as("the MTA's own Received header, first")
        .startsWith("by " + PostfixConfig.hostname(corp.spec()) + " (Postfix) with ESMTPS id ")
        .contains("for <dave@" + DEST_DOMAIN + ">")
        .doesNotContain("client.lab.test").doesNotContain("app.lab.test").doesNotContain("TLS");
    assertThat(received.get(1)).isEqualTo(externalHop);
    assertThat(message.header("X-Mailer")).isEmpty();
    assertThat(message.headers()).doesNotContain(INSIDE_CLIENT).doesNotContain("10.1.2.3")
        .doesNotContain("app1.corp.internal");
    assertThat(message.header("Subject")).containsExactly(subject);
  }

  @Test
  void withoutStrippingTheInternalHopsAreVisibleAtTheDestination() throws Exception {
    String subject = Mtas.uniqueSubject("outbound kept");
    ManagedProcess.Completed sent = Mtas.submitWith("127.0.3.2", INSIDE_CLIENT, "alice@" + STRICT_DOMAIN,
        "erin@" + DEST_DOMAIN, subject, Mtas.CLIENT_CERTIFICATE.swaksOptions());
    assertThat(sent.exitCode()).as("swaks transcript:\n" + sent.output()).isZero();
    Message message = awaitMessage(destination, subject);
    assertThat(message.header("Received")).anyMatch(r -> r.contains(INSIDE_CLIENT));
    assertThat(message.header("X-Mailer")).containsExactly("securemail-lab");
  }

  @Test
  void hostsOutsideTheAllowedNetworksCannotSubmitEvenWithAListedCertificate() throws Exception {
    String subject = Mtas.uniqueSubject("outbound from outside");
    ManagedProcess.Completed sent = Mtas.submitWith("127.0.3.1", OUTSIDE_CLIENT, "mallory@" + DOMAIN,
        "dave@" + DEST_DOMAIN, subject, Mtas.CLIENT_CERTIFICATE.swaksOptions());
    assertThat(sent.exitCode()).as("swaks transcript:\n" + sent.output()).isNotZero();
    assertThat(sent.output()).containsPattern("<~\\* +554 5\\.7\\.1 .*Client host rejected: Access denied");
    Thread.sleep(1000);
    assertThat(destination.messagesContaining(subject)).isEmpty();
  }

  /**
   * No backscatter: mail for an address the mail store does not have is refused at RCPT (the
   * sending server tells its user), not accepted and bounced to a sender that may be forged.
   */
  @Test
  void port25RefusesUnknownRecipientsAtRcptAndBouncesNothing() throws Exception {
    String unknown = UNKNOWN_USER + "@" + DOMAIN;
    String subject = Mtas.uniqueSubject("to an unknown user");
    long mark = corp.logSize();
    ManagedProcess.Completed sent = Mtas.swaks("127.0.3.1", 25, "forged@victim.example", unknown, subject, "--tls");
    assertThat(sent.exitCode()).as("swaks transcript:\n" + sent.output()).isNotZero();
    assertThat(sent.output()).containsPattern("<~\\* +550 5\\.1\\.1 <" + java.util.regex.Pattern.quote(unknown)
        + ">: Recipient address rejected");
    // Known users of the same domain are accepted as before.
    String known = Mtas.uniqueSubject("to a known user");
    assertThat(Mtas.swaks("127.0.3.1", 25, "alice@sender.example", "bob@" + DOMAIN, known, "--tls").exitCode())
        .isZero();
    awaitMessage(store, known);
    assertThat(store.messagesContaining(subject)).isEmpty();
    assertThat(corp.queue()).noneMatch(m -> m.recipients().contains(unknown) || m.sender().isEmpty());
    assertThat(corp.logLines(mark, java.util.regex.Pattern.compile("status=bounced|sender non-delivery notification")))
        .isEmpty();
  }

  /** Port 25 relays the domain itself, not its subdomains (Postfix's default would). */
  @Test
  void subdomainsOfTheDomainAreNotRelayed() throws Exception {
    String subject = Mtas.uniqueSubject("to a subdomain");
    ManagedProcess.Completed sent = Mtas.swaks("127.0.3.1", 25, "alice@sender.example", "bob@sub." + DOMAIN,
        subject, "--tls");
    assertThat(sent.exitCode()).as("swaks transcript:\n" + sent.output()).isNotZero();
    assertThat(sent.output()).containsPattern("<~\\* +554 5\\.7\\.1 .*Relay access denied");
  }

  static Message awaitMessage(MailStoreSink sink, String subject) {
    return await("message '" + subject + "' to arrive").atMost(DELIVERED).pollInterval(Duration.ofMillis(100))
        .until(() -> sink.messagesContaining(subject).stream().findFirst(), java.util.Optional::isPresent).get();
  }
}
