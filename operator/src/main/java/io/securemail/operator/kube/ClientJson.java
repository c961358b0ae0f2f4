package io.securemail.operator.kube;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * How the operator's Kubernetes client reads JSON, beyond Fabric8's defaults. Quarkus applies this
 * to the client's mapper before Fabric8 adds its own modules.
 *
 * <ul>
 *   <li>Managed fields are read as trees shared between objects ({@link SharedFields}), and equal
 *       text values as one string ({@link SharedStrings}).
 *   <li>Jackson's parsing buffers come from one pool for the process, not one set per thread.
 *       Jackson's default keeps a set of buffers (about 30 KB) for every thread that ever parsed,
 *       for as long as the thread lives; the operator has over a hundred threads (the SDK's
 *       reconcile and workflow pools, informers, the compliance checks), of which only a few parse
 *       at any moment (docs/performance.md).
 * </ul>
 */
@Singleton
public class ClientJson implements KubernetesClientObjectMapperCustomizer {

  @Override
  public void customize(ObjectMapper mapper) {
    mapper.registerModule(SharedFields.module());
    mapper.registerModule(SharedStrings.module());
    mapper.getFactory().setRecyclerPool(JsonRecyclerPools.sharedConcurrentDequePool());
  }
}
