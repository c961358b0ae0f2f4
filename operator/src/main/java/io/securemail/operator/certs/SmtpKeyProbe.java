package io.securemail.operator.certs;

import io.securemail.operator.dns.Tlsa;

import io.securemail.operator.dns.RecordObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Which keys the MX endpoints serve right now, seen from outside like a sending MTA sees them:
 * every address (A and AAAA) of every MX host, port 25, EHLO, STARTTLS (RFC 3207), TLS handshake,
 * SPKI SHA-256 of the leaf certificate. The certificate is not validated here: the question is
 * only which key is served; whether it is trustworthy is the compliance engine's business.
 */
public final class SmtpKeyProbe {

  /** What the probe saw: the keys served, and the endpoints that could not be probed (with why). */
  public record Result(Set<String> servedSpkis, List<String> endpoints, List<String> failures) {

    /** Keys served, or empty when any endpoint failed: an unknown endpoint might serve anything. */
    public Set<String> conclusive() {
      return failures.isEmpty() ? servedSpkis : Set.of();
    }

    public String summary() {
      return endpoints.size() + " MX endpoint(s) probed" + (failures.isEmpty() ? "" : "; failed: " + failures);
    }
  }

  private final RecordObserver dns;
  private final int port;
  private final Duration timeout;

  public SmtpKeyProbe(RecordObserver dns, int port, Duration timeout) {
    this.dns = dns;
    this.port = port;
    this.timeout = timeout;
  }

  public Result probe(List<String> mxHosts) {
    Set<String> served = new TreeSet<>();
    List<String> endpoints = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (String host : mxHosts) {
      List<String> addresses = new ArrayList<>(dns.values(host, "A"));
      addresses.addAll(dns.values(host, "AAAA"));
      if (addresses.isEmpty()) {
        failures.add(host + " has no address");
      }
      for (String address : addresses) {
        String endpoint = host + " (" + address + ":" + port + ")";
        endpoints.add(endpoint);
        try {
          served.add(Tlsa.spkiSha256(serverCertificate(address).getPublicKey()));
        } catch (IOException | GeneralSecurityException e) {
          failures.add(endpoint + ": " + e.getMessage());
        }
      }
    }
    return new Result(served, endpoints, failures);
  }

  private X509Certificate serverCertificate(String address) throws IOException, GeneralSecurityException {
    int millis = (int) timeout.toMillis();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), millis);
      socket.setSoTimeout(millis);
      var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      expect(in, "220", "greeting");
      send(out, "EHLO securemail-operator.invalid");
      List<String> extensions = expect(in, "250", "EHLO");
      if (extensions.stream().noneMatch(line -> line.length() > 4 && line.substring(4).trim().equalsIgnoreCase("STARTTLS"))) {
        throw new IOException("STARTTLS not offered");
      }
      send(out, "STARTTLS");
      expect(in, "220", "STARTTLS");
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {new KeyOnly()}, null);
      try (SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket, address, port, false)) {
        secured.setSoTimeout(millis);
        secured.startHandshake();
        var chain = secured.getSession().getPeerCertificates();
        var out2 = secured.getOutputStream();
        send(out2, "QUIT");
        return (X509Certificate) chain[0];
      }
    }
  }

  /** Reads one (possibly multi-line, RFC 5321 section 4.2.1) reply and checks its code. */
  private static List<String> expect(BufferedReader in, String code, String step) throws IOException {
    List<String> lines = new ArrayList<>();
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed after " + step);
      }
      lines.add(line);
    } while (line.length() > 3 && line.charAt(3) == '-');
    if (!line.startsWith(code)) {
      throw new IOException(step + " answered: " + line);
    }
    return lines;
  }

  private static void send(OutputStream out, String command) throws IOException {
    out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Accepts any chain: the probe reads the key; it does not decide trust. */
  private static final class KeyOnly implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
