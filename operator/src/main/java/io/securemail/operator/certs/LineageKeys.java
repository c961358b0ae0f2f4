package io.securemail.operator.certs;

import io.securemail.operator.dns.Tlsa;

import io.fabric8.kubernetes.api.model.Secret;
import io.securemail.operator.api.KeyAlgorithm;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

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

  /** The keys read lately, so that an unchanged Secret's key is not parsed on every reconcile. */
  private static final ReadKeys READ = new ReadKeys(ReadKeys.CAPACITY, KeyPairs::fromPem);

  public static LineageKeys of(Secret secret) {
    return of(secret, READ);
  }

  static LineageKeys of(Secret secret, ReadKeys read) {
    Map<String, String> data = secret == null || secret.getData() == null ? Map.of() : secret.getData();
    Optional<KeyFacts> key = read.facts(data.get(TLS_KEY));
    if (key.isEmpty()) {
      return new LineageKeys(null, null, 0, null, false);
    }
    String spki = key.get().spki();
    X509Certificate certificate = leaf(decode(data.get(TLS_CRT)));
    return new LineageKeys(spki, key.get().algorithm(), key.get().bits(), certificate,
        certificate != null && spki.equals(Tlsa.spkiSha256(certificate.getPublicKey())));
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

  /** What a reconcile needs of a key: its SPKI SHA-256 (the TLSA data), its algorithm and size. */
  record KeyFacts(String spki, KeyAlgorithm algorithm, int bits) {
    static KeyFacts of(PublicKey key) {
      return new KeyFacts(Tlsa.spkiSha256(key), KeyPairs.algorithmOf(key), KeyPairs.bitsOf(key));
    }
  }

  /**
   * The facts of the keys read lately, by the SHA-256 of the Secret's tls.key bytes. Reading a key
   * is the costliest part of a reconcile that changes nothing: PEM and ASN.1 parsing and, for the
   * PKCS#8 keys the operator writes (they omit the public half), a P-256 point multiplication.
   * Keyed by the bytes rather than the Secret's uid and resourceVersion: a changed key has another
   * digest, so it is always read, whatever the metadata says; an unrelated change (a renewed
   * certificate, a label) does not cost a read. Only public facts are kept, no private key; the
   * least recently used go first beyond the capacity. An unreadable key is not kept: it is replaced
   * by a fresh one ({@link LineageSecrets#ensure}) rather than read again and again.
   */
  static final class ReadKeys {

    /** Two lineage keys per domain (the serving Secret holds one of them) for 2,000 domains. */
    static final int CAPACITY = 4096;

    private final int capacity;
    private final Function<String, Optional<KeyPair>> reader;
    private final Map<String, KeyFacts> facts;

    ReadKeys(int capacity, Function<String, Optional<KeyPair>> reader) {
      this.capacity = capacity;
      this.reader = reader;
      this.facts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, KeyFacts> eldest) {
          return size() > ReadKeys.this.capacity;
        }
      };
    }

    /** The facts of the key in a Secret's base64 tls.key, or empty when it holds no readable key. */
    Optional<KeyFacts> facts(String base64) {
      if (base64 == null || base64.isEmpty()) {
        return Optional.empty();
      }
      byte[] pem = Base64.getDecoder().decode(base64);
      String digest = sha256(pem);
      synchronized (facts) {
        KeyFacts known = facts.get(digest);
        if (known != null) {
          return Optional.of(known);
        }
      }
      // Read outside the lock: reconciles of other domains do not wait for this one's key.
      Optional<KeyFacts> read = reader.apply(new String(pem, StandardCharsets.US_ASCII))
          .map(pair -> KeyFacts.of(pair.getPublic()));
      read.ifPresent(f -> {
        synchronized (facts) {
          facts.put(digest, f);
        }
      });
      return read;
    }

    int size() {
      synchronized (facts) {
        return facts.size();
      }
    }

    private static String sha256(byte[] bytes) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JRE has SHA-256", e);
      }
    }
  }
}
