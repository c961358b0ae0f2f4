package io.securemail.operator.compliance.mtasts;

import io.securemail.operator.compliance.net.DeadlineInputStream;
import io.securemail.operator.compliance.pki.PkixRoots;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The policy fetch of RFC 8461 section 3.3: HTTPS GET of {@code /.well-known/mta-sts.txt} on
 * {@code mta-sts.<domain>}, with a certificate that validates and names the policy host (PKIX with
 * host name check), no redirects ("HTTP 3xx redirects MUST NOT be followed"), HTTP 200 only, media
 * type text/plain, and a size limit, all within one timeout. A plain HTTP/1.1 exchange over the
 * JDK's TLS: connecting to the addresses we resolved ourselves keeps the lookups on the configured
 * resolver.
 */
public final class HttpsPolicyFetcher implements PolicyFetcher {

  /** Common implementations refuse larger policies; a policy is a few hundred bytes. */
  public static final int MAX_BODY = 64 * 1024;

  private final SSLContext tls;
  private final Duration timeout;

  public HttpsPolicyFetcher(PkixRoots roots, Duration timeout) {
    this.timeout = timeout;
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(roots.keyStore());
      tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS for policy fetches", e);
    }
  }

  @Override
  public PolicyFetch fetch(String domain, List<InetAddress> addresses, int port) {
    String host = "mta-sts." + domain;
    String url = "https://" + host + (port == 443 ? "" : ":" + port) + "/.well-known/mta-sts.txt";
    if (addresses.isEmpty()) {
      return PolicyFetch.failed(url, host + " has no address");
    }
    String failure = null;
    for (InetAddress address : addresses) {
      try {
        return fetchFrom(url, host, address, port);
      } catch (SocketTimeoutException e) {
        failure = "no answer from " + address.getHostAddress() + " within " + timeout.toSeconds() + " s";
      } catch (SSLHandshakeException e) {
        return PolicyFetch.failed(url, "the TLS certificate of " + host + " is not valid: " + e.getMessage());
      } catch (IOException e) {
        failure = address.getHostAddress() + ": " + e.getMessage();
      }
    }
    return PolicyFetch.failed(url, failure);
  }

  private PolicyFetch fetchFrom(String url, String host, InetAddress address, int port) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
      raw.setSoTimeout((int) timeout.toMillis());
      try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true)) {
        SSLParameters params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        params.setServerNames(List.of(new SNIHostName(host)));
        socket.setSSLParameters(params);
        socket.startHandshake();
        OutputStream out = socket.getOutputStream();
        out.write(("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: " + host + (port == 443 ? "" : ":" + port)
            + "\r\nUser-Agent: securemail-check\r\nAccept: text/plain\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // One deadline for the whole response, however slowly the server trickles it.
        HttpResponse response = HttpResponse.read(
            new DeadlineInputStream(socket.getInputStream(), raw, () -> deadline), MAX_BODY);
        return judge(url, response);
      }
    }
  }

  private static PolicyFetch judge(String url, HttpResponse response) {
    int status = response.status();
    if (status >= 300 && status < 400) {
      return PolicyFetch.failed(url, "HTTP " + status + " redirect to " + response.header("location")
          + ": senders do not follow redirects (RFC 8461 section 3.3)");
    }
    if (status != 200) {
      return PolicyFetch.failed(url, "HTTP " + status + " instead of 200");
    }
    String type = response.header("content-type");
    String mediaType = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("text/plain")) {
      return PolicyFetch.failed(url, "served as " + (type == null ? "no Content-Type" : "'" + type + "'")
          + ", the policy must be text/plain (RFC 8461 section 3.2)");
    }
    if (response.tooLarge()) {
      return PolicyFetch.failed(url, "the policy is larger than " + MAX_BODY / 1024
          + " KiB; senders refuse it");
    }
    return PolicyFetch.ok(url, new String(response.body(), StandardCharsets.UTF_8));
  }
}
