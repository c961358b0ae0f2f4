package io.securemail.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * An informer event source whose start, once it runs, costs nothing.
 *
 * <p>The SDK (5.1) registers the event source of a dependent with an activation condition (the
 * cert-manager Certificates, the external-dns DNSEndpoints) at every reconcile and, finding it
 * registered already, starts it again; {@link InformerEventSource#start()} then indexes every
 * object in its cache anew, under the source's lock. With a thousand domains that is three
 * thousand Certificates indexed per reconcile, for each of three dependents: most of what a
 * reconcile cost, and growing with the square of the number of domains.
 */
public class StartedOnceInformerEventSource<R extends HasMetadata, P extends HasMetadata>
    extends InformerEventSource<R, P> {

  public StartedOnceInformerEventSource(InformerEventSourceConfiguration<R> configuration,
      EventSourceContext<P> context) {
    super(configuration, context);
  }

  @Override
  public synchronized void start() {
    if (!isRunning()) {
      super.start();
    }
  }
}
