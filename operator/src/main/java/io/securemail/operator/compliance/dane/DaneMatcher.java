package io.securemail.operator.compliance.dane;

import io.securemail.operator.compliance.pki.CertificateNames;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * DANE authentication of an SMTP server's certificate chain (RFC 7672 section 3, RFC 6698 section 2.1).
 *
 * <p>DANE-EE(3): the record matches the leaf; names and validity dates are ignored (RFC 7672 section
 * 3.1.1). DANE-TA(2): the record matches a CA certificate (or its key) sent in the chain, the leaf must
 * chain up to it, and the leaf must name one of the reference identifiers: the MX host name and the
 * TLSA base domain (RFC 7672 sections 3.1.2 and 3.2.3).
 */
public final class DaneMatcher {

  /** How one record fared against the served chain. */
  public record Outcome(TlsaRecord record, boolean matched, String detail) {}

  private DaneMatcher() {}

  public static List<Outcome> match(List<TlsaRecord> records, List<X509Certificate> chain, List<String> referenceNames,
      Instant now) {
    return records.stream().map(r -> match(r, chain, referenceNames, now)).toList();
  }

  static Outcome match(TlsaRecord record, List<X509Certificate> chain, List<String> referenceNames, Instant now) {
    if (chain.isEmpty()) {
      return new Outcome(record, false, "no certificate was served");
    }
    if (record.usage() == TlsaRecord.DANE_EE) {
      String served = associationData(chain.get(0), record.selector(), record.matchingType());
      return served.equals(record.data())
          ? new Outcome(record, true, "matches the served " + describe(record))
          : new Outcome(record, false, "served " + describe(record) + " " + TlsaRecord.abbreviate(served)
              + ", published " + TlsaRecord.abbreviate(record.data()));
    }
    // DANE-TA: the trust anchor must be one of the issuer certificates the server sent (RFC 7671 section 5.2.2).
    for (int i = 1; i < chain.size(); i++) {
      if (associationData(chain.get(i), record.selector(), record.matchingType()).equals(record.data())) {
        return trustAnchorMatch(record, chain, i, referenceNames, now);
      }
    }
    if (associationData(chain.get(0), record.selector(), record.matchingType()).equals(record.data())) {
      return new Outcome(record, false, "matches the server's own certificate, but usage 2 (DANE-TA) must name "
          + "an issuing CA; publish it as usage 3 (DANE-EE)");
    }
    return new Outcome(record, false, "no CA certificate in the served chain (" + (chain.size() - 1)
        + " sent) matches it");
  }

  private static Outcome trustAnchorMatch(TlsaRecord record, List<X509Certificate> chain, int anchorIndex,
      List<String> referenceNames, Instant now) {
    X509Certificate anchor = chain.get(anchorIndex);
    try {
      CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, anchorIndex));
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
      params.setRevocationEnabled(false);
      params.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX").validate(path, params);
    } catch (CertPathValidatorException e) {
      return new Outcome(record, false, "matches the CA " + anchor.getSubjectX500Principal().getName()
          + ", but the server certificate does not validate up to it: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      return new Outcome(record, false, "cannot validate the chain: " + e.getMessage());
    }
    X509Certificate leaf = chain.get(0);
    if (referenceNames.stream().noneMatch(name -> CertificateNames.matches(leaf, name))) {
      return new Outcome(record, false, "the chain validates up to the CA, but the certificate names "
          + CertificateNames.names(leaf) + ", not " + String.join(" or ", referenceNames));
    }
    return new Outcome(record, true, "matches the CA " + anchor.getSubjectX500Principal().getName()
        + " and the chain validates for " + String.join(" / ", referenceNames));
  }

  /** The data a record with this selector and matching type would carry for the certificate (RFC 6698 section 2.1.2-2.1.3). */
  public static String associationData(X509Certificate cert, int selector, int matchingType) {
    try {
      byte[] selected = selector == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
      byte[] data = switch (matchingType) {
        case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
        case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
        default -> selected;
      };
      return HexFormat.of().formatHex(data);
    } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot encode a certificate that was just parsed", e);
    }
  }

  private static String describe(TlsaRecord record) {
    String what = record.selector() == 0 ? "certificate" : "SPKI";
    return switch (record.matchingType()) {
      case 1 -> what + " sha256";
      case 2 -> what + " sha512";
      default -> what;
    };
  }
}
