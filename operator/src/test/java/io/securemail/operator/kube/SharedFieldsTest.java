package io.securemail.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.securemail.operator.api.SecureMailDomain;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Objects the operator's client reads hold one copy of their managed fields' common structure, and
 * each still reads exactly as the API server sent it. The client is built as Quarkus builds the
 * operator's: the customizer applied to a new mapper, then Fabric8's serialization around it.
 */
class SharedFieldsTest {

  private static final KubernetesSerialization JSON = client();

  private static KubernetesSerialization client() {
    ObjectMapper mapper = new ObjectMapper();
    new ClientJson().customize(mapper);
    return new KubernetesSerialization(mapper, true);
  }

  /** A ConfigMap as the API server returns one the operator applied, owned by domain {@code uid}. */
  private static String applied(String name, String uid) {
    return """
        {"apiVersion":"v1","kind":"ConfigMap",
         "metadata":{"name":"%s","namespace":"mail","resourceVersion":"1",
           "managedFields":[{"manager":"securemaildomain","operation":"Apply","apiVersion":"v1",
             "fieldsType":"FieldsV1","fieldsV1":{
               "f:data":{"f:records.zone":{}},
               "f:metadata":{"f:labels":{"f:app.kubernetes.io/managed-by":{},"f:securemail.io/domain":{}},
                 "f:ownerReferences":{"k:{\\"uid\\":\\"%s\\"}":{}}}}}]},
         "data":{"records.zone":"x"}}
        """.formatted(name, uid);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> fields(io.fabric8.kubernetes.api.model.HasMetadata object, int entry) {
    return object.getMetadata().getManagedFields().get(entry).getFieldsV1().getAdditionalProperties();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theCommonStructureIsHeldOnceAndEachObjectKeepsItsOwnOwner() {
    String sent = applied("a-dns-records", "uid-a");
    ConfigMap a = JSON.unmarshal(sent, ConfigMap.class);
    ConfigMap b = JSON.unmarshal(applied("b-dns-records", "uid-b"), ConfigMap.class);

    assertThat(fields(a, 0).get("f:data")).isSameAs(fields(b, 0).get("f:data"));
    Map<String, Object> metaA = (Map<String, Object>) fields(a, 0).get("f:metadata");
    Map<String, Object> metaB = (Map<String, Object>) fields(b, 0).get("f:metadata");
    assertThat(metaA.get("f:labels")).isSameAs(metaB.get("f:labels"));
    assertThat(metaA.get("f:ownerReferences")).isNotEqualTo(metaB.get("f:ownerReferences"));
    assertThat(JSON.asJson(a)).as("what the SDK's matcher reads is what the API server sent")
        .isEqualTo(new KubernetesSerialization().asJson(new KubernetesSerialization().unmarshal(sent, ConfigMap.class)));
  }

  @Test
  void aDomainsStatusFieldsAreSharedWithEveryOtherDomains() {
    String domain = """
        {"apiVersion":"securemail.io/v1alpha1","kind":"SecureMailDomain",
         "metadata":{"name":"%s","namespace":"mail","uid":"%s",
           "managedFields":[{"manager":"securemail-operator","operation":"Apply","apiVersion":"securemail.io/v1alpha1",
             "fieldsType":"FieldsV1","subresource":"status","fieldsV1":{
               "f:status":{"f:conditions":{},"f:observedGeneration":{},"f:dane":{"f:phase":{}}}}}]},
         "spec":{"domain":"%s"}}
        """;
    SecureMailDomain one = JSON.unmarshal(domain.formatted("one", "uid-1", "one.example"), SecureMailDomain.class);
    SecureMailDomain two = JSON.unmarshal(domain.formatted("two", "uid-2", "two.example"), SecureMailDomain.class);

    assertThat(fields(one, 0)).isSameAs(fields(two, 0));
    assertThat(fields(one, 0)).containsOnlyKeys("f:status");
  }

  @Test
  void equalTextIsHeldOnceAndLongTextAsRead() {
    ConfigMap a = JSON.unmarshal(applied("a-dns-records", "uid-a"), ConfigMap.class);
    ConfigMap b = JSON.unmarshal(applied("b-dns-records", "uid-b"), ConfigMap.class);
    String longText = "x".repeat(SharedStrings.LONGEST + 1);
    ConfigMap c = JSON.unmarshal(applied("c-dns-records", "uid-c").replace("\"records.zone\":\"x\"",
        "\"records.zone\":\"" + longText + "\""), ConfigMap.class);

    assertThat(a.getMetadata().getNamespace()).isEqualTo("mail").isSameAs(b.getMetadata().getNamespace());
    assertThat(a.getMetadata().getManagedFields().get(0).getManager())
        .isSameAs(b.getMetadata().getManagedFields().get(0).getManager());
    assertThat(a.getMetadata().getName()).isEqualTo("a-dns-records");
    assertThat(c.getData().get("records.zone")).isEqualTo(longText).isNotSameAs(longText.intern());
  }

  @Test
  void sharedStructureCannotBeChangedThroughOneObject() {
    ConfigMap c = JSON.unmarshal(applied("c-dns-records", "uid-c"), ConfigMap.class);

    assertThatThrownBy(() -> fields(c, 0).put("f:spec", Map.of())).isInstanceOf(UnsupportedOperationException.class);
  }
}
