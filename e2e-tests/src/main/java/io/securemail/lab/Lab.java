package io.securemail.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole lab for one run: a control plane with the project's CRDs installed and the packaged
 * operator running against it. Started once, shared by every test, stopped at the end.
 */
public final class Lab implements AutoCloseable {

  private final ControlPlane controlPlane;
  private final OperatorProcess operator;
  private final Path repoDir;

  private Lab(ControlPlane controlPlane, OperatorProcess operator, Path repoDir) {
    this.controlPlane = controlPlane;
    this.operator = operator;
    this.repoDir = repoDir;
  }

  /**
   * @param repoDir the repository checkout (its crds/ and operator/ are used)
   * @param workDir where logs, kubeconfig and server state go
   * @param operatorProperties extra operator configuration
   */
  public static Lab start(Path repoDir, Path workDir, Map<String, String> operatorProperties) throws IOException {
    long started = System.nanoTime();
    ControlPlane controlPlane = ControlPlane.start(workDir);
    try {
      controlPlane.installCrds(crdFiles(repoDir.resolve("crds")));
      OperatorProcess operator = OperatorProcess.start(repoDir.resolve("operator"), controlPlane.kubeconfig(),
          workDir.resolve("operator.log"), operatorProperties);
      System.out.printf("[lab] control plane and operator up in %.1f s (work dir %s)%n",
          (System.nanoTime() - started) / 1e9, workDir);
      return new Lab(controlPlane, operator, repoDir);
    } catch (IOException | RuntimeException e) {
      controlPlane.close();
      throw e;
    }
  }

  static List<Path> crdFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  public KubernetesClient client() {
    return controlPlane.client();
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  public OperatorProcess operator() {
    return operator;
  }

  public Path repoDir() {
    return repoDir;
  }

  @Override
  public void close() {
    operator.close();
    controlPlane.close();
  }
}
