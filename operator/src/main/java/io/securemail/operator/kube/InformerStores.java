package io.securemail.operator.kube;

import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import java.util.Set;

/**
 * When an informer may keep its objects in a store of the operator's own (slimmed to the fields its
 * reader needs): only when the controller's namespaces make it one informer, all
 * namespaces or a single one.
 *
 * <p>With several namespaces listed (the chart's {@code watchNamespaces}), the SDK runs one
 * informer per namespace, all over the one item store the configuration names. Each informer's list
 * (at start, and again after a watch expires) then keeps in that store only what its own namespace
 * listed: the other namespaces' objects leave the cache and are reported deleted. The SDK hides part
 * of it (it applies a dependent it no longer sees again, a write that changes nothing), but the
 * claims index would forget which resource holds a mail domain. Those informers therefore get the
 * client's default store each, at the memory cost of whole objects.
 */
public final class InformerStores {

  private InformerStores() {}

  /** Whether the controller of {@code context} watches through one informer per kind. */
  public static boolean oneInformer(EventSourceContext<?> context) {
    return oneInformer(context.getControllerConfiguration().getEffectiveNamespaces());
  }

  /** Whether these watched namespaces (the SDK's all-namespaces marker, or names) make one informer. */
  static boolean oneInformer(Set<String> namespaces) {
    return namespaces.size() == 1;
  }
}
