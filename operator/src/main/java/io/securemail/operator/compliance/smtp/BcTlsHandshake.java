package io.securemail.operator.compliance.smtp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsDHGroupVerifier;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A TLS client handshake with BouncyCastle's own TLS API, configured per handshake by a {@link TlsOffer}.
 *
 * <p>Why not the JDK's TLS, or BouncyCastle's JSSE provider: both apply the JVM-wide security
 * property {@code jdk.tls.disabledAlgorithms}, which (rightly) disables TLS 1.0/1.1 and weak suites,
 * so they cannot offer them to prove a server refuses them. Loosening that property would weaken
 * every other TLS connection of the JVM, including the operator's to the Kubernetes API. This API
 * (org.bouncycastle.tls with the lightweight crypto) reads no security property: each handshake
 * offers exactly what it is configured with.
 *
 * <p>Certificates are collected, not verified: the checks judge them (DANE, PKIX) afterwards.
 */
final class BcTlsHandshake {

  private static final SecureRandom RANDOM = new SecureRandom();

  private BcTlsHandshake() {}

  /** A completed handshake: the session and the protocol for application data. */
  record Established(TlsSession session, TlsClientProtocol protocol) {}

  /**
   * What a handshake got as far as, also when it failed: whether the server chose a cipher suite
   * (its ServerHello named one the client offered). A handshake that fails before that was refused
   * by the server for what was offered, not for what it chose.
   */
  static final class Progress {
    private final boolean stopAtChoice;
    private volatile boolean suiteChosen;
    private volatile boolean endedAtChoice;
    private volatile ProtocolVersion version;
    private volatile int suite;

    /** A handshake that goes as far as it can. */
    Progress() {
      this(false);
    }

    /**
     * @param stopAtChoice end the handshake as soon as the ServerHello has named a version and suite:
     *     enough to know what the server accepts, without the key exchange and certificates
     */
    Progress(boolean stopAtChoice) {
      this.stopAtChoice = stopAtChoice;
    }

    boolean suiteChosen() {
      return suiteChosen;
    }

    /**
     * What the server chose, when the handshake was ended at its choice ({@link #Progress(boolean)}),
     * else null.
     */
    TlsSession choice() {
      return endedAtChoice && version != null
          ? new TlsSession(versionName(version), CipherSuites.name(suite), List.of())
          : null;
    }
  }

  /** Runs the handshake on the given streams; the caller owns the socket and its timeouts. */
  static Established connect(InputStream in, OutputStream out, String serverName, TlsOffer offer) throws IOException {
    return connect(in, out, serverName, offer.versions(), offer.suites(), new Progress());
  }

  /** Offers exactly {@code versions} and {@code suites}; {@code progress} says how far it got. */
  static Established connect(InputStream in, OutputStream out, String serverName, ProtocolVersion[] versions,
      int[] suites, Progress progress) throws IOException {
    Client client = new Client(serverName, versions, suites, progress);
    TlsClientProtocol protocol = new TlsClientProtocol(in, out);
    protocol.connect(client);
    ProtocolVersion version = client.context().getServerVersion();
    String suite = CipherSuites.name(client.context().getSecurityParametersConnection().getCipherSuite());
    return new Established(new TlsSession(versionName(version), suite, client.chain), protocol);
  }

  /** "TLSv1.2" etc., the names the JDK and OpenSSL use. */
  static String versionName(ProtocolVersion version) {
    if (version == null || !version.isTLS()) {
      return String.valueOf(version);
    }
    return "TLSv1." + (version.getMinorVersion() - 1);
  }

  /** A short description of why a handshake failed, naming the TLS alert when there was one. */
  static String describe(IOException e) {
    if (e instanceof TlsFatalAlertReceived received) {
      return "the server sent the alert " + AlertDescription.getText(received.getAlertDescription());
    }
    if (e instanceof TlsFatalAlert alert) {
      return "the handshake was aborted (" + AlertDescription.getText(alert.getAlertDescription())
          + (alert.getMessage() == null ? "" : ": " + alert.getMessage()) + ")";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static final class Client extends DefaultTlsClient {
    private final String serverName;
    private final ProtocolVersion[] versions;
    private final int[] suites;
    private final Progress progress;
    private final List<X509Certificate> chain = new ArrayList<>();

    Client(String serverName, ProtocolVersion[] versions, int[] suites, Progress progress) {
      super(new BcTlsCrypto(RANDOM));
      this.serverName = serverName;
      this.versions = versions.clone();
      this.suites = suites.clone();
      this.progress = progress;
    }

    @Override
    public void notifyServerVersion(ProtocolVersion serverVersion) throws IOException {
      super.notifyServerVersion(serverVersion);
      progress.version = serverVersion;
    }

    /** Called once the ServerHello's suite is known to be one this client offered. */
    @Override
    public void notifySelectedCipherSuite(int selectedCipherSuite) {
      super.notifySelectedCipherSuite(selectedCipherSuite);
      progress.suite = selectedCipherSuite;
      progress.suiteChosen = true;
    }

    /**
     * The last step of reading the ServerHello. A server that named one of the offered suites has
     * accepted it (RFC 5246 section 7.4.1.3: the suite "selected by the server from the list in
     * ClientHello.cipher_suites"); when that is all the caller asks, the handshake ends here with
     * {@code user_canceled} (section 7.2.2: cancelled for a reason that is no protocol failure),
     * sparing both sides the key exchange, the certificates and the Finished messages.
     */
    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
      super.processServerExtensions(serverExtensions);
      if (progress.stopAtChoice && progress.suiteChosen) {
        progress.endedAtChoice = true;
        throw new TlsFatalAlert(AlertDescription.user_canceled, "ended at the server's choice of suite");
      }
    }

    org.bouncycastle.tls.TlsClientContext context() {
      return context;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
      return versions.clone();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
      return suites.clone();
    }

    /** SNI with the MX host name, as RFC 7672 section 8.1 asks of DANE clients. */
    @Override
    protected Vector getSNIServerNames() {
      Vector<ServerName> names = new Vector<>();
      names.add(new ServerName(NameType.host_name, serverName.getBytes(StandardCharsets.US_ASCII)));
      return names;
    }

    /**
     * Any finite-field group the server sends: this handshake observes which suite the server
     * accepts and protects no mail, and BouncyCastle's default verifier refuses groups it does not
     * know by name (such as the primes MTAs generate), which would record an accepted DHE or DH_anon
     * suite as refused.
     */
    @Override
    public TlsDHGroupVerifier getDHGroupVerifier() {
      return group -> true;
    }

    /** The server's signature algorithms are not ours to judge here; the certificate checks do that. */
    @Override
    public boolean shouldCheckSigAlgOfPeerCerts() {
      return false;
    }

    @Override
    public TlsAuthentication getAuthentication() {
      return new TlsAuthentication() {
        @Override
        public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
          try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (TlsCertificate cert : serverCertificate.getCertificate().getCertificateList()) {
              chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(cert.getEncoded())));
            }
          } catch (CertificateException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "unparseable certificate: " + e.getMessage());
          }
        }

        @Override
        public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
          return null;
        }
      };
    }
  }
}
