package io.securemail.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API server's own bound for the work the operator did: the same domains created one after the
 * other, then the objects the operator made for them, copied (without uid, resourceVersion,
 * managedFields, status and what the API server allocated: a Service's cluster IPs and node ports)
 * and server-side applied by {@value #CLIENTS} clients in parallel, all into fresh namespaces and
 * with the owner references pointing at the new copies. The operator is stopped meanwhile.
 */
final class ApiServerBound {

  static final int CLIENTS = 8;
  static final String FIELD_MANAGER = "bench-bound";

  record Result(Duration domains, Duration children, int domainCount, int childCount, int failures) {
    Duration total() {
      return domains.plus(children);
    }
  }

  private ApiServerBound() {}

  static Result measure(KubernetesClient admin, Path kubeconfig, List<GenericKubernetesResource> domains,
      List<GenericKubernetesResource> children) throws Exception {
    Map<String, String> namespaces = new LinkedHashMap<>();
    for (GenericKubernetesResource object : domains) {
      namespaces.computeIfAbsent(object.getMetadata().getNamespace(), ApiServerBound::freshNamespace);
    }
    for (String fresh : namespaces.values()) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(fresh).endMetadata().build())
          .create();
    }
    String config = Files.readString(kubeconfig);
    List<KubernetesClient> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(config)).build());
    }
    try {
      // Warm each client's connection and discovery, as a running client would be.
      for (KubernetesClient client : clients) {
        client.genericKubernetesResources("cert-manager.io/v1", "Certificate")
            .inNamespace(namespaces.values().iterator().next()).list();
      }
      long started = System.nanoTime();
      Map<String, String> newUids = new HashMap<>();
      KubernetesClient serial = clients.get(0);
      for (GenericKubernetesResource domain : domains) {
        GenericKubernetesResource copy = strip(domain, namespaces.get(domain.getMetadata().getNamespace()), Map.of());
        copy.getMetadata().setFinalizers(null);
        GenericKubernetesResource created = serial.genericKubernetesResources("securemail.io/v1alpha1",
            "SecureMailDomain").inNamespace(copy.getMetadata().getNamespace()).resource(copy).create();
        newUids.put(domain.getMetadata().getUid(), created.getMetadata().getUid());
      }
      long domainsDone = System.nanoTime();
      ConcurrentLinkedQueue<GenericKubernetesResource> queue = new ConcurrentLinkedQueue<>();
      for (GenericKubernetesResource child : children) {
        queue.add(strip(child, namespaces.get(child.getMetadata().getNamespace()), newUids));
      }
      AtomicInteger failures = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (KubernetesClient client : clients) {
          done.add(pool.submit(() -> {
            for (GenericKubernetesResource object; (object = queue.poll()) != null; ) {
              try {
                client.genericKubernetesResources(object.getApiVersion(), object.getKind())
                    .inNamespace(object.getMetadata().getNamespace()).resource(object)
                    .fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
              } catch (RuntimeException e) {
                if (failures.getAndIncrement() < 3) {
                  System.err.println("[bench] bound: " + object.getKind() + " " + object.getMetadata().getName()
                      + " not applied: " + e.getMessage());
                }
              }
            }
          }));
        }
        for (Future<?> future : done) {
          future.get();
        }
      } finally {
        pool.shutdownNow();
      }
      long childrenDone = System.nanoTime();
      return new Result(Duration.ofNanos(domainsDone - started), Duration.ofNanos(childrenDone - domainsDone),
          domains.size(), children.size(), failures.get());
    } finally {
      clients.forEach(KubernetesClient::close);
    }
  }

  private static String freshNamespace(String namespace) {
    String fresh = "bound-" + namespace;
    return fresh.length() <= 63 ? fresh : fresh.substring(0, 63);
  }

  /** A copy as a client would write it: no server-set metadata, no status, owners remapped. */
  @SuppressWarnings("unchecked")
  static GenericKubernetesResource strip(GenericKubernetesResource object, String namespace, Map<String, String> uids) {
    GenericKubernetesResource copy = new GenericKubernetesResource();
    copy.setApiVersion(object.getApiVersion());
    copy.setKind(object.getKind());
    ObjectMeta from = object.getMetadata();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(from.getName());
    meta.setNamespace(namespace);
    meta.setLabels(from.getLabels());
    Map<String, String> annotations = from.getAnnotations() == null ? null : new HashMap<>(from.getAnnotations());
    if (annotations != null) {
      annotations.remove("deployment.kubernetes.io/revision");
    }
    meta.setAnnotations(annotations);
    meta.setFinalizers(from.getFinalizers());
    if (from.getOwnerReferences() != null) {
      List<OwnerReference> owners = new ArrayList<>();
      for (OwnerReference owner : from.getOwnerReferences()) {
        String uid = uids.get(owner.getUid());
        if (uid != null) {
          owners.add(new OwnerReference(owner.getApiVersion(), owner.getBlockOwnerDeletion(), owner.getController(),
              owner.getKind(), owner.getName(), uid));
        }
      }
      meta.setOwnerReferences(owners.isEmpty() ? null : owners);
    }
    copy.setMetadata(meta);
    Map<String, Object> rest = new LinkedHashMap<>(object.getAdditionalProperties());
    rest.remove("status");
    if ("Service".equals(object.getKind()) && rest.get("spec") instanceof Map<?, ?> spec) {
      Map<String, Object> serviceSpec = new LinkedHashMap<>((Map<String, Object>) spec);
      serviceSpec.remove("clusterIP");
      serviceSpec.remove("clusterIPs");
      if (serviceSpec.get("ports") instanceof List<?> ports) {
        List<Object> portsWithoutNodePorts = new ArrayList<>();
        for (Object port : ports) {
          Map<String, Object> p = new LinkedHashMap<>((Map<String, Object>) port);
          p.remove("nodePort");
          portsWithoutNodePorts.add(p);
        }
        serviceSpec.put("ports", portsWithoutNodePorts);
      }
      rest.put("spec", serviceSpec);
    }
    rest.forEach(copy::setAdditionalProperty);
    return copy;
  }

}
