package io.securemail.operator.kube;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An informer cache in which the objects' {@code managedFields} share their structure.
 *
 * <p>The SDK's server-side-apply matcher needs each cached object's managed fields, a tree of
 * nested maps naming every field a manager set (Kubernetes' "fieldsV1" format). For the objects
 * the operator makes, these trees are the same shape from one domain to the next: the same fields
 * of the same kind. Held as parsed, they were most of the operator's heap (at a thousand domains
 * about 500,000 maps, two thirds of the live heap). Here every subtree is kept once for all
 * objects, as an unmodifiable map; only subtrees naming an object by uid (an owner reference's
 * key) are the object's own. The shapes are few, so what is shared stays small.
 */
public class SharedFieldsStore<R extends HasMetadata> extends SlimStore<R> {

  /** Each distinct subtree, once. Keys are values: a map is found by its contents. */
  private static final Map<Map<String, Object>, Map<String, Object>> SHAPES = new ConcurrentHashMap<>();
  /** Above this many shapes, nothing more is shared (a safeguard against unexpected variety). */
  private static final int MAX_SHAPES = 100_000;

  public SharedFieldsStore() {
    super(SharedFieldsStore::shareManagedFields);
  }

  /** The object, its managed fields' trees replaced by the shared ones. */
  static <R extends HasMetadata> R shareManagedFields(R object) {
    if (object.getMetadata() != null && object.getMetadata().getManagedFields() != null) {
      for (ManagedFieldsEntry entry : object.getMetadata().getManagedFields()) {
        FieldsV1 fields = entry.getFieldsV1();
        if (fields != null && fields.getAdditionalProperties() != null) {
          FieldsV1 shared = new FieldsV1();
          shared.setAdditionalProperties(share(fields.getAdditionalProperties()));
          entry.setFieldsV1(shared);
        }
      }
    }
    return object;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> share(Map<String, Object> tree) {
    Map<String, Object> copy = new LinkedHashMap<>(Math.max(2, tree.size() * 4 / 3 + 1));
    boolean own = false;
    for (Map.Entry<String, Object> e : tree.entrySet()) {
      String name = e.getKey();
      // "k:{\"apiVersion\":...,\"uid\":\"...\"}" names one owner: no other object has it.
      own |= name.contains("\"uid\"");
      Object value = e.getValue() instanceof Map<?, ?> child ? share((Map<String, Object>) child) : e.getValue();
      copy.put(name, value);
    }
    Map<String, Object> frozen = Collections.unmodifiableMap(copy);
    if (own || SHAPES.size() >= MAX_SHAPES) {
      return frozen;
    }
    return SHAPES.computeIfAbsent(frozen, f -> f);
  }
}
