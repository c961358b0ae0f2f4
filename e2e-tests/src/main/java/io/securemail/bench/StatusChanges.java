package io.securemail.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which status fields of the domains change while it watches, e.g. across an operator restart: every
 * update the API server sends is compared with the one before it, field by field (conditions keyed by
 * their type), so a field changed and changed back counts too. Also counts updates that changed
 * nothing in the status.
 */
final class StatusChanges implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Map<String, String>> last = new HashMap<>();
  private final Map<String, Long> changed = new TreeMap<>();
  private final Map<String, String> example = new HashMap<>();
  private long updatesWithoutStatusChange;
  private final Watch watch;

  StatusChanges(KubernetesClient client, List<GenericKubernetesResource> domains, String resourceVersion) {
    for (GenericKubernetesResource domain : domains) {
      last.put(key(domain), flatten(domain));
    }
    this.watch = client.genericKubernetesResources("securemail.io/v1alpha1", "SecureMailDomain").inAnyNamespace()
        .withResourceVersion(resourceVersion).watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, GenericKubernetesResource domain) {
            if (action == Action.MODIFIED) {
              record(domain);
            }
          }

          @Override
          public void onClose(WatcherException cause) {
            // the benchmark closes it
          }
        });
  }

  private synchronized void record(GenericKubernetesResource domain) {
    Map<String, String> was = last.getOrDefault(key(domain), Map.of());
    Map<String, String> now = flatten(domain);
    TreeSet<String> paths = new TreeSet<>(was.keySet());
    paths.addAll(now.keySet());
    boolean any = false;
    for (String path : paths) {
      if (!Objects.equals(was.get(path), now.get(path))) {
        any = true;
        changed.merge(path, 1L, Long::sum);
        example.putIfAbsent(path, was.get(path) + " -> " + now.get(path));
      }
    }
    if (!any) {
      updatesWithoutStatusChange++;
    }
    last.put(key(domain), now);
  }

  /** Field path to how many times it changed, with an example of a change. */
  synchronized Map<String, String> changes() {
    Map<String, String> out = new LinkedHashMap<>();
    changed.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue() + " (e.g. " + abbreviate(example.get(e.getKey())) + ")"));
    return out;
  }

  synchronized long updatesWithoutStatusChange() {
    return updatesWithoutStatusChange;
  }

  private static String abbreviate(String text) {
    return text == null || text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }

  private static String key(GenericKubernetesResource domain) {
    return domain.getMetadata().getNamespace() + "/" + domain.getMetadata().getName();
  }

  private static Map<String, String> flatten(GenericKubernetesResource domain) {
    Map<String, String> fields = new TreeMap<>();
    flatten("status", JSON.valueToTree(domain.getAdditionalProperties().get("status")), fields);
    return fields;
  }

  private static void flatten(String path, JsonNode node, Map<String, String> fields) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        flatten(path + "." + field.getKey(), field.getValue(), fields);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        JsonNode element = node.get(i);
        // Conditions by type, records by type and name (a domain has several TXT records), others by name.
        String id = element.has("type") && element.has("name")
            ? element.get("type").asText() + " " + element.get("name").asText()
            : element.has("type") ? element.get("type").asText()
            : element.has("name") ? element.get("name").asText() : String.valueOf(i);
        flatten(path + "[" + id + "]", element, fields);
      }
    } else {
      fields.put(path, node.asText());
    }
  }

  @Override
  public void close() {
    watch.close();
  }
}
