package io.securemail.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The objects several domains own together (the namespace's policy server): how many owner
 * references and field managers each carries and how large it is, which grow with the number of
 * domains in the namespace.
 */
final class SharedObjects {

  private SharedObjects() {}

  static String describe(List<GenericKubernetesResource> children, int limit) {
    List<GenericKubernetesResource> shared = children.stream()
        .filter(c -> c.getMetadata().getOwnerReferences() != null && c.getMetadata().getOwnerReferences().size() > 1)
        .sorted(Comparator.comparingInt(SharedObjects::size).reversed())
        .toList();
    if (shared.isEmpty()) {
      return "none";
    }
    return shared.stream().limit(limit).map(c -> String.format("%s %s/%s: %d owners, %d field managers, %.1f KiB",
            c.getKind(), c.getMetadata().getNamespace(), c.getMetadata().getName(),
            c.getMetadata().getOwnerReferences().size(),
            c.getMetadata().getManagedFields() == null ? 0 : c.getMetadata().getManagedFields().size(),
            size(c) / 1024.0))
        .collect(Collectors.joining("; ")) + (shared.size() > limit ? "; " + (shared.size() - limit) + " more" : "");
  }

  private static int size(GenericKubernetesResource object) {
    return Serialization.asJson(object).length();
  }
}
