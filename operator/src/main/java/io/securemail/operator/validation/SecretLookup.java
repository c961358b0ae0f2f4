package io.securemail.operator.validation;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.securemail.operator.kube.RecentReads;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** Reads the key names of a Secret in the resource's namespace; empty when it does not exist. */
@FunctionalInterface
public interface SecretLookup {
  Optional<Set<String>> keysOf(String secretName);

  /**
   * The Secrets of {@code namespace} as the API server had them at most {@link RecentReads#TTL} ago:
   * the operator watches no Secrets (a cache of every Secret would cost more memory than the few
   * lookups a reconcile makes).
   */
  static SecretLookup inNamespace(KubernetesClient client, String namespace) {
    return name -> {
      Secret secret = RecentReads.secret(client, namespace, name);
      if (secret == null) {
        return Optional.empty();
      }
      Set<String> keys = new HashSet<>();
      Optional.ofNullable(secret.getData()).ifPresent(d -> keys.addAll(d.keySet()));
      Optional.ofNullable(secret.getStringData()).ifPresent(d -> keys.addAll(d.keySet()));
      return Optional.of(keys);
    };
  }
}
