package io.securemail.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfig;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.securemail.operator.api.SecureMailDomain;
import java.util.Optional;

/**
 * A Kubernetes object of one domain, kept as the domain's part decided it should be: a dependent
 * of the reconciler's workflow, so the SDK applies it by server-side apply, skips the write when
 * the fields the operator owns already match (its SSA matcher), and watches it through an
 * informer, so a hand edit or a deletion is repaired on the event, not at the next resync.
 *
 * <p>The part computes the object (a pure function of the spec and the world it observed) and
 * {@linkplain #plan plans} it in the reconcile's context before the workflow runs; the dependent
 * only carries it out. The name alone identifies the object, so a dependent whose precondition no
 * longer holds (the spec stopped asking for it) finds what to delete without a desired state.
 */
public abstract class DomainDependent<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, SecureMailDomain> {

  protected DomainDependent(Class<R> type) {
    super(type);
  }

  /** The object's name for this domain. */
  protected abstract String name(SecureMailDomain domain);

  /** Leaves the object this dependent is to apply in this reconcile. */
  public static <R extends HasMetadata> void plan(Context<SecureMailDomain> context,
      Class<? extends DomainDependent<R>> dependent, R desired) {
    context.managedWorkflowAndDependentResourceContext().put(dependent.getName(), desired);
  }

  /** The object as the informer has it now (empty: it does not exist, or its kind is not watched). */
  public static <R extends HasMetadata> Optional<R> observed(Context<SecureMailDomain> context, Class<R> type,
      String name) {
    return context.getSecondaryResourcesAsStream(type).filter(r -> name.equals(r.getMetadata().getName()))
        .findFirst();
  }

  @Override
  protected R desired(SecureMailDomain domain, Context<SecureMailDomain> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(getClass().getName(), resourceType());
  }

  /**
   * The SDK's informer event source, as the SDK builds it, except that starting it again does
   * nothing ({@link StartedOnceInformerEventSource}). The cached objects' managed fields share their
   * structure as the client reads them ({@link SharedFields}).
   */
  @Override
  protected InformerEventSource<R, SecureMailDomain> createEventSource(EventSourceContext<SecureMailDomain> context) {
    InformerEventSourceConfiguration.Builder<R> builder = informerConfigurationBuilder(context);
    getSecondaryToPrimaryMapper(context).ifPresent(builder::withSecondaryToPrimaryMapper);
    builder.withName(name());
    configuration().map(KubernetesDependentResourceConfig::informerConfig).ifPresent(builder::updateFrom);
    var source = new StartedOnceInformerEventSource<R, SecureMailDomain>(builder.build(), context);
    setEventSource(source);
    return source;
  }

  @Override
  protected ResourceID targetSecondaryResourceID(SecureMailDomain domain, Context<SecureMailDomain> context) {
    return new ResourceID(name(domain), domain.getMetadata().getNamespace());
  }
}
