package io.securemail.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.reconciler.Constants;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InformerStoresTest {

  /** All namespaces and a single one are one informer; a list of namespaces is one per namespace. */
  @Test
  void onlyOneInformerGetsAStoreOfTheOperatorsOwn() {
    assertThat(InformerStores.oneInformer(Constants.WATCH_ALL_NAMESPACE_SET)).isTrue();
    assertThat(InformerStores.oneInformer(Set.of("mail"))).isTrue();
    assertThat(InformerStores.oneInformer(Set.of("mail-a", "mail-b"))).isFalse();
  }
}
