package io.securemail.operator.certs;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The key Secrets of one domain as one reconcile reads and writes them: each is read from the API
 * server once, and what the reconcile writes is what it reads afterwards. The operator may not list
 * or watch Secrets (docs/security.md), so every read is a GET by name; the lineage step reads a
 * lineage's Secret for its key and again to copy its certificate into the serving Secret, and a
 * new lineage's once to find it missing and once more before creating it. Lives for one reconcile
 * only: the next one reads again, so nothing here can be staler than the reconcile that made it.
 */
public final class SecretReads {

  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, Optional<Secret>> read = new HashMap<>();

  public SecretReads(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The Secret, or null when it does not exist. */
  public Secret get(String name) {
    return read.computeIfAbsent(name,
        n -> Optional.ofNullable(client.secrets().inNamespace(namespace).withName(n).get())).orElse(null);
  }

  /** Creates the Secret; later reads see it as the API server stored it. */
  Secret create(Secret secret) {
    read.remove(secret.getMetadata().getName());
    return remember(client.secrets().inNamespace(namespace).resource(secret).create());
  }

  /** Updates the Secret (refused if it changed since it was read); later reads see it as stored. */
  Secret update(Secret secret) {
    // Dropped first: the caller changed the object read before, and a refused write leaves it unstored.
    read.remove(secret.getMetadata().getName());
    return remember(client.secrets().inNamespace(namespace).resource(secret).update());
  }

  /** Deletes the Secret; a later read asks the API server again. */
  void delete(String name) {
    client.secrets().inNamespace(namespace).withName(name).delete();
    read.remove(name);
  }

  private Secret remember(Secret stored) {
    read.put(stored.getMetadata().getName(), Optional.of(stored));
    return stored;
  }
}
