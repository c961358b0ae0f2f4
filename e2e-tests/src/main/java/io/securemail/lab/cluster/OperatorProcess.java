package io.securemail.lab.cluster;

import io.securemail.lab.support.HttpProbe;
import io.securemail.lab.support.ManagedProcess;
import io.securemail.lab.support.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged operator (quarkus-run.jar), run as users run it, against the lab's control plane. */
public final class OperatorProcess implements AutoCloseable {

  private final ManagedProcess process;
  private final int httpPort;
  /** Stops the operator when this JVM ends without closing it (a benchmark stopped with SIGTERM). */
  private final Thread stopOnExit;

  private OperatorProcess(ManagedProcess process, int httpPort) {
    this.process = process;
    this.httpPort = httpPort;
    this.stopOnExit = new Thread(process::close, "stop-operator-on-exit");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  /**
   * @param properties extra configuration, passed as -D system properties (e.g. a short resync)
   */
  public static OperatorProcess start(Path operatorDir, Path kubeconfig, Path log, Map<String, String> properties)
      throws IOException {
    return start(operatorDir, kubeconfig, log, properties, List.of("-Xmx512m"));
  }

  /**
   * @param properties extra configuration, passed as -D system properties (e.g. a short resync)
   * @param jvmOptions the JVM's own options (heap, GC), e.g. the Helm chart's
   */
  public static OperatorProcess start(Path operatorDir, Path kubeconfig, Path log, Map<String, String> properties,
      List<String> jvmOptions) throws IOException {
    return start(operatorDir, kubeconfig, log, properties, jvmOptions, Map.of());
  }

  /** @param environment the process's environment besides KUBECONFIG, e.g. the image's */
  public static OperatorProcess start(Path operatorDir, Path kubeconfig, Path log, Map<String, String> properties,
      List<String> jvmOptions, Map<String, String> environment) throws IOException {
    Path jar = operatorDir.resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build the operator first (./mvnw -pl operator package)");
    }
    int httpPort = Ports.free();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.addAll(List.of("-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + httpPort));
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(List.of("-jar", jar.toString()));
    Map<String, String> env = new java.util.HashMap<>(environment);
    env.put("KUBECONFIG", kubeconfig.toString());
    ManagedProcess process = ManagedProcess.start("operator", command, env, log);
    OperatorProcess operator = new OperatorProcess(process, httpPort);
    try {
      process.awaitReady(Duration.ofSeconds(90), () -> HttpProbe.ok(operator.url("/q/health/ready")));
    } catch (RuntimeException e) {
      operator.close();
      throw e;
    }
    return operator;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + httpPort + path;
  }

  /** The operator's Prometheus metrics text. */
  public String metrics() {
    String body = HttpProbe.get(url("/q/metrics"));
    if (body == null) {
      throw new IllegalStateException("operator metrics unavailable; log " + process.log() + ":\n" + process.tail());
    }
    return body;
  }

  public Path log() {
    return process.log();
  }

  /** The operator JVM's process id. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String logTail() {
    return process.tail();
  }

  /** SIGTERM; the exit code when the JVM stopped by itself within {@code grace}, else empty (killed). */
  public java.util.OptionalInt terminate(Duration grace) {
    forgetOnExit();
    return process.terminate(grace);
  }

  @Override
  public void close() {
    forgetOnExit();
    process.close();
  }

  private void forgetOnExit() {
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException e) {
      // The JVM is ending: the hook runs (or ran) and stops the process too.
    }
  }
}
