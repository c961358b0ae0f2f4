package io.securemail.operator.api;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A mail domain whose transport security (DANE, MTA-STS, TLS-RPT, a TLS-enforcing MTA) the
 * operator owns and continuously verifies. Its kubectl columns, category and descriptions are set by
 * {@link CrdPresentation} when the CRD is generated.
 */
@Group(SecureMailDomain.GROUP)
@Version(SecureMailDomain.VERSION)
@ShortNames("smd")
public class SecureMailDomain extends CustomResource<SecureMailDomainSpec, SecureMailDomainStatus>
    implements Namespaced {

  public static final String GROUP = "securemail.io";
  public static final String VERSION = "v1alpha1";

  @Override
  protected SecureMailDomainStatus initStatus() {
    return new SecureMailDomainStatus();
  }
}
