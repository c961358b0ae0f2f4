package io.securemail.operator.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
 *
 * <p>The digest is of the object's JSON with every map's keys sorted: the same state has the same
 * digest in every run of the operator. (The order of {@code Map.of} differs from one JVM to the
 * next, so an unsorted digest made every restarted operator re-apply objects nothing had changed.)
 */
public final class AppliedHash {

  public static final String ANNOTATION = "securemail.io/applied-hash";

  /** Serializes maps with their keys sorted, nested ones included. */
  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  private AppliedHash() {}

  /**
   * Stamps {@code desired} with the digest of its content as it is before the stamp.
   *
   * @return the digest
   */
  public static String stamp(KubernetesSerialization serialization, HasMetadata desired) {
    String hash = ContentDigest.of(canonical(serialization.asJson(desired)));
    Map<String, String> annotations = new HashMap<>(Optional.ofNullable(desired.getMetadata().getAnnotations())
        .orElse(Map.of()));
    annotations.put(ANNOTATION, hash);
    desired.getMetadata().setAnnotations(annotations);
    return hash;
  }

  /** The JSON text with the keys of every object in sorted order. */
  static String canonical(String json) {
    try {
      return CANONICAL.writeValueAsString(CANONICAL.readValue(json, Object.class));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Whether the live object (null: there is none) was last applied with this digest. */
  public static boolean carries(HasMetadata live, String hash) {
    return live != null && live.getMetadata().getAnnotations() != null
        && hash.equals(live.getMetadata().getAnnotations().get(ANNOTATION));
  }
}
