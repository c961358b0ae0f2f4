package io.securemail.operator.dns;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.SecureMailDomain;

/**
 * The zone-snippet ConfigMap exists only for the manual DNS provider; for any other provider the
 * precondition fails and the ConfigMap is deleted. A reconcile precondition, not an activation
 * condition: the SDK deregisters an activation-gated informer whenever one domain's condition is
 * false, which empties the cache the other (manual) domains rely on.
 */
public class ManualProviderSelected implements Condition<ConfigMap, SecureMailDomain> {

  @Override
  public boolean isMet(DependentResource<ConfigMap, SecureMailDomain> dependent, SecureMailDomain domain,
      Context<SecureMailDomain> context) {
    return domain.getSpec().getDns().getProvider() == DnsSpec.Provider.MANUAL;
  }
}
