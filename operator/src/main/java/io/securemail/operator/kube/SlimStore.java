package io.securemail.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.UnaryOperator;

/**
 * An informer cache that keeps each object as its reader needs it, not whole: a second whole copy
 * of every domain, status and managed fields and all, costs the operator more memory than the
 * fields it reads. Given to one informer only ({@link InformerStores}).
 */
public class SlimStore<R extends HasMetadata> extends BasicItemStore<R> {

  private final UnaryOperator<R> slim;

  public SlimStore(UnaryOperator<R> slim) {
    super(Cache::metaNamespaceKeyFunc);
    this.slim = slim;
  }

  @Override
  public R put(String key, R object) {
    return super.put(key, slim.apply(object));
  }
}
