package io.securemail.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.securemail.operator.api.SecureMailDomain;
import org.junit.jupiter.api.Test;

/** The watch event of the operator's own status write reconciles nothing; any other update does. */
class OwnStatusWritesTest {

  private final OwnStatusWrites filter = new OwnStatusWrites();

  private static SecureMailDomain version(String uid, String resourceVersion) {
    SecureMailDomain domain = new SecureMailDomain();
    domain.setMetadata(new ObjectMetaBuilder().withNamespace("mail").withName("d").withUid(uid)
        .withResourceVersion(resourceVersion).build());
    return domain;
  }

  @Test
  void theEventOfTheOperatorsOwnStatusWriteIsNoNews() {
    OwnStatusWrites.wrote(version("own-1", "41"));

    assertThat(filter.accept(version("own-1", "41"), version("own-1", "40"))).isFalse();
  }

  @Test
  void anUpdateAfterTheOwnWriteIsNews() {
    OwnStatusWrites.wrote(version("own-2", "41"));

    // Someone else's write (a restored status, an annotation) comes with a later version.
    assertThat(filter.accept(version("own-2", "42"), version("own-2", "41"))).isTrue();
  }

  @Test
  void eachOwnWriteSilencesOneEventOnly() {
    OwnStatusWrites.wrote(version("own-3", "7"));
    assertThat(filter.accept(version("own-3", "7"), version("own-3", "6"))).isFalse();

    // A relist that delivers the same version again is not taken for the write once more.
    assertThat(filter.accept(version("own-3", "7"), version("own-3", "7"))).isTrue();
  }

  @Test
  void anotherDomainsWriteSilencesNothingHere() {
    OwnStatusWrites.wrote(version("own-4", "9"));

    assertThat(filter.accept(version("own-5", "9"), version("own-5", "8"))).isTrue();
  }

  @Test
  void aForgottenDomainsEventsAreNewsAgain() {
    SecureMailDomain written = version("own-6", "3");
    OwnStatusWrites.wrote(written);
    OwnStatusWrites.forget(written);

    assertThat(filter.accept(version("own-6", "3"), version("own-6", "2"))).isTrue();
  }
}
