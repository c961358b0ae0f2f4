package io.securemail.operator.certs;

import io.securemail.operator.dns.Tlsa;

import io.fabric8.kubernetes.api.model.Secret;
import io.securemail.operator.api.KeyAlgorithm;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one lineage Secret holds: the key (always the operator's: cert-manager keeps it under
 * rotationPolicy Never) and the certificate cert-manager issued for it, if any.
 *
 * @param spki SPKI SHA-256 of the key (null: no readable key)
 * @param certificate the leaf certificate (null: none yet, or unreadable)
 * @param certificateMatchesKey the certificate was issued for this key
 */
public record LineageKeys(String spki, KeyAlgorithm algorithm, int bits, X509Certificate certificate,
    boolean certificateMatchesKey) {

  public static final String TLS_CRT = "tls.crt";
  public static final String TLS_KEY = "tls.key";
  public static final String CA_CRT = "ca.crt";

  public static LineageKeys of(Secret secret) {
    Map<String, String> data = secret == null || secret.getData() == null ? Map.of() : secret.getData();
    Optional<KeyPair> key = KeyPairs.fromPem(decode(data.get(TLS_KEY)));
    if (key.isEmpty()) {
      return new LineageKeys(null, null, 0, null, false);
    }
    String spki = Tlsa.spkiSha256(key.get().getPublic());
    X509Certificate certificate = leaf(decode(data.get(TLS_CRT)));
    return new LineageKeys(spki, KeyPairs.algorithmOf(key.get().getPublic()), KeyPairs.bitsOf(key.get().getPublic()),
        certificate, certificate != null && spki.equals(Tlsa.spkiSha256(certificate.getPublicKey())));
  }

  public boolean hasKey() {
    return spki != null;
  }

  /** A certificate for this key that is valid now and names every MX host. */
  public boolean usable(Collection<String> hosts, Instant now) {
    if (!certificateMatchesKey || now.isAfter(certificate.getNotAfter().toInstant())) {
      return false;
    }
    return dnsNames(certificate).containsAll(hosts.stream().map(String::toLowerCase).toList());
  }

  /** Whether the key is of the algorithm (and RSA size) the spec asks for. */
  public boolean matches(KeyAlgorithm wanted, Integer rsaBits) {
    if (algorithm != wanted) {
      return false;
    }
    return wanted != KeyAlgorithm.RSA || bits == (rsaBits == null ? KeyPairs.DEFAULT_RSA_BITS : rsaBits);
  }

  static Set<String> dnsNames(X509Certificate certificate) {
    Set<String> names = new HashSet<>();
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(2).equals(san.get(0))) { // dNSName (RFC 5280 section 4.2.1.6)
            names.add(san.get(1).toString().toLowerCase());
          }
        }
      }
    } catch (CertificateParsingException e) {
      return Set.of();
    }
    return names;
  }

  static X509Certificate leaf(String pem) {
    if (pem == null || pem.isBlank()) {
      return null;
    }
    try {
      var certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      return certificates.isEmpty() ? null : (X509Certificate) certificates.iterator().next();
    } catch (CertificateException e) {
      return null;
    }
  }

  static String decode(String base64) {
    return base64 == null ? null : new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
  }
}
