package io.securemail.operator.certs;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The CAA issuer domain (RFC 8659 section 4.2) of well-known ACME servers, by the host of the
 * directory URL an Issuer's {@code spec.acme.server} names. Each is the value the CA documents for
 * its CAA checks; a CA's staging server checks CAA for the same value. A server not listed here
 * gets no CAA record of its own: name its CA in {@code spec.certificates.caa.issuers}.
 */
public final class AcmeCas {

  private static final Map<String, String> BY_HOST = Map.of(
      // Let's Encrypt, production and staging
      "acme-v02.api.letsencrypt.org", "letsencrypt.org",
      "acme-staging-v02.api.letsencrypt.org", "letsencrypt.org",
      // Google Trust Services, production and staging
      "dv.acme-v02.api.pki.goog", "pki.goog",
      "dv.acme-v02.test-api.pki.goog", "pki.goog",
      // ZeroSSL issues as Sectigo and documents sectigo.com for CAA
      "acme.zerossl.com", "sectigo.com",
      "acme.sectigo.com", "sectigo.com",
      "acme.ssl.com", "ssl.com");

  private AcmeCas() {}

  /** The CA domain for an ACME directory URL; empty for a server not in the table or no URL. */
  public static Optional<String> caaDomain(String server) {
    if (server == null || server.isBlank()) {
      return Optional.empty();
    }
    try {
      String host = URI.create(server.strip()).getHost();
      return host == null ? Optional.empty() : Optional.ofNullable(BY_HOST.get(host.toLowerCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
