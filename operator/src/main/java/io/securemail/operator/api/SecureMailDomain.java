package io.securemail.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A mail domain whose transport security (DANE, MTA-STS, TLS-RPT, a TLS-enforcing MTA) the
 * operator owns and continuously verifies.
 */
@Group(SecureMailDomain.GROUP)
@Version(SecureMailDomain.VERSION)
@ShortNames("smd")
@AdditionalPrinterColumn(name = "Domain", jsonPath = ".spec.domain", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Compliant",
    jsonPath = ".status.conditions[?(@.type==\"Compliant\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class SecureMailDomain extends CustomResource<SecureMailDomainSpec, SecureMailDomainStatus>
    implements Namespaced {

  public static final String GROUP = "securemail.io";
  public static final String VERSION = "v1alpha1";

  @Override
  protected SecureMailDomainStatus initStatus() {
    return new SecureMailDomainStatus();
  }
}
