package io.securemail.operator.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Reads from the API server that many reconciles make alike, shared for a moment: the issuer every
 * domain names, the TSIG Secret of a namespace's domains, the Pods of the namespace's policy server.
 * At a thousand domains these were most of the operator's requests (about 50 GETs per domain while
 * converging), each answered alike within the same second. An answer stands for {@link #TTL}, so a
 * change (an issuer becoming Ready, a rotated TSIG key, a Pod becoming ready) is seen at most that
 * late; the operator watches none of these objects (a cache of every Secret or Pod would cost more
 * memory than it saves). A missing object is an answer too. Thread-safe.
 */
public final class RecentReads {

  public static final Duration TTL = Duration.ofSeconds(2);

  /** The operator's one instance: reconciles of every domain share it. */
  public static final RecentReads SHARED = new RecentReads(TTL, System::nanoTime);

  /** Beyond this many answers, expired ones are dropped at the next read. */
  static final int SWEEP_ABOVE = 1024;

  /** What is read: a kind, its namespace (null for a cluster-scoped object) and name or selector. */
  public record Key(String kind, String namespace, String name) {}

  private record Answer(Optional<Object> value, long at) {}

  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private final Map<Object, Answer> answers = new ConcurrentHashMap<>();

  RecentReads(Duration ttl, LongSupplier nanoTime) {
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * The answer read for {@code key} within the last {@link #TTL}, else {@code read}'s (null when the
   * object does not exist). An exception from {@code read} is not kept.
   *
   * @param key what is read, equal for equal reads (a record of kind, namespace and name)
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Object key, Supplier<T> read) {
    long now = nanoTime.getAsLong();
    Answer kept = answers.get(key);
    if (kept != null && now - kept.at() < ttlNanos) {
      return (T) kept.value().orElse(null);
    }
    T value = read.get();
    if (answers.size() > SWEEP_ABOVE) {
      answers.values().removeIf(a -> now - a.at() >= ttlNanos);
    }
    answers.put(key, new Answer(Optional.ofNullable(value), now));
    return value;
  }

  /** A Secret of {@code namespace} as {@link #SHARED} has it, or null when it does not exist. */
  public static Secret secret(KubernetesClient client, String namespace, String name) {
    return SHARED.get(secretKey(namespace, name), () -> client.secrets().inNamespace(namespace).withName(name).get());
  }

  /** The key {@link #secret} reads a Secret under, to {@link #forget} it once the operator wrote it. */
  public static Key secretKey(String namespace, String name) {
    return new Key("Secret", namespace, name);
  }

  /** Forgets {@code key}'s answer: the operator changed the object itself. */
  public void forget(Object key) {
    answers.remove(key);
  }

  int size() {
    return answers.size();
  }
}
