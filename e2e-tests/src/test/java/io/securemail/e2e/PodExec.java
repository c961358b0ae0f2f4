package io.securemail.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A command run in a container of a Pod on the lab's node, through the API server and the kubelet, as kubectl exec runs it. */
final class PodExec {

  private PodExec() {}

  /** What the command wrote, standard output and error together. */
  static String run(KubernetesClient client, Pod pod, String container, String... command) throws IOException {
    var out = new ByteArrayOutputStream();
    try (var watch = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
        .inContainer(container).writingOutput(out).writingError(out).exec(command)) {
      watch.exitCode().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("exec " + String.join(" ", command) + " in " + container + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return out.toString();
  }
}
