package io.securemail.operator.compliance.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * PKIX validation of a served chain (RFC 5280 section 6) as a sending MTA does it for MTA-STS (RFC
 * 8461 section 4.2) and for DANE-TA (RFC 7672 section 3.1.2). A path is built from the leaf through the
 * served certificates in any order, so a chain sent out of order or with its root still validates.
 * Revocation is not checked: MTAs do not, and the check must not depend on reaching OCSP responders.
 */
public final class ChainValidator {

  private ChainValidator() {}

  /** Empty when the chain validates to one of the anchors at {@code now}; otherwise why not. */
  public static Optional<String> problem(List<X509Certificate> chain, Set<TrustAnchor> anchors, Instant now) {
    if (chain.isEmpty()) {
      return Optional.of("no certificate was served");
    }
    if (anchors.isEmpty()) {
      return Optional.of("no trusted root is configured");
    }
    X509Certificate leaf = chain.get(0);
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      return Optional.of("the certificate expired on " + leaf.getNotAfter().toInstant());
    }
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      return Optional.of("the certificate is not valid before " + leaf.getNotBefore().toInstant());
    }
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(now));
      params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(chain)));
      CertPathBuilder.getInstance("PKIX").build(params);
      return Optional.empty();
    } catch (CertPathBuilderException e) {
      return Optional.of("no valid path to a trusted root: " + rootCause(e));
    } catch (GeneralSecurityException e) {
      return Optional.of("cannot validate: " + e.getMessage());
    }
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
