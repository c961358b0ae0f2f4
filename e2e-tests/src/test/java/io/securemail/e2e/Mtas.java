package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.securemail.lab.mail.LabMta;
import io.securemail.lab.support.LabPki;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.operator.api.MtaSpec;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomainSpec;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/** What the MTA scenarios share: specs, and clients that act as senders do (swaks, openssl, a plain socket). */
final class Mtas {

  private Mtas() {}

  /** A spec with spec.mta for {@code domain}, one MX host, and the given mail store. */
  static SecureMailDomainSpec spec(String domain, String deliverTo) {
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain(domain);
    spec.setMx(List.of(new MxHost("mx." + domain, 10)));
    MtaSpec mta = new MtaSpec();
    mta.getInbound().setDeliverTo(deliverTo);
    spec.setMta(mta);
    return spec;
  }

  /** How long a delivery attempt may take to be logged, or a message to arrive. */
  static final Duration DELIVERY = Duration.ofSeconds(20);

  /**
   * A TLS client certificate of one of the organisation's systems: a key, a self-signed certificate
   * for it (no CA: the MTA trusts the key it is told), both as PEM files for swaks, and the key's
   * SHA-256 digest as spec.mta.submission.clientCertificates.spkiSha256 lists it.
   */
  record ClientCertificate(Path certificateFile, Path keyFile, String spkiSha256) {

    static ClientCertificate create(String name) {
      try {
        KeyPair key = LabPki.generateEcdsa();
        Path dir = Files.createTempDirectory("securemail-client-" + name);
        Path certificate = dir.resolve("client.crt");
        Path privateKey = dir.resolve("client.key");
        Files.writeString(certificate, LabPki.certificatePem(LabPki.selfSignedServer(key, name, List.of(name),
            Duration.ofDays(1))));
        Files.writeString(privateKey, LabPki.privateKeyPem(key.getPrivate(), false));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getPublic().getEncoded());
        return new ClientCertificate(certificate, privateKey, HexFormat.of().formatHex(digest));
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException("cannot make a client certificate", e);
      }
    }

