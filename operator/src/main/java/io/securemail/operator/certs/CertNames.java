package io.securemail.operator.certs;

import io.securemail.operator.api.SecureMailDomain;

/**
 * Names of the certificate objects of a domain. Two MX lineages ("a" and "b", as danectl keeps a
 * current and a next key) each have a Certificate and a Secret of their own; the MTA mounts only
 * the serving Secret, into which the operator copies the lineage in service.
 */
public final class CertNames {

  public static final String LINEAGE_A = "a";
  public static final String LINEAGE_B = "b";

  private CertNames() {}

  /** Certificate and Secret name of one MX lineage. */
  public static String lineage(SecureMailDomain domain, String lineage) {
    return domain.getMetadata().getName() + "-mx-" + lineage;
  }

  /** The Secret the MTA mounts: always the key and certificate in service. */
  public static String serving(SecureMailDomain domain) {
    return domain.getMetadata().getName() + "-mx-tls";
  }

  public static String mtaSts(SecureMailDomain domain) {
    return domain.getMetadata().getName() + "-mta-sts";
  }

  public static String mtaStsSecret(SecureMailDomain domain) {
    return domain.getMetadata().getName() + "-mta-sts-tls";
  }
}
