package io.securemail.operator.kube;

import io.securemail.operator.api.SecureMailDomain;
import java.util.Map;

/** Labels on every object the operator creates: they scope its informers and prove its ownership. */
public final class Labels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "securemail-operator";
  public static final String DOMAIN = "securemail.io/domain";
  public static final String MANAGED_BY_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  private Labels() {}

  public static Map<String, String> forDomain(SecureMailDomain domain) {
    return Map.of(MANAGED_BY, OPERATOR, DOMAIN, domain.getMetadata().getName());
  }

  /** What selects the Pods of a domain's MTA: its StatefulSet's and its Service's selector. */
  public static Map<String, String> mtaPods(SecureMailDomain domain) {
    return Map.of("app.kubernetes.io/name", "securemail-mta", "app.kubernetes.io/instance",
        domain.getMetadata().getName() + "-mta");
  }
}
