package io.securemail.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.dependent.workflow.CRDPresentActivationCondition;
import java.time.Duration;
import java.time.LocalDateTime;

/**
 * The activation condition of a dependent whose kind belongs to another, optional project
 * (cert-manager, external-dns): an informer for a kind whose CRD is missing fails, so while the
 * CRD is missing the SDK registers none, and once it appears the SDK registers one and the
 * dependent is applied.
 *
 * <p>The SDK's condition looks for the CRD at most ten times, ten seconds apart, and then never
 * again: a project installed two minutes after the operator would not be seen until a restart.
 * This one keeps looking, every 30 seconds, for as long as the CRD is missing.
 */
public abstract class OptionalCrdInstalled<R extends HasMetadata, P extends HasMetadata>
    extends CRDPresentActivationCondition<R, P> {

  static final Duration RECHECK = Duration.ofSeconds(30);

  @Override
  protected boolean shouldCheckStateNow(CRDCheckState state) {
    if (state.isCrdPresent() == null || state.getLastChecked() == null) {
      return true;
    }
    return !state.isCrdPresent() && LocalDateTime.now().isAfter(state.getLastChecked().plus(RECHECK));
  }
}
