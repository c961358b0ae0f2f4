package io.securemail.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.securemail.operator.api.SecureMailDomain;

/**
 * The reconcile precondition of every {@link DomainDependent}: the domain's part planned the
 * object in this reconcile. A part plans nothing for what the spec does not ask for (no
 * {@code spec.mta}, no policy Ingress, no issuer), and the workflow then deletes the object it
 * kept before. Decided per domain, so a precondition rather than an activation condition (the SDK
 * deregisters an activation-gated informer, which other domains rely on, when it turns false).
 */
public class Planned implements Condition<HasMetadata, SecureMailDomain> {

  @Override
  public boolean isMet(DependentResource<HasMetadata, SecureMailDomain> dependent, SecureMailDomain domain,
      Context<SecureMailDomain> context) {
    return context.managedWorkflowAndDependentResourceContext().get(dependent.getClass().getName(), HasMetadata.class)
        .isPresent();
  }
}
