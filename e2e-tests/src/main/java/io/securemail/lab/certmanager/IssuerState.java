package io.securemail.lab.certmanager;

import io.fabric8.certmanager.api.model.v1.CertificateRequest;
import io.fabric8.certmanager.api.model.v1.ClusterIssuer;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the lab's cert-manager stand-in knows between passes: the informers' caches, the keys of
 * issuances in progress (cert-manager keeps them in a temporary Secret), what it wrote last, and
 * how many certificates it issued.
 */
final class IssuerState {

  SharedIndexInformer<CertificateRequest> requests;
  SharedIndexInformer<Secret> secrets;
  SharedIndexInformer<Issuer> issuers;
  SharedIndexInformer<ClusterIssuer> clusterIssuers;
  volatile Duration retryAfterFailure = LabIssuer.RETRY_AFTER_FAILURE;

  /** The key of the issuance in progress, per Certificate uid and revision being issued. */
  private final Map<String, KeyPair> pendingKeys = new ConcurrentHashMap<>();
  private final Map<String, Integer> issuances = new ConcurrentHashMap<>();
  /** Warnings already recorded as events, so each is recorded once per situation. */
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  /**
   * The resourceVersion of each object as this controller last wrote it. Until the informer's copy
   * has caught up, the cache is stale for that object and decisions on it wait.
   */
  private final Map<String, Written> written = new ConcurrentHashMap<>();

  private record Written(long resourceVersion, long atNanos) {}

  private static final long STALE_AFTER_NANOS = Duration.ofSeconds(30).toNanos();

  Secret secret(String namespace, String name) {
    return secrets.getStore().getByKey(namespace + "/" + name);
  }

  CertificateRequest request(String namespace, String name) {
    return requests.getStore().getByKey(namespace + "/" + name);
  }

  /** The Issuer (in the namespace) or ClusterIssuer, from the caches; null if there is none. */
  HasMetadata issuer(String kind, String namespace, String name) {
    return "ClusterIssuer".equals(kind) ? clusterIssuers.getStore().getByKey(name)
        : issuers.getStore().getByKey(namespace + "/" + name);
  }

  // --- read-your-writes ---

  void wrote(HasMetadata object) {
    if (object != null && object.getMetadata().getResourceVersion() != null) {
      written.put(key(object), new Written(Long.parseLong(object.getMetadata().getResourceVersion()), System.nanoTime()));
    }
  }

  /** The informer delivered this object (or its deletion). */
  void observed(HasMetadata object, boolean deleted) {
    written.computeIfPresent(key(object), (k, w) -> deleted || version(object) >= w.resourceVersion() ? null : w);
  }

  /**
   * Whether the cached copy (null: not in the cache) of an object reflects this controller's last
   * write of it. Forgets writes older than 30 s, so an object deleted meanwhile cannot block.
   */
  boolean current(String kind, String namespace, String name, HasMetadata cached) {
    String key = kind + "/" + namespace + "/" + name;
    Written w = written.get(key);
    if (w == null) {
      return true;
    }
    if (cached != null && version(cached) >= w.resourceVersion() || System.nanoTime() - w.atNanos() > STALE_AFTER_NANOS) {
      written.remove(key, w);
      return true;
    }
    return false;
  }

  private static String key(HasMetadata object) {
    return object.getKind() + "/" + (object.getMetadata().getNamespace() == null ? "" : object.getMetadata().getNamespace())
        + "/" + object.getMetadata().getName();
  }

  private static long version(HasMetadata object) {
    try {
      return Long.parseLong(object.getMetadata().getResourceVersion());
    } catch (RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }

  // --- issuance bookkeeping ---

  KeyPair pendingKey(String uid, int revision) {
    return pendingKeys.get(uid + "/" + revision);
  }

  void pendingKey(String uid, int revision, KeyPair key) {
    pendingKeys.put(uid + "/" + revision, key);
  }

  void forgetPendingKeys(String uid) {
    pendingKeys.keySet().removeIf(k -> k.startsWith(uid + "/"));
  }

  void issued(String namespace, String name) {
    issuances.merge(namespace + "/" + name, 1, Integer::sum);
  }

  int issuances(String namespace, String name) {
    return issuances.getOrDefault(namespace + "/" + name, 0);
  }

  /** True the first time for a situation, false after. */
  boolean firstWarning(String situation) {
    return warned.add(situation);
  }
}
