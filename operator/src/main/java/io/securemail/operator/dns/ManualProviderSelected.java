package io.securemail.operator.dns;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.SecureMailDomain;

/** Activates the zone-snippet ConfigMap only for the manual DNS provider. */
public class ManualProviderSelected implements Condition<ConfigMap, SecureMailDomain> {

  @Override
  public boolean isMet(DependentResource<ConfigMap, SecureMailDomain> dependent, SecureMailDomain domain,
      Context<SecureMailDomain> context) {
    return domain.getSpec().getDns().getProvider() == DnsSpec.Provider.MANUAL;
  }
}
