package io.securemail.operator.kube;

import io.securemail.operator.api.SecureMailDomain;
import java.util.Map;

/** Labels on every object the operator creates: they scope its informers and prove its ownership. */
public final class Labels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "securemail-operator";
  public static final String DOMAIN = "securemail.io/domain";
  public static final String MANAGED_BY_SELECTOR = MANAGED_BY + "=" + OPERATOR;
  /**
   * Which of a domain's objects of one kind this is, where a domain has several (its Certificates):
   * each dependent's informer selects its own part, so each object is cached once, not once per
   * dependent of its kind.
   */
  public static final String PART = "securemail.io/part";
  public static final String PART_MX_LINEAGE_A = "mx-lineage-a";
  public static final String PART_MX_LINEAGE_B = "mx-lineage-b";
  public static final String PART_MTA_STS = "mta-sts";
  public static final String PART_DNS_RECORDS = "dns-records";
  /** The domain's other objects of a kind some of whose objects carry a part label. */
  public static final String NO_PART = "!" + PART;

  private Labels() {}

  public static Map<String, String> forDomain(SecureMailDomain domain) {
    return Map.of(MANAGED_BY, OPERATOR, DOMAIN, domain.getMetadata().getName());
  }

  /** {@link #forDomain}, and which part of the domain the object is ({@link #PART}). */
  public static Map<String, String> forDomainPart(SecureMailDomain domain, String part) {
    return Map.of(MANAGED_BY, OPERATOR, DOMAIN, domain.getMetadata().getName(), PART, part);
  }

  /** What selects the Pods of a domain's MTA: its StatefulSet's and its Service's selector. */
  public static Map<String, String> mtaPods(SecureMailDomain domain) {
    return Map.of("app.kubernetes.io/name", "securemail-mta", "app.kubernetes.io/instance",
        domain.getMetadata().getName() + "-mta");
  }
}
