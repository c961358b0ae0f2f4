package io.securemail.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two objects of the same kind made for two domains hold one copy of their managed fields' common
 * structure, and each still reads exactly as the API server sent it.
 */
class SharedFieldsStoreTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** A ConfigMap as the API server returns one the operator applied, owned by domain {@code uid}. */
  private static ConfigMap applied(String name, String uid) {
    return JSON.unmarshal("""
        {"apiVersion":"v1","kind":"ConfigMap",
         "metadata":{"name":"%s","namespace":"mail","resourceVersion":"1",
           "managedFields":[{"manager":"securemaildomain","operation":"Apply","apiVersion":"v1",
             "fieldsType":"FieldsV1","fieldsV1":{
               "f:data":{"f:records.zone":{}},
               "f:metadata":{"f:labels":{"f:app.kubernetes.io/managed-by":{},"f:securemail.io/domain":{}},
                 "f:ownerReferences":{"k:{\\"uid\\":\\"%s\\"}":{}}}}}]},
         "data":{"records.zone":"x"}}
        """.formatted(name, uid), ConfigMap.class);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> fields(ConfigMap map) {
    return map.getMetadata().getManagedFields().get(0).getFieldsV1().getAdditionalProperties();
  }

  @Test
  void theCommonStructureIsHeldOnceAndEachObjectKeepsItsOwnOwner() {
    SharedFieldsStore<ConfigMap> store = new SharedFieldsStore<>();
    String before = JSON.asJson(applied("a-dns-records", "uid-a"));

    store.put("mail/a", applied("a-dns-records", "uid-a"));
    store.put("mail/b", applied("b-dns-records", "uid-b"));
    ConfigMap a = store.get("mail/a");
    ConfigMap b = store.get("mail/b");

    assertThat(fields(a).get("f:data")).isSameAs(fields(b).get("f:data"));
    Map<String, Object> metaA = (Map<String, Object>) fields(a).get("f:metadata");
    Map<String, Object> metaB = (Map<String, Object>) fields(b).get("f:metadata");
    assertThat(metaA.get("f:labels")).isSameAs(metaB.get("f:labels"));
    assertThat(metaA.get("f:ownerReferences")).isNotEqualTo(metaB.get("f:ownerReferences"));
    assertThat(JSON.asJson(a)).as("what the SDK's matcher reads is what the API server sent").isEqualTo(before);
  }

  @Test
  void sharedStructureCannotBeChangedThroughOneObject() {
    SharedFieldsStore<ConfigMap> store = new SharedFieldsStore<>();
    store.put("mail/c", applied("c-dns-records", "uid-c"));

    assertThatThrownBy(() -> fields(store.get("mail/c")).put("f:spec", Map.of()))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
