package io.securemail.operator.dns;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;

/**
 * DANE TLSA records for SMTP (RFC 7672): usage 3 (DANE-EE), selector 1 (SubjectPublicKeyInfo),
 * matching type 1 (SHA-256). RFC 7672 section 3.1.1 recommends exactly "3 1 1": it pins the key,
 * not the certificate, so a renewal that keeps the key keeps the record valid.
 */
public final class Tlsa {

  private Tlsa() {}

  /** SHA-256 of the DER SubjectPublicKeyInfo (RFC 6698 section 2.1.2, selector 1), lowercase hex. */
  public static String spkiSha256(PublicKey key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JRE", e);
    }
  }

  /** The TLSA record at _25._tcp.&lt;mx&gt; (RFC 7672 section 2.2: port 25, TCP) for one key. */
  public static DnsRecord record(String mxHost, String spkiSha256, int ttl) {
    return new DnsRecord("_25._tcp." + mxHost + ".", "TLSA", "3 1 1 " + spkiSha256, ttl);
  }
}
