package io.securemail.lab;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * The README's "run locally": a local control plane, the CRD, the operator, an example domain; prints
 * the domain's status whenever it changes and keeps running until Ctrl-C, then cleans up.
 */
public final class LocalLab {

  private static final ResourceDefinitionContext SMD = new ResourceDefinitionContext.Builder()
      .withGroup("securemail.io").withVersion("v1alpha1").withPlural("securemaildomains").withNamespaced(true).build();

  private LocalLab() {}

  public static void main(String[] args) throws Exception {
    Path repo = Path.of(System.getProperty("securemail.repo.dir", ".")).toAbsolutePath().normalize();
    Path example = repo.resolve(args.length > 0 ? args[0] : "examples/minimal.yaml");
    Path work = Files.createTempDirectory("securemail-lab-");
    Lab lab = Lab.start(repo, work, Map.of());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\n[lab] stopping the operator and the control plane");
      lab.close();
      stopped.countDown();
    }));

    KubernetesClient client = lab.client();
    // The lab's TSIG key, for examples that publish to the lab's Knot (examples/lab-rfc2136.yaml).
    client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("lab-tsig")
        .endMetadata().withStringData(Map.of("secret", lab.dns().tsigSecret())).build()).serverSideApply();
    System.out.printf("[lab] DNS: Knot %s (zones %s, TSIG key %s in Secret default/lab-tsig), validating Unbound %s%n",
        lab.dns().authoritativeAddress(), Lab.ZONES, lab.dns().tsigKeyName(), lab.dns().resolverAddress());
    try (InputStream in = Files.newInputStream(example)) {
      for (HasMetadata item : client.load(in).items()) {
        client.resource(item).inNamespace(Objects.requireNonNullElse(item.getMetadata().getNamespace(), "default"))
            .forceConflicts().serverSideApply();
        System.out.printf("[lab] applied %s %s from %s%n", item.getKind(), item.getMetadata().getName(), repo.relativize(example));
      }
    }
    System.out.printf("[lab] kubectl works too: kubectl --kubeconfig %s get smd -A%n", lab.controlPlane().kubeconfig());
    System.out.printf("[lab] operator log: %s; Ctrl-C stops everything%n", lab.operator().log());

    client.genericKubernetesResources(SMD).inAnyNamespace().watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, GenericKubernetesResource resource) {
        Object status = resource.getAdditionalProperties().get("status");
        System.out.printf("%n[lab] %s %s/%s status:%n%s", action, resource.getMetadata().getNamespace(),
            resource.getMetadata().getName(), status == null ? "(none yet)\n" : client.getKubernetesSerialization().asYaml(status));
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    });
    stopped.await();
  }
}
