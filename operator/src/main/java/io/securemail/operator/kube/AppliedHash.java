package io.securemail.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What makes an unchanged desired state cost no API write: every object the operator applies is
 * stamped with a digest of the state it applied, and the write is skipped while the live object
 * carries the digest of the state wanted now. Comparing digests, not objects, ignores what the API
 * server and other controllers add (defaults, status, managed fields).
 */
public final class AppliedHash {

  public static final String ANNOTATION = "securemail.io/applied-hash";

  private AppliedHash() {}

  /**
   * Stamps {@code desired} with the digest of its content as it is before the stamp.
   *
   * @return the digest
   */
  public static String stamp(KubernetesSerialization serialization, HasMetadata desired) {
    String hash = ContentDigest.of(serialization.asJson(desired));
    Map<String, String> annotations = new HashMap<>(Optional.ofNullable(desired.getMetadata().getAnnotations())
        .orElse(Map.of()));
    annotations.put(ANNOTATION, hash);
    desired.getMetadata().setAnnotations(annotations);
    return hash;
  }

  /** Whether the live object (null: there is none) was last applied with this digest. */
  public static boolean carries(HasMetadata live, String hash) {
    return live != null && live.getMetadata().getAnnotations() != null
        && hash.equals(live.getMetadata().getAnnotations().get(ANNOTATION));
  }
}