    /** swaks options that present this certificate when TLS starts. */
    String[] swaksOptions() {
      return new String[] {"--tls-cert", certificateFile.toString(), "--tls-key", keyFile.toString()};
    }
  }

  /** The certificate the MTA scenarios' organisation systems submit with. */
  static final ClientCertificate CLIENT_CERTIFICATE = ClientCertificate.create("app.lab.test");

  /** Opens submission on the spec: these networks, and {@link #CLIENT_CERTIFICATE}'s key. */
  static void allowSubmission(MtaSpec mta, String... networks) {
    mta.getOutbound().setAllowedNetworks(List.of(networks));
    mta.getSubmission().getClientCertificates().setSpkiSha256(List.of(CLIENT_CERTIFICATE.spkiSha256()));
  }

  /**
   * Submits one message on port 587 over TLS from a host of the MTA's allowed networks with
   * {@link #CLIENT_CERTIFICATE}, as the organisation's systems do; the MTA must accept it.
   *
   * @return the message's unique Subject
   */
  static String submit(String mtaAddress, String client, String from, String to, String what) throws IOException {
    String subject = uniqueSubject(what);
    ManagedProcess.Completed sent = submitWith(mtaAddress, client, from, to, subject,
        CLIENT_CERTIFICATE.swaksOptions());
    assertThat(sent.exitCode()).as("accepted on 587; swaks transcript:\n" + sent.output()).isZero();
    return subject;
  }

  /** swaks on port 587 over TLS from the client address, with these further options (e.g. a certificate). */
  static ManagedProcess.Completed submitWith(String mtaAddress, String client, String from, String to, String subject,
      String... extra) throws IOException {
    List<String> options = new ArrayList<>(List.of("--tls", "--local-interface", client));
    options.addAll(List.of(extra));
    return swaks(mtaAddress, LabMta.SUBMISSION_PORT, from, to, subject, options.toArray(String[]::new));
  }

  /**
   * The MTA's log lines about delivery to the recipient since the mark, once one has the status
   * (sent, deferred, bounced); fails after {@link #DELIVERY}.
   */
  static List<String> awaitDeliveryStatus(LabMta mta, long mark, String recipient, String status) {
    Pattern line = Pattern.compile("to=<" + Pattern.quote(recipient) + ">.*status=" + status);
    return await("a delivery attempt to " + recipient + " with status=" + status + " in " + mta.log())
        .atMost(DELIVERY).pollInterval(Duration.ofMillis(200))
        .until(() -> mta.logLines(mark, line), lines -> !lines.isEmpty());
  }

  /** A Subject no other message has, to find this one at the receiving end. */
  static String uniqueSubject(String what) {
    return what + " " + UUID.randomUUID();
  }

  /**
   * swaks, a real SMTP client, sending one message; its exit code is 0 when the server accepted
   * the message (the transcript tells what happened otherwise).
   *
   * @param extra further swaks options, e.g. {@code --tls} or {@code --local-interface ADDRESS}
   */
  static ManagedProcess.Completed swaks(String server, int port, String from, String to, String subject,
      String... extra) throws IOException {
    List<String> command = new ArrayList<>(List.of("swaks", "--server", server, "--port", String.valueOf(port),
        "--from", from, "--to", to, "--helo", "client.lab.test", "--header", "Subject: " + subject,
        "--header", "X-Mailer: securemail-lab", "--timeout", "20"));
    command.addAll(List.of(extra));
    return ManagedProcess.run(command);
  }

  /**
   * {@code openssl s_client -starttls smtp} with these extra options; its output tells which
   * protocol and suite were agreed, if any. {@code -brief} keeps it short.
   */
  static ManagedProcess.Completed openssl(String address, int port, String... options) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-brief", "-starttls", "smtp",
        "-connect", address + ":" + port, "-servername", "mx.lab.test"));
    command.addAll(List.of(options));
    // s_client waits on stdin; an empty stdin ends it after the handshake.
    return ManagedProcess.run(List.of("sh", "-c", String.join(" ", command.stream().map(Mtas::quote).toList())
        + " </dev/null"));
  }

  /** The protocol openssl -brief reports, or null when no TLS session was established. */
  static String negotiatedProtocol(ManagedProcess.Completed openssl) {
    Matcher m = Pattern.compile("Protocol version: (\\S+)").matcher(openssl.output());
    return openssl.exitCode() == 0 && m.find() ? m.group(1) : null;
  }

  /** The suite openssl -brief reports, or null. */
  static String negotiatedCipher(ManagedProcess.Completed openssl) {
    Matcher m = Pattern.compile("Ciphersuite: (\\S+)").matcher(openssl.output());
    return openssl.exitCode() == 0 && m.find() ? m.group(1) : null;
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /** What an SMTP server presents after EHLO and STARTTLS, seen by a client that trusts anything. */
  record Handshake(X509Certificate certificate, String protocol, String cipher) {}

  static Handshake startTls(String address, int port) throws IOException {
    return startTls(address, port, null, null);
  }

  /**
   * As {@link #startTls(String, int)}, with a client that offers only this protocol and these
   * suites (JSSE names, which for TLS 1.3 are RFC 8446's); a server that accepts none of them
   * refuses the handshake ({@link javax.net.ssl.SSLHandshakeException}).
   */
  static Handshake startTls(String address, int port, String protocol, List<String> suites) throws IOException {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(address, port), 2000);
      plain.setSoTimeout(5000);
      BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = plain.getOutputStream();
      PostfixLabTest.expect(in, "220");
      out.write("EHLO probe.lab.test\r\n".getBytes(StandardCharsets.US_ASCII));
      String capabilities = PostfixLabTest.expect(in, "250");
      if (!capabilities.contains("STARTTLS")) {
        throw new IOException("no STARTTLS offered by " + address + ":" + port + ": " + capabilities);
      }
      out.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
      PostfixLabTest.expect(in, "220");
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new PostfixLabTest.TrustAll()}, new SecureRandom());
      try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, address, port, true)) {
        if (protocol != null) {
          tls.setEnabledProtocols(new String[] {protocol});
        }
        if (suites != null) {
          tls.setEnabledCipherSuites(suites.toArray(String[]::new));
        }
        tls.startHandshake();
        X509Certificate served = (X509Certificate) tls.getSession().getPeerCertificates()[0];
        String agreed = tls.getSession().getProtocol();
        String cipher = tls.getSession().getCipherSuite();
        tls.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        return new Handshake(served, agreed, cipher);
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  /**
   * One message over STARTTLS, as a sending MTA would do it (EHLO, STARTTLS, EHLO, MAIL, RCPT,
   * DATA), failing unless every reply is positive.
   *
   * @return the certificate the server presented
   */
  static X509Certificate send(String address, int port, String from, String to, String subject) throws IOException {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(address, port), 2000);
      plain.setSoTimeout(20_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = plain.getOutputStream();
      PostfixLabTest.expect(in, "220");
      command(out, "EHLO sender.lab.test");
      PostfixLabTest.expect(in, "250");
      command(out, "STARTTLS");
      PostfixLabTest.expect(in, "220");
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new PostfixLabTest.TrustAll()}, new SecureRandom());
      try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, address, port, true)) {
        tls.startHandshake();
        X509Certificate served = (X509Certificate) tls.getSession().getPeerCertificates()[0];
        in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII));
        out = tls.getOutputStream();
        command(out, "EHLO sender.lab.test");
        PostfixLabTest.expect(in, "250");
        command(out, "MAIL FROM:<" + from + ">");
        PostfixLabTest.expect(in, "250");
        command(out, "RCPT TO:<" + to + ">");
        PostfixLabTest.expect(in, "250");
        command(out, "DATA");
        PostfixLabTest.expect(in, "354");
        command(out, "From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: " + subject + "\r\n\r\n"
            + "Sent while the MX certificate may change.\r\n..line starting with a dot (stuffed on the wire)\r\n.");
        PostfixLabTest.expect(in, "250");
        command(out, "QUIT");
        return served;
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static void command(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /**
   * A plain-text SMTP dialogue up to MAIL FROM, returning the reply to MAIL (what a sender that
   * does not use STARTTLS is told).
   */
  static String plainMailFrom(String address, int port, String from) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 2000);
      socket.setSoTimeout(5000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      PostfixLabTest.expect(in, "220");
      out.write("EHLO plain.lab.test\r\n".getBytes(StandardCharsets.US_ASCII));
      PostfixLabTest.expect(in, "250");
      out.write(("MAIL FROM:<" + from + ">\r\n").getBytes(StandardCharsets.US_ASCII));
      String reply = in.readLine();
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      return reply;
    }
  }

  static X509Certificate certificate(String pem) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
