package io.securemail.operator.compliance.smtp;

import java.security.cert.X509Certificate;
import java.util.List;

/** What a completed TLS handshake negotiated: protocol ("TLSv1.3"), IANA suite name, served chain (leaf first). */
public record TlsSession(String version, String cipherSuite, List<X509Certificate> chain) {

  public TlsSession {
    chain = List.copyOf(chain);
  }
}
