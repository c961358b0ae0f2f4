package io.securemail.operator.kube;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.fabric8.kubernetes.api.model.FieldsV1;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Every object's managed fields, read with their structure shared ({@link ClientJson} installs it
 * in the operator's client).
 *
 * <p>Each object the API server returns carries {@code metadata.managedFields}: per field manager a
 * tree of nested maps naming every field that manager set (Kubernetes' "fieldsV1" format). The SDK's
 * server-side-apply matcher reads them from the dependents' caches, so they are kept. Parsed as
 * they come, they were the largest part of the operator's heap: at a thousand domains the
 * SecureMailDomains' trees alone took about a tenth of the live heap, the dependents' more before
 * they were shared (docs/performance.md). The trees have the same shape from one domain to the
 * next (the same fields of the same kind), so here every subtree is held once, as an unmodifiable
 * map, for every object that has it; only subtrees naming one object by uid (an owner reference's
 * key) are that object's own.
 *
 * <p>This works in the client's deserializer, not in an informer's store, so it holds for every
 * informer, however many namespaces are watched ({@link InformerStores}), and for every answer the
 * client reads. A shape no object holds any more is forgotten by the garbage collector (weak
 * references), so shapes of deleted objects do not accumulate.
 */
final class SharedFields {

  /** Each distinct subtree, once, for as long as an object holds it. Keys are values: found by contents. */
  private static final Map<Map<String, Object>, WeakReference<Map<String, Object>>> SHAPES = new WeakHashMap<>();

  private SharedFields() {}

  /** The Jackson module that reads {@link FieldsV1} as shared trees. */
  static SimpleModule module() {
    return new SimpleModule("securemail-shared-fields").addDeserializer(FieldsV1.class, new Deserializer());
  }

  /** The tree, each of its subtrees replaced by the one copy every object shares. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> share(Map<String, Object> tree) {
    Map<String, Object> copy = new LinkedHashMap<>(Math.max(2, tree.size() * 4 / 3 + 1));
    boolean own = false;
    for (Map.Entry<String, Object> e : tree.entrySet()) {
      String name = e.getKey();
      // "k:{\"apiVersion\":...,\"uid\":\"...\"}" names one owner: no other object has it.
      own |= name.contains("\"uid\"");
      copy.put(name, e.getValue() instanceof Map<?, ?> child ? share((Map<String, Object>) child) : e.getValue());
    }
    Map<String, Object> frozen = Collections.unmodifiableMap(copy);
    if (own) {
      return frozen;
    }
    synchronized (SHAPES) {
      WeakReference<Map<String, Object>> held = SHAPES.get(frozen);
      Map<String, Object> shared = held == null ? null : held.get();
      if (shared != null) {
        return shared;
      }
      SHAPES.put(frozen, new WeakReference<>(frozen));
      return frozen;
    }
  }

  /** Reads a fieldsV1 object (a tree of maps) as {@link #share} returns it. */
  static final class Deserializer extends StdDeserializer<FieldsV1> {

    private static final JavaType TREE = TypeFactory.defaultInstance()
        .constructMapType(LinkedHashMap.class, String.class, Object.class);

    Deserializer() {
      super(FieldsV1.class);
    }

    @Override
    public FieldsV1 deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      Map<String, Object> tree = context.readValue(parser, TREE);
      FieldsV1 fields = new FieldsV1();
      fields.setAdditionalProperties(tree == null ? null : share(tree));
      return fields;
    }
  }
}
