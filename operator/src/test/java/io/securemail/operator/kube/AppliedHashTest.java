package io.securemail.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppliedHashTest {

  private final KubernetesSerialization serialization = new KubernetesSerialization();

  /**
   * What a restarted operator renders in another map order (Map.of's order differs between JVMs)
   * has the digest the previous run stamped: the restart writes nothing.
   */
  @Test
  void theSameStateInAnotherMapOrderHasTheSameDigest() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "securemail-mta-sts");
    labels.put("app.kubernetes.io/managed-by", "securemail-operator");
    Map<String, String> reversed = new LinkedHashMap<>();
    reversed.put("app.kubernetes.io/managed-by", "securemail-operator");
    reversed.put("app.kubernetes.io/name", "securemail-mta-sts");

    String one = AppliedHash.stamp(serialization, configMap(labels, Map.of("a", "1")));
    String other = AppliedHash.stamp(serialization, configMap(reversed, Map.of("a", "1")));

    assertThat(other).isEqualTo(one);
    assertThat(AppliedHash.stamp(serialization, configMap(labels, Map.of("a", "2")))).isNotEqualTo(one);
  }

  @Test
  void aLiveObjectCarriesTheDigestItWasStampedWith() {
    ConfigMap applied = configMap(Map.of("k", "v"), Map.of("a", "1"));
    String hash = AppliedHash.stamp(serialization, applied);
    assertThat(AppliedHash.carries(applied, hash)).isTrue();
    assertThat(AppliedHash.carries(configMap(Map.of("k", "v"), Map.of("a", "1")), hash)).isFalse();
    assertThat(AppliedHash.carries(null, hash)).isFalse();
  }

  private static ConfigMap configMap(Map<String, String> labels, Map<String, String> data) {
    return new ConfigMapBuilder().withNewMetadata().withName("x").withNamespace("ns").withLabels(labels).endMetadata()
        .withData(data).build();
  }
}
