package io.securemail.operator.compliance.smtp;

import io.securemail.operator.compliance.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.KeyExchangeAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A tiny SMTP server on an ephemeral loopback port: greeting, EHLO, STARTTLS with BouncyCastle's TLS
 * server (so any TLS version can be allowed without touching the JVM's settings), EHLO and QUIT over
 * TLS. It can also be silent or not offer STARTTLS.
 */
public final class TestSmtpServer implements AutoCloseable {

  public enum Behaviour { STARTTLS, SILENT, NO_STARTTLS }

  private final ServerSocket listener;
  private final Behaviour behaviour;
  private final TestPki.Issued leaf;
  private final List<X509Certificate> chain;
  private final ProtocolVersion[] versions;
  private final int[] suites;
  final List<String> received = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  public TestSmtpServer(Behaviour behaviour, TestPki.Issued leaf, List<X509Certificate> chain, ProtocolVersion[] versions,
      int[] suites) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.behaviour = behaviour;
    this.leaf = leaf;
    this.chain = chain;
    this.versions = versions;
    this.suites = suites;
    Thread acceptor = new Thread(this::acceptLoop, "test-smtp-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  public InetAddress address() {
    return listener.getInetAddress();
  }

  /** How many connections were accepted so far. */
  public int connections() {
    return open.size();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        open.add(socket);
        Thread session = new Thread(() -> serve(socket), "test-smtp-session");
        session.setDaemon(true);
        session.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      if (behaviour == Behaviour.SILENT) {
        socket.getInputStream().read(); // say nothing until the client gives up
        return;
      }
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      write(out, "220 mx1.example.com ESMTP test\r\n");
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      String line;
      while ((line = reader.readLine()) != null) {
        received.add(line);
        String command = line.toUpperCase();
        if (command.startsWith("EHLO")) {
          write(out, behaviour == Behaviour.STARTTLS
              ? "250-mx1.example.com\r\n250-PIPELINING\r\n250 STARTTLS\r\n" : "250-mx1.example.com\r\n250 8BITMIME\r\n");
        } else if (command.equals("STARTTLS") && behaviour == Behaviour.STARTTLS) {
          write(out, "220 2.0.0 Ready to start TLS\r\n");
          TlsServerProtocol tls = new TlsServerProtocol(in, out);
          tls.accept(new Server());
          BufferedReader secure = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII));
          while ((line = secure.readLine()) != null) {
            received.add("TLS " + line);
            if (line.toUpperCase().startsWith("EHLO")) {
              write(tls.getOutputStream(), "250-mx1.example.com\r\n250 PIPELINING\r\n");
            } else if (line.equalsIgnoreCase("QUIT")) {
              write(tls.getOutputStream(), "221 2.0.0 Bye\r\n");
              tls.close();
              return;
            } else {
              write(tls.getOutputStream(), "502 5.5.2 Not implemented\r\n");
            }
          }
          return;
        } else if (command.equals("QUIT")) {
          write(out, "221 2.0.0 Bye\r\n");
          return;
        } else {
          write(out, "502 5.5.2 Not implemented\r\n");
        }
      }
    } catch (IOException e) {
      // The client hung up or the handshake failed: that is what some tests want.
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket socket : open) {
      socket.close();
    }
  }

  private final class Server extends DefaultTlsServer {
    Server() {
      super(new BcTlsCrypto(new SecureRandom()));
    }

    /** Recorded, so that a test sees which handshakes went all the way. */
    @Override
    public void notifyHandshakeComplete() throws IOException {
      super.notifyHandshakeComplete();
      received.add("HANDSHAKE COMPLETE");
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
      return versions;
    }

    @Override
    protected int[] getSupportedCipherSuites() {
      return suites;
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
      int keyExchange = TlsUtils.getKeyExchangeAlgorithm(context.getSecurityParametersHandshake().getCipherSuite());
      if (keyExchange == KeyExchangeAlgorithm.DH_anon || keyExchange == KeyExchangeAlgorithm.ECDH_anon) {
        return null; // anonymous suites: no certificate at all
      }
      BcTlsCrypto crypto = (BcTlsCrypto) getCrypto();
      TlsCertificate[] certs = new TlsCertificate[chain.size()];
      for (int i = 0; i < certs.length; i++) {
        try {
          certs[i] = crypto.createCertificate(chain.get(i).getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
          throw new IOException(e);
        }
      }
      Certificate certificate;
      if (TlsUtils.isTLSv13(context)) {
        CertificateEntry[] entries = new CertificateEntry[certs.length];
        for (int i = 0; i < certs.length; i++) {
          entries[i] = new CertificateEntry(certs[i], null);
        }
        certificate = new Certificate(TlsUtils.EMPTY_BYTES, entries);
      } else {
        certificate = new Certificate(certs);
      }
      short signature = switch (leaf.privateKey().getAlgorithm()) {
        case "RSA" -> SignatureAlgorithm.rsa;
        case "DSA" -> SignatureAlgorithm.dsa;
        default -> SignatureAlgorithm.ecdsa;
      };
      SignatureAndHashAlgorithm algorithm = TlsUtils.isTLSv12(context)
          ? SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, signature) : null;
      return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
          PrivateKeyFactory.createKey(leaf.privateKey().getEncoded()), certificate, algorithm);
    }
  }
}
